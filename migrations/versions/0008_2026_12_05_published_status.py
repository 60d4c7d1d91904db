"""published status and priority: what the public sees of a recommendation's local work

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 05:15:00

A coordinator's status or priority change is working data until they publish it: the public
API, portal, exports, reports and statistics read ``published_status`` and
``published_priority`` (NULL status: never published, read as ``not_started``). So that an
upgrade does not change what the public already saw, every existing row is published as it
stands: its published values are its current ones, published when it was last edited, by whoever
edited it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendation_local") as batch:
        batch.add_column(sa.Column("published_status", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("published_priority", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_recommendation_local_published_by_id_users"), "users", ["published_by_id"], ["id"]
        )
        batch.create_index(batch.f("ix_recommendation_local_published_status"), ["published_status"])
        batch.create_index(batch.f("ix_recommendation_local_published_priority"), ["published_priority"])
    op.execute(
        "UPDATE recommendation_local SET published_status = status, published_priority = priority, "
        "published_at = updated_at, published_by_id = updated_by_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("recommendation_local") as batch:
        batch.drop_index(batch.f("ix_recommendation_local_published_priority"))
        batch.drop_index(batch.f("ix_recommendation_local_published_status"))
        batch.drop_constraint(batch.f("fk_recommendation_local_published_by_id_users"), type_="foreignkey")
        batch.drop_column("published_by_id")
        batch.drop_column("published_at")
        batch.drop_column("published_priority")
        batch.drop_column("published_status")
