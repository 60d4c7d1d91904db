"""data versions: a counter bumped by every transaction that changes data, in commit order

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 11:00:00

``data_versions`` holds one row (id 1). Every transaction that records a data event (or rebuilds
search documents, or rescores source links) adds one to ``counter`` as its last statement, so the
data version that keeps totals, list pages and counts moves with every commit, in commit order
(audit event ids are given out at insert: on PostgreSQL two writers may commit out of id order).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"id": 1, "counter": 0}])


def downgrade() -> None:
    op.drop_table("data_versions")
