"""the stored SDG titles have their accents composed (NFC)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 00:00:00

The bundled SDG files (app/data/sdg) write most accents as a letter followed by a combining mark
(Unicode NFD): 185 of the 186 French titles, 174 Spanish, 148 Russian. The first migration stored
them so in ``terms.titles`` (and ``label``), and an API client comparing a title with the one it
types (NFC, as keyboards write it) found them different. They are rewritten composed (NFC), as
app.feed.sdg now reads the files. Only a value that changes is written: run again, it writes
nothing. When one does change, the data version moves (the counter every data change bumps), so
that the pages, statistics and export files kept for the old version are not served again. The
downgrade leaves them composed: the same text.
"""

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _composed(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _composed(item) for key, item in value.items()}
    return value


def upgrade() -> None:
    terms = sa.table(
        "terms",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("label", sa.Text()),
        sa.column("titles", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(terms.c.id, terms.c.label, terms.c.titles).where(terms.c.kind == "sdg")
    )
    changed = False
    for term_id, label, stored in rows.all():
        titles = json.loads(stored) if isinstance(stored, str) else stored
        label_nfc, titles_nfc = _composed(label), _composed(titles)
        if label_nfc != label or titles_nfc != titles:
            connection.execute(
                terms.update().where(terms.c.id == term_id).values(label=label_nfc, titles=titles_nfc)
            )
            changed = True
    if changed:
        versions = sa.table(
            "data_versions", sa.column("id", sa.Integer()), sa.column("counter", sa.BigInteger())
        )
        connection.execute(versions.update().where(versions.c.id == 1).values(counter=versions.c.counter + 1))


def downgrade() -> None:
    pass  # the titles stay composed: the same text (see above)
