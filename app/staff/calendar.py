"""The calendar in the staff workspace: every deadline the signed-in person may see, by month, with
the API's filters, overdue ones marked; and their own calendar feed (make, replace, stop).

The list is ``app.deadlines.service`` (the API's, with its scoping), the feed token ``app.deadlines.feed``.
Entered deadlines are added and edited in ``app.staff.calendar_edit``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.core.deps import DbSession, site_address
from app.core.errors import DomainError, InvalidInput
from app.core.time_zone import local_today
from app.deadlines import completions, feed, publications, service
from app.deadlines.months import by_month
from app.deadlines.schemas import DeadlineListParams, DeadlineOut, DeadlinePublish, DeadlineSent
from app.deadlines.sources import DEADLINE_KINDS, PUBLISHABLE_KINDS
from app.entities.service import entity_refs
from app.feed.fields import name_order
from app.models import Entity, Mechanism
from app.public.related import public_entity_ids
from app.recommendations.reader_view import sees_public_view
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.labels import DEADLINE_KIND_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, SignedIn

router = staff_router()

NOTICES["deadline-published"] = _("The deadline is published: the portal's calendar shows it.")
NOTICES["deadline-unpublished"] = _("The deadline is no longer published.")
NOTICES["deadline-sent"] = _("The deadline is marked as sent: it is met, no longer overdue.")
NOTICES["deadline-unsent"] = _("The deadline is no longer marked as sent.")
NOTICES["feed-revoked"] = _("Your calendar feed is stopped: its address no longer works.")

PER_PAGE = 200
_FILTERS = ("kind", "mechanism", "entity", "entity_id", "from", "to", "overdue")
# What the publish and sent buttons carry back (``back``): the list as it was filtered and paged.
_KEPT = (*_FILTERS, "cursor")


def _typed(request: Request) -> dict[str, Any]:
    query = request.query_params
    values: dict[str, Any] = {name: query.get(name, "").strip() for name in _FILTERS if name != "kind"}
    values["kind"] = [kind for kind in query.getlist("kind") if kind]
    # The form sends `entity`, the API's name; an address made with the former one shows it in that box.
    values["entity"] = values["entity"] or values["entity_id"]
    this_month = local_today().replace(day=1).isoformat()
    if "from" not in query:
        values["from"] = this_month  # this month on, unless asked otherwise
    if values["overdue"] == "true" and values["from"] == this_month:
        # The form sends the default start back: overdue ones are mostly older, and were all hidden.
        values["from"] = ""
    return values


def _params(values: dict[str, Any], cursor: str | None) -> DeadlineListParams:
    data: dict[str, Any] = {name: values[name] for name in _FILTERS if values.get(name)}
    data["limit"] = PER_PAGE
    if cursor:
        data["cursor"] = cursor
    return parse(DeadlineListParams, data)


def _back(request: Request) -> str:
    """The list's filters and page, for the buttons' forms to come back to (an empty start kept)."""
    return urlencode([(name, value) for name, value in request.query_params.multi_items() if name in _KEPT])


def _back_to(values: dict[str, Any], done: str) -> str:
    """The calendar as the button's form found it (only its own parameters), with the notice."""
    back = values.get("back")
    kept = [
        (name, value)
        for name, value in parse_qsl(back if isinstance(back, str) else "", keep_blank_values=True)
        if name in _KEPT
    ]
    return "/staff/calendar?" + urlencode([*kept, ("done", done)])


def names(db: DbSession, items: list[DeadlineOut]) -> dict[int, str]:
    """The entities' names the page shows, in one query."""
    wanted = {entity_id for item in items for entity_id in item.entity_ids}
    if not wanted:
        return {}
    rows = db.execute(select(Entity.id, Entity.name).where(Entity.id.in_(wanted)))
    return {entity_id: name for entity_id, name in rows}


def options(
    db: DbSession, page: StaffPage, keep: int | None = None, *, public: bool = False
) -> dict[str, list[tuple[Any, str]]]:
    """The filters' and the form's choices: mechanisms by code, current entities by name, and ``keep``
    (a deadline's entity, the one the list is filtered on) even if archived since, marked so: without it
    the box read "None"/"Any", and the form sent back would drop the entity. ``public`` (a reader, who
    reads what the public reads): only the entities something public names, ``keep`` among them."""
    mechanisms = [(code, code) for (code,) in db.execute(select(Mechanism.code).order_by(Mechanism.code))]
    rows = list(db.execute(select(Entity.id, Entity.name).where(Entity.archived.is_(False))))
    if public:
        seen = public_entity_ids(db, [row.id for row in rows] + ([keep] if keep is not None else []))
        rows = [row for row in rows if row.id in seen]
        keep = keep if keep in seen else None
    entities = [(row.id, row.name) for row in sorted(rows, key=lambda row: name_order(row.name, row.id))]
    if keep is not None and keep not in {entity_id for entity_id, _name in entities}:
        kept = entity_refs(db, [keep]).get(keep)
        if kept is not None:
            entities.append((kept.id, f"{kept.name} ({page.gettext(_('archived'))})"))
    return {"mechanisms": mechanisms, "entities": entities}


