"""archived clusters are not published; an admin's API keys in use have one name each

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 00:00:00

Archiving a published cluster left it ``published``: hidden from the portal by its archive only, it
was back there unasked the day it was unarchived. Archiving now withdraws the publication
(app.clusters.service); the clusters archived before, still marked published, are unpublished here.
The downgrade leaves them so: nothing says which of them were published when archived.

Two API keys one admin created could have the same name, and a list of keys could not tell them
apart. ``uq_api_keys_name`` is unique on (created_by_id, name) among the keys not revoked (a revoked
key's name may be given to its replacement); app.core.unique refuses a duplicate naming ``name``.
Keys already named alike keep their names but the oldest's, which get " (2)", " (3)"...: a name no
key of theirs has. The downgrade drops the index and leaves the names as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    clusters = sa.table(
        "clusters",
        sa.column("published", sa.Boolean()),
        sa.column("archived", sa.Boolean()),
        sa.column("version", sa.Integer()),
    )
    # A new version: an ETag read before the upgrade no longer matches the cluster.
    op.execute(
        clusters.update()
        .where(clusters.c.archived.is_(True), clusters.c.published.is_(True))
        .values(published=False, version=clusters.c.version + 1)
    )
    _rename_duplicate_key_names()
    op.create_index(
        "uq_api_keys_name",
        "api_keys",
        ["created_by_id", "name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )


_NAME_LENGTH = 255  # api_keys.name


def _rename_duplicate_key_names() -> None:
    keys = sa.table(
        "api_keys",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("created_by_id", sa.Integer()),
        sa.column("revoked_at", sa.DateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(keys.c.id, keys.c.name, keys.c.created_by_id)
        .where(keys.c.revoked_at.is_(None), keys.c.created_by_id.is_not(None))
        .order_by(keys.c.id)
    ).all()
    taken: dict[int, set[str]] = {}
    for row in rows:
        taken.setdefault(row.created_by_id, set()).add(row.name)
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if (row.created_by_id, row.name) not in seen:
            seen.add((row.created_by_id, row.name))
            continue
        names = taken[row.created_by_id]
        number = 2
        while True:
            suffix = f" ({number})"
            name = row.name[: _NAME_LENGTH - len(suffix)] + suffix
            if name not in names:
                break
            number += 1
        names.add(name)
        seen.add((row.created_by_id, name))
        connection.execute(keys.update().where(keys.c.id == row.id).values(name=name))


def downgrade() -> None:
    op.drop_index("uq_api_keys_name", table_name="api_keys")
    # The unpublished clusters stay unpublished, the renamed keys renamed (see above).
