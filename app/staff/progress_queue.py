"""The progress queue: progress updates across actions, with the API's filters (state, entity,
action, author, dates) and its keyset pages (``queue.list_queue``, the service of GET
/api/v1/progress). Without filters a manager sees the updates waiting for approval, a focal point
those returned to their entity and its drafts. Managers tick several submitted updates and return
them with one comment or approve them after a confirmation (``batch``, the services of POST
/api/v1/progress/return and /approve: all or nothing, one audit event per update).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from babel.numbers import format_decimal
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.actor import FOCAL_POINT
from app.core.catalogue import Reason, translated
from app.core.deps import DbSession
from app.core.errors import DomainError
from app.plans import publishing
from app.plans.progress import batch, queue
from app.plans.progress.queue_schemas import ApproveMany, ProgressIds, ProgressQueueParams, ReturnMany
from app.staff.choices import every_entity
from app.staff.forms import FormInvalid, as_read, field_errors, form_values, parse, refused
from app.staff.labels import PROGRESS_STATE_LABELS, choices
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, StaffMember
from app.web.i18n import translations

router = staff_router()
PATH = "/staff/progress"

NOTICES["progress-many-returned"] = _("Returned to their authors with your comment.")
NOTICES["progress-many-approved"] = _("Approved.")
STATUS_KEPT = _(
    "Of these, %(num)s left their action's status as it is rather than set the status they report: "
    "it was changed after their date (by hand, or by an approved update reported later)."
)
NONE_APPROVABLE = _(
    "none of the selected progress updates can be approved: only a submitted one can be (these are "
    "drafts, returned to their authors or approved already)"
)
NOTICES["progress-many-published"] = _("Approved and published.")

# The filter form's fields (the API's parameters); "filtered" says the form was sent, so that no
# state ticked means every state rather than the role's default.
FILTERS = ("state", "entity_id", "action_id", "author", "reported_from", "reported_to")
KEPT = (*FILTERS, "limit", "filtered")
LABELS = {
    "state": _("State"),
    "entity_id": _("Entity"),
    "action_id": _("Action"),
    "author": _("Only the updates I wrote"),
    "reported_from": _("Reported from"),
    "reported_to": _("Reported until"),
    "cursor": _("Page"),
    "limit": _("Page size"),
    "ids": _("Progress updates"),
    "comment": _("Comment to the authors"),
}


def _defaults(staff: StaffSession) -> dict[str, Any]:
    if staff.actor.is_manager:
        return {"state": ["submitted"]}
    if staff.actor.role == FOCAL_POINT:
        return {"state": ["returned", "draft"]}
    return {}


def _filters(staff: StaffSession, query: list[tuple[str, str]]) -> dict[str, Any]:
    """The filters as typed (a list for ``state``), or the role's defaults when none was sent."""
    typed: dict[str, Any] = {"state": []}
    for key, value in query:
        if key == "state":
            typed["state"].append(value)
        elif key in KEPT and value.strip():
            typed[key] = value.strip()
    sent = "filtered" in typed or any(typed.get(name) for name in FILTERS)
    return typed if sent else {**typed, **_defaults(staff)}


def _list_query(typed: dict[str, Any]) -> list[tuple[str, str]]:
    """The filters as query parameters (for links and the forms that come back to this list)."""
    items: list[tuple[str, str]] = [("filtered", "1")]
    for name in (*FILTERS, "limit"):
        value = typed.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                items.append((name, str(item)))
    return items


def _by_field(page: StaffPage, errors: dict[str, str]) -> dict[str, str]:
    """Reasons by form field: a list's item (``state.1``) is its field's."""
    named: dict[str, str] = {}
    for name, reason in errors.items():
        named.setdefault(name.split(".")[0], translated(reason, page.gettext))
    return named


def _entity_options(db: Session) -> list[tuple[int, str]]:
    return every_entity(db)


def _queue_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    query: list[tuple[str, str]],
    *,
    errors: dict[str, str] | None = None,
    typed_review: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "progress", staff)
    _say_how_many(request, page)
    typed = _filters(staff, query)
    cursor = next((value for key, value in query if key == "cursor"), None)
    errors = dict(errors or {})
    result = None
    try:
        wanted = {name: typed[name] for name in (*FILTERS, "limit") if typed.get(name)}
        params = parse(ProgressQueueParams, {**wanted, "cursor": cursor})
        # The states (and author) as the list read them (any letter case): ticked, sent again.
        typed.update(as_read(params, typed), state=list(params.state))
        result = queue.list_queue(db, staff.actor, params)
    except FormInvalid as exc:
        errors.update(_by_field(page, exc.errors))
        status = 422
    except DomainError as exc:
        errors.update(_by_field(page, field_errors(exc)))
        status = 422
    back = _list_query(typed)
    context = {
        "typed": typed,
        "errors": errors,
        "labels": {name: page.gettext(label) for name, label in LABELS.items()},
        "states": choices(PROGRESS_STATE_LABELS, page.gettext),
        "state_labels": {key: page.gettext(label) for key, label in PROGRESS_STATE_LABELS.items()},
        "entities": _entity_options(db),
        "actions": [(action.id, action.title) for action in queue.actions_with_updates(db, staff.actor)],
        "result": result,
        "can_review": staff.actor.is_manager,
        "review": typed_review or {},
        "back": urlencode(back),
        "next_url": page.url(PATH, **_as_params(back), cursor=result.next_cursor)
        if result and result.next_cursor
        else None,
        "first_url": page.url(PATH, **_as_params(back)) if cursor else None,
    }
    return render(request, page, "progress_queue/list.html", context, status)


