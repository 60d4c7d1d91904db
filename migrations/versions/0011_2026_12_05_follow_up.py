"""follow-up: the follow-up procedure read from concluding observations, grades, import warnings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 05:30:00

``follow_up_documents`` holds what the detection read from each document (the follow-up request and
the next periodic report's date); ``recommendation_follow_up`` each recommendation's selection, the
detected columns beside a coordinator's corrections (the detection never writes those);
``follow_up_grades`` the committee's assessments; ``import_warnings`` what a run could read only in
part. The tables start empty: ``nrtd followup detect`` reads the documents already stored (see
docs/follow-up.md), and every import reads the documents it touches.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "follow_up_documents",
        sa.Column("symbol", sa.String(length=255), nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("request_paragraph", sa.String(length=32), nullable=True),
        sa.Column("request_months", sa.Integer(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("named", JSON, nullable=False),
        sa.Column("missing", JSON, nullable=False),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("report_what", sa.String(length=255), nullable=True),
        sa.Column("detected_run_id", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["detected_run_id"],
            ["import_runs.id"],
            name=op.f("fk_follow_up_documents_detected_run_id_import_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanisms.id"], name=op.f("fk_follow_up_documents_mechanism_id_mechanisms")
        ),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_follow_up_documents")),
    )
    with op.batch_alter_table("follow_up_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_documents_follow_up_due"), ["follow_up_due"])
        batch_op.create_index(batch_op.f("ix_follow_up_documents_mechanism_id"), ["mechanism_id"])
        batch_op.create_index(batch_op.f("ix_follow_up_documents_report_due"), ["report_due"])

    op.create_table(
        "recommendation_follow_up",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("detected_selected", sa.Boolean(), nullable=False),
        sa.Column("detected_due", sa.Date(), nullable=True),
        sa.Column("detected_letters", sa.String(length=64), nullable=True),
        sa.Column("detected_symbol", sa.String(length=255), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_selected", sa.Boolean(), nullable=True),
        sa.Column("corrected_due", sa.Date(), nullable=True),
        sa.Column("corrected_note", sa.Text(), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["users.id"], name=op.f("fk_recommendation_follow_up_corrected_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_follow_up_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", name=op.f("pk_recommendation_follow_up")),
    )

    op.create_table(
        "follow_up_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("source_symbol", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_follow_up_grades_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_follow_up_grades_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_grades")),
    )
    with op.batch_alter_table("follow_up_grades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_grades_grade"), ["grade"])
        batch_op.create_index(batch_op.f("ix_follow_up_grades_recommendation_id"), ["recommendation_id"])

    op.create_table(
        "import_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_run_id"],
            ["import_runs.id"],
            name=op.f("fk_import_warnings_import_run_id_import_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_warnings")),
    )
    with op.batch_alter_table("import_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_warnings_import_run_id"), ["import_run_id"])


def downgrade() -> None:
    op.drop_table("import_warnings")
    op.drop_table("follow_up_grades")
    op.drop_table("recommendation_follow_up")
    op.drop_table("follow_up_documents")
