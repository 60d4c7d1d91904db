"""source links: one recommendation that several sources publish

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-05 06:00:00

``recommendation_source_links`` says that a record (``member``: a UPR Info row, a manual copy) is
the same recommendation as another (``leader``: the UHRI record). Lists, counts, exports and reports
leave linked members out. ``state`` is ``linked`` or ``unlinked`` (a coordinator undid the link:
the pair is never linked again automatically); ``method`` is ``matched`` (the linking pass) or
``manual``. A record is the linked member of one leader at most (a partial unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recommendation_source_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_source_links_leader_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_source_links_member_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_source_links")),
        sa.UniqueConstraint("member_id", "leader_id", name=op.f("uq_recommendation_source_links_member_id")),
    )
    op.create_index("ix_recommendation_source_links_leader", "recommendation_source_links", ["leader_id"])
    op.create_index(
        "ux_recommendation_source_links_member",
        "recommendation_source_links",
        ["member_id"],
        unique=True,
        sqlite_where=sa.text("state = 'linked'"),
        postgresql_where=sa.text("state = 'linked'"),
    )


def downgrade() -> None:
    op.drop_index("ux_recommendation_source_links_member", table_name="recommendation_source_links")
    op.drop_index("ix_recommendation_source_links_leader", table_name="recommendation_source_links")
    op.drop_table("recommendation_source_links")
