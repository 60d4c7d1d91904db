"""Which sent marks still apply: a follow-up reply or periodic report marked as sent answered the
date it was due then, and its date may move afterwards (a re-import reads the document again, a
coordinator corrects the date).

A mark applies to the deadline's current date when that date is

- on or before the date it answered, or later by at most ``CORRECTION`` (the same request, its date
  corrected: UHRI's date of the document, a day mistyped): what was sent answers it;
- or on or before the day it was sent (sent late, on the date as it now is): it answered it.

A date later than both is another round (the committee asks for more information after grading the
reply, a new date for the report): the deadline is due again, and says so in the calendar, its
feeds and the reminders, until a coordinator marks it sent again. Of the two mistakes a rule can make
this one is the loud one: a deadline wrongly shown as answered is missed in silence, one wrongly
shown as due is one click of "Mark as sent" away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DeadlineCompletion

# How much later a corrected date of the same request may be; a committee's next round is months on.
CORRECTION = dt.timedelta(days=31)


@dataclass(frozen=True, slots=True)
class SentMark:
    """A coordinator's mark (app.deadlines.completions): sent on ``sent_on`` (None: undone), for the
    date ``answered_due`` (None: marked before the date was kept, applies to any), at ``version``."""

    sent_on: dt.date | None
    answered_due: dt.date | None
    version: int

    def answers(self, due: dt.date) -> bool:
        """Whether the deadline now due on ``due`` is the one this mark says was sent."""
        if self.sent_on is None:
            return False
        if self.answered_due is None:
            return True
        return due <= self.answered_due + CORRECTION or due <= self.sent_on


NOT_MARKED = SentMark(None, None, 0)


def sent_marks(session: Session, kind: str) -> dict[int, SentMark]:
    """object id -> its mark, for ``kind``."""
    rows = session.execute(
        select(
            DeadlineCompletion.object_id,
            DeadlineCompletion.sent_on,
            DeadlineCompletion.answered_due,
            DeadlineCompletion.version,
        ).where(DeadlineCompletion.kind == kind)
    )
    return {object_id: SentMark(sent_on, answered, version) for object_id, sent_on, answered, version in rows}
