"""The world of the progress queue's tests: two entities' actions and progress updates in every
state, each changed a minute after the one before (the queue's order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from tests.builder import building


@dataclass(frozen=True)
class QueueWorld:
    justice: int
    health: int
    submitted_justice: int  # the oldest submitted
    submitted_health: int
    returned_justice: int
    draft_justice: int
    draft_health: int
    approved_justice: int
    action_justice: int


def build(engine: Engine) -> QueueWorld:
    with building(engine) as b:
        justice = b.entity("Ministry of Justice").id
        health = b.entity("Ministry of Health").id
        author_j = b.author("queue-justice@example.org", entity_id=justice).id
        author_h = b.author("queue-health@example.org", entity_id=health).id
        bill = b.action("Draft the anti-torture bill", lead_entity_id=justice)
        clinics = b.action("Open child health clinics", lead_entity_id=health)
        updates = [
            b.progress(bill.id, "submitted", "Bill sent to cabinet.", author_id=author_j),
            b.progress(clinics.id, "submitted", "Two clinics open.", author_id=author_h),
            b.progress(
                bill.id,
                "returned",
                "Bill drafted.",
                author_id=author_j,
                review_comment="Add the figures.",
                reported_on=date(2025, 3, 1),
            ),
            b.progress(bill.id, "draft", "Consultations planned.", author_id=author_j),
            b.progress(clinics.id, "draft", "Health draft.", author_id=author_h),
            b.progress(bill.id, "approved", "Bill published.", author_id=author_j),
        ]
        b.session.flush()
        # The queue's order is by last change: the first one waits longest.
        for minutes, update in enumerate(updates):
            update.updated_at = update.updated_at.replace(year=2026, month=1, day=1, hour=0, minute=minutes)
    submitted_j, submitted_h, returned_j, draft_j, draft_h, approved_j = (u.id for u in updates)
    return QueueWorld(
        justice, health, submitted_j, submitted_h, returned_j, draft_j, draft_h, approved_j, bill.id
    )
