"""follow-up replies: each follow-up reply deadline named for good, with a version; a version for
each document's next periodic report

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 19:30:00

A follow-up reply (one document's recommendations selected for follow-up with one due date) was
named by the smallest id of its recommendations: adding an older one to the selection made it another
deadline (unpublished, another UID in the calendar feeds), and nothing counted its changes (the feed's
SEQUENCE stayed 0 when its date moved). Each reply now has its row, named by the smallest id of what
it holds today, so that the published ones stay published. ``follow_up_documents.version`` grows
when a reading of the document moves its next periodic report (its SEQUENCE stayed 0 too).
``deadline_completions``: the follow-up replies and periodic reports a coordinator marked as sent,
which stayed overdue until the committee graded or reviewed them.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    replies = op.create_table(
        "follow_up_replies",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mechanism_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=255), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("held", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mechanism_id"], ["mechanisms.id"], name=op.f("fk_follow_up_replies_mechanism_id_mechanisms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_replies")),
    )
    op.create_index(op.f("ix_follow_up_replies_symbol"), "follow_up_replies", ["symbol"], unique=False)
    op.create_index(op.f("ix_follow_up_replies_due"), "follow_up_replies", ["due"], unique=False)
    op.create_table(
        "deadline_completions",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"], name=op.f("fk_deadline_completions_marked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("kind", "object_id", name=op.f("pk_deadline_completions")),
    )
    with op.batch_alter_table("follow_up_documents", schema=None) as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    follow_up = sa.table(
        "recommendation_follow_up",
        sa.column("recommendation_id", sa.Integer()),
        sa.column("detected_selected", sa.Boolean()),
        sa.column("detected_due", sa.Date()),
        sa.column("corrected_selected", sa.Boolean()),
        sa.column("corrected_due", sa.Date()),
    )
    recommendations = sa.table(
        "recommendations",
        sa.column("id", sa.Integer()),
        sa.column("mechanism_id", sa.Integer()),
        sa.column("symbol", sa.String()),
        sa.column("withdrawn", sa.Boolean()),
    )
    selected = sa.func.coalesce(follow_up.c.corrected_selected, follow_up.c.detected_selected)
    due = sa.func.coalesce(follow_up.c.corrected_due, follow_up.c.detected_due)
    rows = op.get_bind().execute(
        sa.select(recommendations.c.id, recommendations.c.mechanism_id, recommendations.c.symbol, due)
        .join(follow_up, follow_up.c.recommendation_id == recommendations.c.id)
        .where(selected.is_(sa.true()), due.is_not(None), recommendations.c.withdrawn.is_(sa.false()))
    )
    groups: dict[tuple[int, str | None, object], list[int]] = defaultdict(list)
    for rec_id, mechanism_id, symbol, day in rows:
        groups[(mechanism_id, symbol, day)].append(rec_id)
    now = datetime.now(UTC)
    seeded = [
        {
            "id": min(ids),
            "mechanism_id": mechanism_id,
            "symbol": symbol,
            "due": day,
            # Its recommendations (their grades are added, and its version raised, when next settled):
            # the row follows them should they all move to another date.
            "held": ",".join(f"{rec_id}:" for rec_id in sorted(ids)),
            "version": 1,
            "created_at": now,
        }
        for (mechanism_id, symbol, day), ids in groups.items()
    ]
    if seeded:
        op.bulk_insert(replies, seeded)


def downgrade() -> None:
    op.drop_table("deadline_completions")
    with op.batch_alter_table("follow_up_documents", schema=None) as batch:
        batch.drop_column("version")
    op.drop_index(op.f("ix_follow_up_replies_due"), table_name="follow_up_replies")
    op.drop_index(op.f("ix_follow_up_replies_symbol"), table_name="follow_up_replies")
    op.drop_table("follow_up_replies")
