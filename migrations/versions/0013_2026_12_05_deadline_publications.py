"""deadline publications: the follow-up replies and periodic reports due a coordinator made public

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 06:00:00

The calendar reads follow-up replies due and periodic reports due from the treaty-body follow-up
tables; they have no row of their own to carry a ``published`` flag, so a coordinator's publication
of one is a row here, named by the calendar's kind and object id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadline_publications",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name="fk_deadline_publications_published_by_id_users"
        ),
        sa.PrimaryKeyConstraint("kind", "object_id", name="pk_deadline_publications"),
    )


def downgrade() -> None:
    op.drop_table("deadline_publications")
