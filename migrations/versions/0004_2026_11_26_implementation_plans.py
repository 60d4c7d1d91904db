"""implementation plans

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lead_entity_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("budget_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column("budget_source", sa.String(length=255), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["lead_entity_id"], ["entities.id"], name=op.f("fk_actions_lead_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_lead_entity_id"), ["lead_entity_id"], unique=False)
        batch_op.create_index("ix_actions_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "action_clusters",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_clusters_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["clusters.id"],
            name=op.f("fk_action_clusters_cluster_id_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "cluster_id", name=op.f("pk_action_clusters")),
    )
    with op.batch_alter_table("action_clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_clusters_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "action_entities",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_entities_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_action_entities_entity_id_entities")
        ),
        sa.PrimaryKeyConstraint("action_id", "entity_id", name=op.f("pk_action_entities")),
    )
    with op.batch_alter_table("action_entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_entities_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "action_recommendations",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_recommendations_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_action_recommendations_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "recommendation_id", name=op.f("pk_action_recommendations")),
    )
    with op.batch_alter_table("action_recommendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_recommendations_recommendation_id"), ["recommendation_id"], unique=False
        )

    op.create_table(
        "action_sdgs",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_sdgs_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["term_id"], ["terms.id"], name=op.f("fk_action_sdgs_term_id_terms")),
        sa.PrimaryKeyConstraint("action_id", "term_id", name=op.f("pk_action_sdgs")),
    )
    with op.batch_alter_table("action_sdgs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_sdgs_term_id"), ["term_id"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("baseline_value", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target_value", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_indicators_action_id_actions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_action_id"), ["action_id"], unique=False)

    op.create_table(
        "progress_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("new_status", sa.String(length=16), nullable=True),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_progress_updates_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_progress_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_progress_updates_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_updates")),
    )
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.create_index("ix_progress_updates_action_date", ["action_id", "reported_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_updates_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_updates_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_updates_state"), ["state"], unique=False)

    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_indicator_values_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_values_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
    )
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_values_indicator_date", ["indicator_id", "measured_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_values_indicator_date")
    op.drop_table("indicator_values")

    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_updates_state"))
        batch_op.drop_index(batch_op.f("ix_progress_updates_published_at"))
        batch_op.drop_index(batch_op.f("ix_progress_updates_author_id"))
        batch_op.drop_index("ix_progress_updates_action_date")
    op.drop_table("progress_updates")

    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_action_id"))
    op.drop_table("indicators")

    with op.batch_alter_table("action_sdgs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_sdgs_term_id"))
    op.drop_table("action_sdgs")

    with op.batch_alter_table("action_recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_recommendations_recommendation_id"))
    op.drop_table("action_recommendations")

    with op.batch_alter_table("action_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_entities_entity_id"))
    op.drop_table("action_entities")

    with op.batch_alter_table("action_clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_clusters_cluster_id"))
    op.drop_table("action_clusters")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_status_due")
        batch_op.drop_index(batch_op.f("ix_actions_lead_entity_id"))
        batch_op.drop_index(batch_op.f("ix_actions_due_date"))
    op.drop_table("actions")
