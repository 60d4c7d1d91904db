"""outbox states: the digests' state column takes only the states the application writes

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 05:50:00

A digest can now be ``dropped`` (never sent: its person was deactivated, made a reader or chose no
digest after it was built). The column was free text; the states are now checked by the database,
so a digest in a state no run handles (one neither sent nor retried, silently) cannot be stored.
The list is the application's ``app.models.notify.OUTBOX_STATES`` (a migration imports no
application code: written out here).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("pending", "sending", "sent", "failed", "dropped")


def upgrade() -> None:
    # SQLite adds a CHECK constraint by copying the table (batch mode); PostgreSQL alters it.
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_notification_outbox_state"), "state IN (" + ", ".join(f"'{s}'" for s in STATES) + ")"
        )


def downgrade() -> None:
    with op.batch_alter_table("notification_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_outbox_state"), type_="check")
