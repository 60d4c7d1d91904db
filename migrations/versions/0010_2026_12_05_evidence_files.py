"""evidence files: documents attached to progress updates

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 05:30:00

One row per attached file: its sanitised name, the media type found from its content, its size and
the SHA-256 of its content, which names the stored file under NRTD_STORAGE_DIR (the same content
attached twice is stored once). The rows go with their progress update.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_update_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["progress_update_id"],
            ["progress_updates.id"],
            name=op.f("fk_evidence_files_progress_update_id_progress_updates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    with op.batch_alter_table("evidence_files") as batch:
        batch.create_index(
            batch.f("ix_evidence_files_progress_update_id"), ["progress_update_id"], unique=False
        )
        batch.create_index(batch.f("ix_evidence_files_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("evidence_files")