def _filtered_entity(values: dict[str, Any]) -> int | None:
    """The entity the list is filtered on (archived or not: its box must show it), if it is one."""
    chosen = values["entity"]
    return int(chosen) if chosen.isdigit() and len(chosen) < 12 else None


def calendar_page(
    request: Request, db: DbSession, staff: SignedIn, *, new_feed_url: str | None = None
) -> HTMLResponse:
    page = StaffPage.of(request, "calendar", staff)
    values = _typed(request)
    cursor = request.query_params.get("cursor") or None
    errors: dict[str, str] = {}
    listed = None
    try:
        listed = service.list_deadlines(db, service.Audience.of(db, staff.actor), _params(values, cursor))
    except FormInvalid as exc:
        errors = exc.errors
    except DomainError as exc:  # a cursor that was tampered with, an entity that is no more
        if exc.status != 422:
            raise
        errors = refused(db, exc)
    if "entity_id" in errors:  # named by the former name: the box it is shown in is `entity`
        errors.setdefault("entity", errors.pop("entity_id"))
    items = listed.items if listed else []
    months, mechanisms_named = by_month(db, items)
    context = {
        "values": values,
        "errors": errors,
        "listed": listed,
        "months": months,
        "mechanisms_named": mechanisms_named,
        "entity_names": names(db, items),
        "kinds": [(kind, page.gettext(DEADLINE_KIND_LABELS[kind])) for kind in DEADLINE_KINDS],
        "kind_labels": DEADLINE_KIND_LABELS,
        "first": cursor is None,
        "can_publish": staff.actor.is_manager,
        "publishable": PUBLISHABLE_KINDS,
        "feed": None if staff.actor.user_id is None else feed.token_status(db, staff.actor),
        "new_feed_url": new_feed_url,
        "back": _back(request),
        **options(db, page, _filtered_entity(values), public=sees_public_view(staff.actor)),
    }
    return render(request, page, "calendar/list.html", context, 422 if errors else 200)


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request, db: DbSession, staff: SignedIn) -> Response:
    return calendar_page(request, db, staff)


@router.post("/calendar/feed", response_class=HTMLResponse)
def make_feed(request: Request, db: DbSession, staff: SignedIn) -> Response:
    """A new feed address, shown once on this answer (never in a URL a redirect would log)."""
    secret, _created = feed.rotate_token(db, staff.actor)
    return calendar_page(request, db, staff, new_feed_url=feed.feed_url(site_address(request), secret))


def _not_the_pages_choices(exc: FormInvalid) -> InvalidInput:
    """Each refused field named with its reason, which the error page words in its own language (a
    detail joining the English reasons with "; " read so on a French page)."""
    errors = [{"field": name, "reason": reason} for name, reason in exc.errors.items()]
    return InvalidInput(f"{', '.join(exc.errors)}: not one of the page's choices", errors=errors)


@router.post("/calendar/publish")
def publish(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """Publish or unpublish a follow-up reply due or a periodic report due (the API's service)."""
    values = form_values(request)
    try:
        wanted = parse(
            DeadlinePublish, {name: values.get(name, "") for name in ("kind", "object_id", "published")}
        )
    except FormInvalid as exc:  # only a hand-made request: the page's buttons send valid values
        raise _not_the_pages_choices(exc) from None
    publications.set_published(db, staff.actor, wanted)
    done = "deadline-published" if wanted.published else "deadline-unpublished"
    return redirect(_back_to(values, done), request)


@router.post("/calendar/sent")
def mark_sent(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """Mark a follow-up reply due or a periodic report due as sent today, or not (the API's service)."""
    values = form_values(request)
    sent_on = local_today().isoformat() if values.get("sent") == "true" else None
    try:
        wanted = parse(
            DeadlineSent,
            {"kind": values.get("kind", ""), "object_id": values.get("object_id", ""), "sent_on": sent_on},
        )
    except FormInvalid as exc:  # only a hand-made request: the page's buttons send valid values
        raise _not_the_pages_choices(exc) from None
    completions.set_sent(db, staff.actor, wanted)
    return redirect(_back_to(values, "deadline-sent" if sent_on else "deadline-unsent"), request)


@router.post("/calendar/feed/revoke")
def revoke_feed(request: Request, db: DbSession, staff: SignedIn) -> Response:
    feed.revoke_token(db, staff.actor)
    return redirect("/staff/calendar?done=feed-revoked", request)
