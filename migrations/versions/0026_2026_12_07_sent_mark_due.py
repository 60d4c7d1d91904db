"""sent mark's due date: the date a follow-up reply or periodic report was due when marked sent

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 00:00:00

A follow-up reply or periodic report marked as sent stayed sent when its date later moved (a
re-import, a coordinator's correction): the calendar showed the new deadline, a later round of the
committee's follow-up, as already answered. ``deadline_completions.answered_due`` keeps the date the
mark answered (app.deadlines.marks says when it still applies). The marks already made are given the
date their deadline has now, which is the one they were made for unless it moved since.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_completions", schema=None) as batch:
        batch.add_column(sa.Column("answered_due", sa.Date(), nullable=True))

    marks = sa.table(
        "deadline_completions",
        sa.column("kind", sa.String()),
        sa.column("object_id", sa.Integer()),
        sa.column("sent_on", sa.Date()),
        sa.column("answered_due", sa.Date()),
    )
    replies = sa.table("follow_up_replies", sa.column("id", sa.Integer()), sa.column("due", sa.Date()))
    documents = sa.table(
        "follow_up_documents", sa.column("symbol", sa.String()), sa.column("report_due", sa.Date())
    )
    recommendations = sa.table(
        "recommendations", sa.column("id", sa.Integer()), sa.column("symbol", sa.String())
    )
    reply_due = (
        sa.select(replies.c.due).where(replies.c.id == marks.c.object_id).correlate(marks).scalar_subquery()
    )
    # A periodic report is named by the smallest id of its document's recommendations.
    anchor_symbol = (
        sa.select(recommendations.c.symbol)
        .where(recommendations.c.id == marks.c.object_id)
        .correlate(marks)
        .scalar_subquery()
    )
    report_due = (
        sa.select(documents.c.report_due).where(documents.c.symbol == anchor_symbol).scalar_subquery()
    )
    for kind, due in (("follow_up_reply", reply_due), ("periodic_report", report_due)):
        op.execute(
            marks.update().where(marks.c.kind == kind, marks.c.sent_on.is_not(None)).values(answered_due=due)
        )


def downgrade() -> None:
    with op.batch_alter_table("deadline_completions", schema=None) as batch:
        batch.drop_column("answered_due")
