"""Where the calendar's deadlines come from: one function per kind, each returning plain items.

A source reads its dates in a window (``from``/``to``, either open) and returns every item in it;
who may see which item, and the other filters, are applied once by app.deadlines.service, from the
items' own fields (``entity_ids``, ``mechanism``, ``published``, ``done``). A new kind of deadline is
one function here, its name in ``DeadlineKind`` and a line in ``SOURCES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.deadlines.marks import NOT_MARKED, sent_marks
from app.deadlines.report_names import report_title
from app.followup.reading import follow_up_due, next_reports_due
from app.models import Action, Deadline, DeadlinePublication, Indicator, Mechanism
from app.models.plan import OPEN_ACTION_STATUSES
from app.plans.actions.reading import load_links

DeadlineKind = Literal[
    "upr_review",
    "upr_midterm",
    "follow_up_reply",
    "periodic_report",
    "action_due",
    "indicator_target",
    "custom",
]
# The kinds read from the treaty-body follow-up: a coordinator publishes each one (DeadlinePublication).
PUBLISHABLE_KINDS: tuple[str, ...] = ("follow_up_reply", "periodic_report")
DEADLINE_KINDS: tuple[str, ...] = get_args(DeadlineKind)


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """One date of the calendar, whatever it comes from.

    ``object_id`` with ``kind`` names it for good (the feed's UID). ``entity_ids``: the entities it
    concerns (none: a general deadline, which every staff member sees). ``link``: its staff page;
    ``public_link``: its portal page, when it has one. ``done``: met, so never overdue. ``detail``: a
    short public fact shown beside the title (a follow-up reply's grade, for instance), in English;
    ``grade``: that grade's value alone, for a text in another language. ``cancelled``: done because
    what it belongs to was called off (a cancelled action), not met: the feed marks it cancelled.
    ``revision``: grows with every change of the rows it is read from (their versions), never back:
    the feed's SEQUENCE (a follow-up reply's: its row's, app.followup.replies; a periodic report's:
    its document's).
    """

    kind: str
    date: dt.date
    title: str
    object_id: int
    mechanism: str | None = None
    entity_ids: tuple[int, ...] = ()
    link: str | None = None
    public_link: str | None = None
    published: bool = False
    done: bool = False
    detail: str | None = None
    grade: str | None = None  # a follow-up reply's grades, unlabelled ("B", "A, C (2/3)")
    cancelled: bool = False
    revision: int = 0
    sent: bool = False  # a follow-up reply or periodic report a coordinator marked as sent (so done)

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.date < today


@dataclass(frozen=True, slots=True)
class Window:
    """The dates a source must return: on or after ``start``, on or before ``end`` (None: open)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def where(
        self, column: InstrumentedAttribute[dt.date] | InstrumentedAttribute[dt.date | None]
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [column.is_not(None)]
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return conditions

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


Source = Callable[[Session, Window], list[DeadlineItem]]


def midterm_suggestion(last_review: dt.date, next_review: dt.date) -> dt.date:
    """Half-way between two UPR reviews, rounded down to the day: the date the mid-term report is
    suggested for when a coordinator has not chosen one."""
    return last_review + dt.timedelta(days=(next_review - last_review).days // 2)


def midterm_date(row: Deadline) -> dt.date | None:
    """The chosen mid-term date, else the suggestion, else None (no previous review is known)."""
    if row.midterm_on is not None:
        return row.midterm_on
    if row.last_review_on is not None:
        return midterm_suggestion(row.last_review_on, row.due_on)
    return None


def _mechanism_codes(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Mechanism.id, Mechanism.code).where(Mechanism.id.in_(ids)))
    return {mechanism_id: code for mechanism_id, code in rows}


def _entered(session: Session, kind: str, conditions: list[ColumnElement[bool]]) -> list[Deadline]:
    return list(session.scalars(select(Deadline).where(Deadline.kind == kind, *conditions)))


def _entered_item(row: Deadline, kind: str, day: dt.date, codes: dict[int, str], done: bool) -> DeadlineItem:
    return DeadlineItem(
        kind=kind,
        date=day,
        title=row.title,
        object_id=row.id,
        mechanism=codes.get(row.mechanism_id) if row.mechanism_id else None,
        entity_ids=(row.entity_id,) if row.entity_id else (),
        link=f"/staff/calendar/{row.id}",
        published=row.published,
        done=done,
        revision=row.version,
    )


def custom_deadlines(session: Session, window: Window) -> list[DeadlineItem]:
    rows = _entered(session, "custom", window.where(Deadline.due_on))
    codes = _mechanism_codes(session, {row.mechanism_id for row in rows if row.mechanism_id})
    return [_entered_item(row, "custom", row.due_on, codes, row.done) for row in rows]


def upr_reviews(session: Session, window: Window) -> list[DeadlineItem]:
    rows = _entered(session, "upr_review", window.where(Deadline.due_on))
    codes = _mechanism_codes(session, {row.mechanism_id for row in rows if row.mechanism_id})
    return [_entered_item(row, "upr_review", row.due_on, codes, row.done) for row in rows]


def upr_midterms(session: Session, window: Window) -> list[DeadlineItem]:
    """The mid-term report of each UPR cycle: read from the review's row (its date is derived, so the
    window is applied here rather than in SQL; there are a handful of such rows)."""
    rows = _entered(session, "upr_review", [])
    codes = _mechanism_codes(session, {row.mechanism_id for row in rows if row.mechanism_id})
    items = []
    for row in rows:
        day = midterm_date(row)
        if day is not None and window.holds(day):
            items.append(_entered_item(row, "upr_midterm", day, codes, row.midterm_done))
    return items


@dataclass(frozen=True, slots=True)
class _ActionFacts:
    entity_ids: tuple[int, ...]
    link: str | None


def _action_facts(session: Session, actions: list[Action]) -> dict[int, _ActionFacts]:
    """Each action's entities (lead and supporting) and the page its deadlines link to, in bulk."""
    links = load_links(session, [action.id for action in actions])
    facts = {}
    for action in actions:
        entity_ids = set(links[action.id].supporting_entity_ids)
        if action.lead_entity_id is not None:
            entity_ids.add(action.lead_entity_id)
        facts[action.id] = _ActionFacts(tuple(sorted(entity_ids)), f"/staff/actions/{action.id}")
    return facts


def _under_action(
    kind: str,
    day: dt.date,
    title: str,
    object_id: int,
    action: Action,
    facts: dict[int, _ActionFacts],
    anchor: str = "",
    link: str | None = None,
    revision: int = 0,
) -> DeadlineItem:
    """A deadline of an action or of what hangs under it: seen by whoever sees the action, public
    when the action is (then linked to the action's portal page), met once the action is no longer open,
    cancelled with it. ``link``: its own staff page, when not the action's; ``revision``: its own
    row's, beside the action's (whose status cancels it)."""
    return DeadlineItem(
        kind=kind,
        date=day,
        title=title,
        object_id=object_id,
        entity_ids=facts[action.id].entity_ids,
        link=link or facts[action.id].link,
        public_link=f"/actions/{action.id}{anchor}" if action.published else None,
        published=action.published,
        done=action.status not in OPEN_ACTION_STATUSES,
        cancelled=action.status == "cancelled",
        revision=action.version + revision,
    )


def action_due_dates(session: Session, window: Window) -> list[DeadlineItem]:
    actions = list(session.scalars(select(Action).where(*window.where(Action.due_date))))
    facts = _action_facts(session, actions)
    items = []
    for action in actions:
        assert action.due_date is not None
        items.append(_under_action("action_due", action.due_date, action.title, action.id, action, facts))
    return items


def indicator_targets(session: Session, window: Window) -> list[DeadlineItem]:
    """An indicator's target date, under its action."""
    rows = list(
        session.execute(
            select(Indicator, Action)
            .join(Action, Action.id == Indicator.action_id)
            .where(*window.where(Indicator.target_date))
        )
    )
    facts = _action_facts(session, list({action.id: action for _, action in rows}.values()))
    items = []
    for indicator, action in rows:
        assert indicator.target_date is not None
        items.append(
            _under_action(
                "indicator_target",
                indicator.target_date,
                indicator.name,
                indicator.id,
                action,
                facts,
                anchor="#indicators",
                link=f"/staff/indicators/{indicator.id}",  # where its values are recorded
                revision=indicator.version - 1,  # its edits beyond its creation
            )
        )
    return items


def _published(session: Session, kind: str) -> set[int]:
    rows = session.scalars(select(DeadlinePublication.object_id).where(DeadlinePublication.kind == kind))
    return set(rows)


def _grades(grades: dict[int, str], total: int) -> str | None:
    """A follow-up reply's grades, without a label (the feed names them in its owner's language):
    "B", "A, C (2/3)" while some are missing."""
    if not grades:
        return None
    found = sorted(set(grades.values()))
    if len(found) == 1 and len(grades) == total:
        return found[0]
    return f"{', '.join(found)} ({len(grades)}/{total})"


def grades_label(grade: str) -> Reason:
    """The grades as shown beside the title: "Grade: B", "Grades: A, C (2/3)" (a ``Reason``: the
    API's ``detail`` in English, a page's in its reader's language)."""
    if "(" in grade:
        return Reason(_("Grades: %(grades)s"), grades=grade)
    return Reason(_("Grade: %(grade)s"), grade=grade)


def shown_detail(detail: str | None, grade: str | None) -> str | None:
    """A deadline's ``detail`` for a page: a grade's label as a ``Reason``, translated there."""
    return grades_label(grade) if grade else detail


def _document_page(symbol: str | None, recommendation_id: int) -> str:
    """The portal's page of a document's recommendations: the search for its symbol (as a
    recommendation's page links it), else the recommendation's own page."""
    if symbol:
        return "/?" + urlencode({"q": symbol})
    return f"/recommendations/{recommendation_id}"


def follow_up_replies(session: Session, window: Window) -> list[DeadlineItem]:
    """The information a treaty body asked for on the recommendations it selected for follow-up: one
    item per document and due date, met once the committee graded every one of them."""
    published = _published(session, "follow_up_reply")
    marked = sent_marks(session, "follow_up_reply")
    items = []
    for due in follow_up_due(session, date_from=window.start, date_to=window.end):
        grade = _grades(due.grades, len(due.recommendation_ids))
        mark = marked.get(due.reply_id, NOT_MARKED)
        sent = mark.answers(due.due)  # not once its date moved to another round
        items.append(
            DeadlineItem(
                kind="follow_up_reply",
                date=due.due,
                # The document alone: its kind ("Follow-up reply due") says the rest, in the reader's
                # language wherever it is shown (an English phrase here was English in every language).
                title=due.symbol or due.mechanism,
                object_id=due.reply_id,  # for good, whichever recommendations it holds
                mechanism=due.mechanism,
                link=f"/staff/recommendations/{due.anchor_id}#treaty-follow-up",
                # One selected recommendation: its page; several: the document's recommendations.
                public_link=(
                    f"/recommendations/{due.anchor_id}"
                    if len(due.recommendation_ids) == 1
                    else _document_page(due.symbol, due.anchor_id)
                ),
                published=due.reply_id in published,
                # Met once sent (a coordinator's mark) or once the committee graded every one.
                done=sent or len(due.grades) == len(due.recommendation_ids),
                sent=sent,
                detail=None if grade is None else str(grades_label(grade)),
                grade=grade,
                # Its row's (a moved date, a recommendation or a grade more) and its mark's.
                revision=due.version + mark.version,
            )
        )
    return items


def periodic_reports(session: Session, window: Window) -> list[DeadlineItem]:
    """The next periodic report each set of concluding observations asks for."""
    published = _published(session, "periodic_report")
    marked = sent_marks(session, "periodic_report")
    items = []
    for due in next_reports_due(session, date_from=window.start, date_to=window.end):
        mark = marked.get(due.anchor_id, NOT_MARKED)
        sent = mark.answers(due.due)  # as a coordinator marked it, for this date
        items.append(
            DeadlineItem(
                kind="periodic_report",
                date=due.due,
                # In English, as the document asks for it; a reader's page or feed translates the wording.
                title=str(report_title(due.symbol, due.what)),
                object_id=due.anchor_id,
                mechanism=due.mechanism,
                link=f"/staff/recommendations/{due.anchor_id}",
                public_link=_document_page(due.symbol, due.anchor_id),
                published=due.anchor_id in published,
                done=sent,
                sent=sent,
                # Its document's (higher whenever a reading moved it) and its mark's.
                revision=due.version + mark.version,
            )
        )
    return items


# Kind -> source.
SOURCES: dict[str, Source] = {
    "upr_review": upr_reviews,
    "upr_midterm": upr_midterms,
    "follow_up_reply": follow_up_replies,
    "periodic_report": periodic_reports,
    "action_due": action_due_dates,
    "indicator_target": indicator_targets,
    "custom": custom_deadlines,
}
assert set(SOURCES) == set(DEADLINE_KINDS)
