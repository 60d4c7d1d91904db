"""api key last used: when each API key last authenticated a request

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 12:00:00

An admin about to revoke a key could not tell whether anything still used it. ``last_used_at`` is
written when a key authenticates a request, at most once a minute per key (so reads do not each
write); null: not used since this migration (or never).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch:
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch:
        batch.drop_column("last_used_at")
