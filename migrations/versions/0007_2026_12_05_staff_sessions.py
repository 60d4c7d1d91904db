"""staff sessions: browser sign-ins beside bearer tokens; the forced password change

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 03:00:00

A browser session of the staff workspace is a row of ``auth_tokens`` of kind ``session``: the
cookie carries its secret (only the SHA-256 is stored, like a bearer token's), ``csrf_token`` is the
token every form of the session must send back, ``last_used_at`` measures the idle timeout.
``users.must_change_password`` is set on an account an admin created or whose password an admin
reset: its owner must choose a new password before anything else.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_tokens") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="bearer"))
        batch.add_column(sa.Column("csrf_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("auth_tokens") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("csrf_token")
        batch.drop_column("kind")
