"""indicator values are reviewed like progress updates

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 05:30:00

``indicator_values`` gains the review of progress updates: ``state`` (draft, submitted, approved,
returned), ``review_comment``, ``reviewed_by_id``, ``reviewed_at``, a ``version`` (its ETag) and
``updated_at``. An approved value is never edited: a new value ``corrects_id`` it, and approving
the correction sets the old one's ``superseded_by_id`` (kept in the history, no longer public).

Existing values become ``approved``: before this revision every recorded value was public at once,
so they stay as the public saw them; ``updated_at`` starts as ``created_at``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_values") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="draft"))
        batch.add_column(sa.Column("review_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_indicator_values_reviewed_by_id_users"), "users", ["reviewed_by_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_indicator_values_corrects_id_indicator_values"),
            "indicator_values",
            ["corrects_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            batch.f("fk_indicator_values_superseded_by_id_indicator_values"),
            "indicator_values",
            ["superseded_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_indicator_values_state"), ["state"], unique=False)
    op.execute("UPDATE indicator_values SET state = 'approved', updated_at = created_at")
    with op.batch_alter_table("indicator_values") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("indicator_values") as batch:
        batch.drop_index(batch.f("ix_indicator_values_state"))
        batch.drop_constraint(
            batch.f("fk_indicator_values_superseded_by_id_indicator_values"), type_="foreignkey"
        )
        batch.drop_constraint(batch.f("fk_indicator_values_corrects_id_indicator_values"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_indicator_values_reviewed_by_id_users"), type_="foreignkey")
        for column in (
            "updated_at",
            "version",
            "superseded_by_id",
            "corrects_id",
            "reviewed_at",
            "reviewed_by_id",
            "review_comment",
            "state",
        ):
            batch.drop_column(column)