def _say_how_many(request: Request, page: StaffPage) -> None:
    """After approving several: how many ("3 progress updates approved."), from ``count``; without a
    count the notice stays the key's ("Approved.")."""
    done, count = request.query_params.get("done"), request.query_params.get("count") or ""
    if done not in ("progress-many-approved", "progress-many-published") or not count.isdecimal():
        return
    num, ngettext = int(count), translations(page.lang).ngettext
    if done == "progress-many-published":
        said = ngettext(
            "%(num)s progress update approved and published.",
            "%(num)s progress updates approved and published.",
            num,
        )
    else:
        said = ngettext("%(num)s progress update approved.", "%(num)s progress updates approved.", num)
    page.notices = [said % {"num": format_decimal(num, locale=page.lang)}]
    kept = request.query_params.get("kept") or ""
    if kept.isdecimal() and int(kept):
        gettext = translations(page.lang).gettext
        page.notices.append(gettext(STATUS_KEPT) % {"num": format_decimal(int(kept), locale=page.lang)})


def _as_params(items: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in items:
        params.setdefault(key, []).append(value)
    return params


@router.get("/progress", response_class=HTMLResponse)
def progress_queue(request: Request, db: DbSession, staff: StaffMember) -> Response:
    return _queue_page(request, db, staff, list(request.query_params.multi_items()))


def _listed(values: dict[str, Any], name: str) -> list[str]:
    value = values.get(name)
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


@router.post("/progress", response_class=HTMLResponse)
def review_selected(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """The ticked updates (``ids``): ``do=return`` with ``comment``; ``do=approve`` asks to confirm,
    ``do=approve-confirmed`` approves (with ``publish``: publishes them too; with ``publish_parents``:
    publishes their unpublished actions in the same step; the confirmation names those actions).
    ``back`` carries the list's filters to come back to."""
    values = form_values(request)
    back_value = values.get("back")
    query = [(k, v) for k, v in parse_qsl(back_value if isinstance(back_value, str) else "") if k in KEPT]
    how_many: list[tuple[str, str]] = []
    ids = _listed(values, "ids")
    comment = values.get("comment") if isinstance(values.get("comment"), str) else ""
    typed_review = {"ids": ids, "comment": comment}
    page = StaffPage.of(request, "progress", staff)
    do = values.get("do")
    try:
        if not ids:
            raise FormInvalid({"ids": _("select at least one progress update")})
        if do == "return":
            batch.return_many(db, staff.actor, parse(ReturnMany, {"ids": ids, "comment": comment}))
            done = "progress-many-returned"
        elif do == "approve":
            chosen = parse(ProgressIds, {"ids": ids}).ids
            items = queue.queue_items(db, staff.actor, chosen)
            missing = sorted(set(chosen) - {item.id for item in items})
            if missing:
                # Deleted meanwhile (a draft ticked in the list): in the page's language.
                raise FormInvalid({"ids": Reason(_("progress update %(id)s does not exist"), id=missing[0])})
            # Only what can be approved is listed (it listed drafts and returned ones, then refused
            # them once confirmed); how many were left out, and why, is said above the list.
            left_out = sum(item.state != "submitted" for item in items)
            items = [item for item in items if item.state == "submitted"]
            if not items:
                raise FormInvalid({"ids": NONE_APPROVABLE})
            hidden = {
                action_id: publishing.not_public_parents(db, action_id)
                for action_id in {item.action.id for item in items}
            }
            context = {"items": items, "hidden": hidden, "back": urlencode(query), "left_out": left_out}
            return render(request, page, "progress_queue/approve.html", context)
        elif do == "approve-confirmed":
            choices_made = {name: values.get(name) == "true" for name in ("publish", "publish_parents")}
            approved = batch.approve_many(db, staff.actor, parse(ApproveMany, {"ids": ids, **choices_made}))
            done = "progress-many-published" if choices_made["publish"] else "progress-many-approved"
            how_many = [("count", str(len(approved.items)))]
            # The approvals that left their action's status as it was (changed after their date).
            if kept := sum(item.status_kept is not None for item in approved.items):
                how_many.append(("kept", str(kept)))
        else:
            raise FormInvalid({"form": _("choose to return or to approve the selected updates")})
    except FormInvalid as exc:
        errors = _by_field(page, exc.errors)
        return _queue_page(request, db, staff, query, errors=errors, typed_review=typed_review, status=422)
    except DomainError as exc:
        errors = _by_field(page, refused(db, exc))
        status = exc.status if exc.status in (403, 409) else 422
        return _queue_page(request, db, staff, query, errors=errors, typed_review=typed_review, status=status)
    return redirect(page.url(PATH, **_as_params([*query, ("done", done), *how_many])), request)
