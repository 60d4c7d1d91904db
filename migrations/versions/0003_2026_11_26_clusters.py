"""clusters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lead_entity_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_entity_id"], ["entities.id"], name=op.f("fk_clusters_lead_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
        sa.UniqueConstraint("name", name=op.f("uq_clusters_name")),
    )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clusters_archived"), ["archived"], unique=False)
        batch_op.create_index(batch_op.f("ix_clusters_lead_entity_id"), ["lead_entity_id"], unique=False)

    op.create_table(
        "cluster_recommendations",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["clusters.id"],
            name=op.f("fk_cluster_recommendations_cluster_id_clusters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_cluster_recommendations_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cluster_id", "recommendation_id", name=op.f("pk_cluster_recommendations")),
    )
    with op.batch_alter_table("cluster_recommendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cluster_recommendations_recommendation_id"), ["recommendation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cluster_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_recommendations_recommendation_id"))
    op.drop_table("cluster_recommendations")

    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusters_lead_entity_id"))
        batch_op.drop_index(batch_op.f("ix_clusters_archived"))
    op.drop_table("clusters")
