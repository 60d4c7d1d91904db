"""password set at: when each user's password was last set, so that a temporary one expires

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:30:00

A temporary password (an account an admin created, or a password an admin reset) stayed valid until
its owner first signed in, however long that took. ``password_set_at`` is written whenever a password
is set; a temporary one older than ``NRTD_TEMPORARY_PASSWORD_DAYS`` no longer signs in. Existing
accounts take their last change (``updated_at``), the closest date known.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch:
        batch.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET password_set_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch:
        batch.drop_column("password_set_at")
