"""The review queue: what imports changed and nobody has reviewed yet, each recommendation with its
changed fields and its text's difference word by word; mark reviewed one by one, the selected ones,
or every one shown. Managers only, like POST /api/v1/recommendations/reviewed, whose service
(``bulk.mark_reviewed``) these forms call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.catalogue import translated
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, InvalidInput
from app.core.ids import MAX_ID, IdList
from app.recommendations import bulk
from app.recommendations import review as queue
from app.recommendations.review_schemas import FieldChange, ReviewItem
from app.recommendations.write_schemas import BulkResult
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.labels import field_label
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession
from app.staff.textdiff import Segment, inline, inline_items

router = staff_router()

NOTICES["reviewed"] = _("Marked as reviewed. They have left the queue.")
NOTICES["reviewed-some"] = _(
    "Marked as reviewed. The others chosen were no longer waiting for review (someone may have"
    " reviewed them already): nothing was marked for them."
)
NOTICES["not-waiting"] = _(
    "Nothing was marked: what you chose was not waiting for review (someone may have reviewed it already)."
)

RunQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
CursorQuery = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True)
class ShownChange:
    """One changed field as the page shows it: a text's words, a list's items, or old and new values."""

    label: str
    kind: str  # "text", "list" or "value"
    segments: list[Segment]
    old: str = ""
    new: str = ""
    lang: str | None = None  # a text's language


def _label(page: StaffPage, field: str) -> str:
    return field_label(field, page.gettext, page.lang)


def _value(page: StaffPage, value: Any) -> str:
    if value is None or value == "":
        return page.gettext("(none)")
    if isinstance(value, bool):
        return page.gettext("yes") if value else page.gettext("no")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def shown(page: StaffPage, change: FieldChange) -> ShownChange:
    label = _label(page, change.field)
    if change.field.startswith(queue.TEXT_PREFIX):
        lang = change.field.removeprefix(queue.TEXT_PREFIX)
        return ShownChange(label, "text", inline(change.old, change.new), lang=lang)
    lists = isinstance(change.old, list) or isinstance(change.new, list)
    if lists and isinstance(change.old, list | None) and isinstance(change.new, list | None):
        old = [str(item) for item in change.old or []]
        new = [str(item) for item in change.new or []]
        return ShownChange(label, "list", inline_items(old, new))
    return ShownChange(label, "value", [], _value(page, change.old), _value(page, change.new))


def _back(run: int | None, cursor: str | None, **extra: str) -> str:
    page = StaffPage("en", False, "review", "/staff/review", ())
    return page.url("/staff/review", run=run, cursor=cursor, **extra)


def _queue_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    run: int | None,
    cursor: str | None,
    *,
    errors: dict[str, str] | None = None,
    selected: frozenset[int] = frozenset(),
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "review", staff)
    found = queue.review_queue(db, run_id=run, cursor=cursor, lang=page.lang)
    items: list[tuple[ReviewItem, list[ShownChange]]] = [
        (item, [shown(page, change) for change in item.changes]) for item in found.items
    ]
    context = {
        "queue": found,
        "items": items,
        "run": run,
        "cursor": cursor,
        "errors": errors or {},
        "selected": selected,
        "next_url": page.with_query(cursor=found.next_cursor) if found.next_cursor else None,
        "first_url": page.with_query(cursor=None) if cursor else None,
        # The last import whose changes the page shows: a later one's are refused until read.
        "shown_run": max((item.import_run_id or 0 for item in found.items), default=0),
    }
    return render(request, page, "review/queue.html", context, status)


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request, db: DbSession, staff: ManagerSession, run: RunQuery = None, cursor: CursorQuery = None
) -> Response:
    return _queue_page(request, db, staff, run, cursor)


def _done(result: BulkResult) -> str:
    """The notice for what was marked: none, some or all of the recommendations chosen."""
    if not result.updated:
        return "not-waiting"
    return "reviewed-some" if result.unchanged else "reviewed"


def _ids(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


@router.post("/review/reviewed", response_class=HTMLResponse)
def mark_reviewed(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """The selected recommendations (``ids``), or with ``scope=shown`` every one the page showed."""
    values = form_values(request)
    run = _int_or_none(values.get("run"))
    cursor = values.get("cursor") if isinstance(values.get("cursor"), str) else None
    cursor = cursor[:200] if cursor else None
    wanted = _ids(values.get("shown") if values.get("scope") == "shown" else values.get("ids"))
    selected = frozenset(number for number in map(_int_or_none, wanted) if number is not None)
    try:
        if not wanted:
            raise FormInvalid({"ids": _("select at least one recommendation, or mark all shown")})
        ids = parse(IdList, {"ids": wanted}).ids
        result = bulk.mark_reviewed(db, staff.actor, ids, shown_run=_int_or_none(values.get("shown_run")))
    except FormInvalid as exc:
        translate = StaffPage.of(request, "review").gettext
        errors = {name: translated(reason, translate) for name, reason in exc.errors.items()}
        return _queue_page(request, db, staff, run, cursor, errors=errors, selected=selected, status=422)
    except DomainError as exc:
        errors = refused(db, exc)
        return _queue_page(request, db, staff, run, cursor, errors=errors, selected=selected, status=422)
    return redirect(_back(run, cursor, done=_done(result)), request)


@router.post("/review/{recommendation_id}/reviewed", response_class=HTMLResponse)
def mark_one_reviewed(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = form_values(request)
    cursor = values.get("cursor") if isinstance(values.get("cursor"), str) else None
    cursor = cursor[:200] if cursor else None
    run = _int_or_none(values.get("run"))
    try:
        result = bulk.mark_reviewed(
            db, staff.actor, [recommendation_id], shown_run=_int_or_none(values.get("shown_run"))
        )
    except InvalidInput as exc:
        return _queue_page(request, db, staff, run, cursor, errors=refused(db, exc), status=422)
    return redirect(_back(run, cursor, done=_done(result)), request)
