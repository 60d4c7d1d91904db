"""reminders: each person's digest language and frequency; the digests' outbox

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 06:00:00

``users.language`` and ``users.digest`` (daily, weekly, never; weekly for everyone already there).
``notification_outbox`` holds each digest from the moment it is built until the SMTP server took it:
unique per person and period, so building twice never makes two.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))
        batch.add_column(sa.Column("digest", sa.String(length=8), nullable=False, server_default="weekly"))
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notification_outbox_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_notification_outbox"),
        sa.UniqueConstraint("user_id", "period", name="uq_notification_outbox_user_period"),
    )
    op.create_index("ix_notification_outbox_state_next", "notification_outbox", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_notification_outbox_state_next", table_name="notification_outbox")
    op.drop_table("notification_outbox")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("digest")
        batch.drop_column("language")
