"""archived clusters are not published

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 00:00:00

Archiving a published cluster left it ``published``: hidden from the portal by its archive only, it
was back there unasked the day it was unarchived. Archiving now withdraws the publication
(app.clusters.service); the clusters archived before, still marked published, are unpublished here.
The downgrade leaves them so: nothing says which of them were published when archived.
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


def downgrade() -> None:
    pass  # the unpublished clusters stay unpublished (see above)
