"""deadlines: the dates a coordinator enters for the calendar; indicators by target date

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 05:40:00

A row of ``deadlines`` is a ``upr_review`` (the next UPR review; ``last_review_on`` opens its cycle and
``midterm_on`` overrides the suggested mid-term report date) or a ``custom`` deadline. The calendar also
reads indicators by target date: an index serves that range. A user's calendar feed token is a row of
``auth_tokens`` of kind ``calendar`` (the column exists: no change).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_review_on", sa.Date(), nullable=True),
        sa.Column("midterm_on", sa.Date(), nullable=True),
        sa.Column("midterm_done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_deadlines_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name=op.f("fk_deadlines_entity_id_entities")),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanisms.id"], name=op.f("fk_deadlines_mechanism_id_mechanisms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadlines_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_mechanism_id"), ["mechanism_id"], unique=False)
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_target_date"), ["target_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_target_date"))
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadlines_mechanism_id"))
        batch_op.drop_index(batch_op.f("ix_deadlines_kind"))
        batch_op.drop_index(batch_op.f("ix_deadlines_entity_id"))
        batch_op.drop_index(batch_op.f("ix_deadlines_due_on"))
    op.drop_table("deadlines")
