"""search stems: the version of the search documents, so that ``nrtd migrate`` rebuilds them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 06:20:00

The search document now holds the words' Snowball stems after the folded words
(``app.feed.stemming``). A migration does not import application code, so it cannot rebuild the
documents itself: it records that the stored ones were built by rule 1 (folded words only), and
``nrtd migrate`` rebuilds every document built by an older rule than the application's, in batches,
right after the migrations (``app.recommendations.search_index``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    state = op.create_table(
        "search_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index_state")),
    )
    op.bulk_insert(state, [{"id": 1, "document_version": 1}])


def downgrade() -> None:
    op.drop_table("search_index_state")
