"""The recommendation list of the staff workspace, and bulk edits from it.

The list is the API's list (``service.list_recommendations``; a reader gets ``reader_view``'s public
answer), its filters a GET form. A manager selects rows, or every row the filter matches, and in one
step sets the local fields through ``bulk.bulk_update`` (the API's bulk endpoint, by ids or by
filter) or adds them to a cluster through ``clusters.service.add_members``, the ids of "all
matching" resolved by ``bulk.filtered_ids`` as the API does. One transaction: any refusal, or a
filter that no longer matches as many rows as the page showed, writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.clusters import service as clusters_service
from app.core.deps import DbSession
from app.core.errors import DomainError
from app.core.ids import IdList
from app.core.single_values import one_value_names
from app.models.taxonomy import MECHANISM_FAMILY_LABELS
from app.public.schemas import PublicRecommendationPage
from app.recommendations import bulk, reader_view, service
from app.recommendations.query import parse as parse_query
from app.recommendations.reading import effective_sort
from app.recommendations.schemas import (
    DEFAULT_PAGE_SIZE,
    STAFF_ONLY_FILTERS,
    Lang,
    RecommendationFilter,
    RecommendationListParams,
    RecommendationPage,
    Sort,
    SortValue,
)
from app.recommendations.write_schemas import BulkPublish, BulkSet, BulkUpdate
from app.staff import recommendation_filters as filters
from app.staff.admin.listing import entity_options
from app.staff.choices import every_cluster, every_entity
from app.staff.forms import FormInvalid, field_errors, form_values, parse, refused, whole_number
from app.staff.labels import (
    POSITION_LABELS,
    PRIORITY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    choices,
)
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, SignedIn
from app.taxonomies.service import term_labels_in_use
from app.web.filter_labels import FILTER_LABELS
from app.web.one_value import given_twice

router = staff_router()

NOTICES["recommendations-updated"] = _("The chosen recommendations are updated.")
NOTICES["recommendations-clustered"] = _("The chosen recommendations are in the cluster.")
NOTICES["recommendations-published"] = _(
    "The status and priority of the chosen recommendations are published."
)

# Field labels (the filter form's and the bulk form's), also naming fields in the error summary.
LABELS = {
    **FILTER_LABELS,
    "mechanism": _("Mechanism codes"),
    "limit": _("Rows per page"),
    "sort": _("Order"),
    "cursor": _("Page"),
    "ids": _("Recommendations"),
    "filter": _("Filter"),
    "set": _("Changes"),
    "set_priority_rationale": _("Why this priority"),
    "set_status_note": _("Why this status"),
    "set_lead_entity_id": _("Lead entity"),
    "set_supporting_entity_ids": _("Supporting entities"),
    "set_priority": _("New priority"),
    "set_status": _("New status"),
    "cluster_id": _("Cluster to add them to"),
}
CHOICES = {
    "family": list(MECHANISM_FAMILY_LABELS.items()),
    "type": choices(TYPE_LABELS),
    "position": choices(POSITION_LABELS),
    "source": choices(SOURCE_LABELS),
    "priority": choices(PRIORITY_LABELS),
    "status": choices(STATUS_LABELS),
    "responsibility": [("lead", _("Lead")), ("supporting", _("Supporting"))],
    "needs_review": [("true", _("Yes, waiting for review")), ("false", _("No"))],
    "withdrawn": [("false", _("Current")), ("true", _("Withdrawn"))],
    "sort": [
        ("relevance", _("Most relevant first (newest without words)")),
        ("newest", _("Newest first")),
        ("oldest", _("Oldest first")),
    ],
}


# The label filters' fields suggest the labels some current recommendation has, by their vocabulary
# (a State is a country concerned or a recommending State): a label must be typed as the data has it.
SUGGESTED = {
    "theme": "themes",
    "affected_person": "affected-persons",
    "country": "states",
    "region": "regions",
    "recommending_state": "states",
    "recommending_region": "regions",
    "issue": "issues",
}

_SORT: TypeAdapter[Sort] = TypeAdapter(SortValue)
# The list's parameters that take one value (the API's rule): given twice, the page names the field.
ONE_VALUE = sorted(one_value_names(RecommendationListParams) & {*filters.FILTERS, "limit", "sort", "cursor"})
# The filters chosen among a vocabulary (the yes/no ones, needs_review and withdrawn, as typed).
FILTER_CHOICES = frozenset({"family", "type", "position", "source", "priority", "status", "responsibility"})

# The table's caption in each order (a page's rows, then a page whose place is not known).
CAPTIONS: dict[Sort, tuple[str, str]] = {
    "relevance": (
        _("Recommendations %(first)s to %(last)s of %(total)s, most relevant first"),
        _("A page of recommendations, most relevant first"),
    ),
    "newest": (
        _("Recommendations %(first)s to %(last)s of %(total)s, newest first"),
        _("A page of recommendations, newest first"),
    ),
    "oldest": (
        _("Recommendations %(first)s to %(last)s of %(total)s, oldest first"),
        _("A page of recommendations, oldest first"),
    ),
}


def _asked_sort(typed: dict[str, Any]) -> Sort | None:
    """The order the form asks for, read by the list's own rule (any letter case: ``OLDEST``), or None."""
    try:
        return _SORT.validate_python(typed["sort"]) if typed.get("sort") else None
    except ValidationError:
        return None


def _as_read(typed: dict[str, Any]) -> dict[str, Any]:
    """The form's choices as the list reads them (any letter case: ``SUPPORTED`` is ``supported``,
    ``OLDEST`` ``oldest``), so that the form shows them chosen and sends them again; as typed where the
    list refuses the filters (the form shows what was refused)."""
    asked = _asked_sort(typed)
    try:
        read = parse(RecommendationFilter, filters.filter_values(typed))
    except FormInvalid:
        return typed
    chosen = {name: getattr(read, name) for name in CHOICES if name in typed and name in FILTER_CHOICES}
    return {**typed, **chosen, **({"sort": asked} if asked else {})}


def _order(typed: dict[str, Any]) -> Sort:
    """The order the rows are in (relevance only where the words have something to rank)."""
    return effective_sort(_asked_sort(typed), parse_query(typed.get("q")))


def _translated(page: StaffPage) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    labels = {name: page.gettext(label) for name, label in LABELS.items()}
    choices = {
        name: [(value, page.gettext(text)) for value, text in options] for name, options in CHOICES.items()
    }
    return labels, choices


def _rows(result: RecommendationPage | PublicRecommendationPage) -> list[dict[str, Any]]:
    """The page's items in one shape, whether the staff list or the reader's public one answered."""
    rows = []
    for item in result.items:
        local: Any = getattr(item, "local", item)
        rows.append(
            {
                "id": item.id,
                "symbol": item.symbol,
                "paragraph": item.paragraph,
                "text": item.text,
                "snippet": item.snippet,
                "text_lang": item.text_lang,
                "mechanism": item.mechanism.code,
                "published": item.publication_date,
                "priority": local.priority,
                "status": local.status,
                "lead": local.lead_entity,
                "needs_review": getattr(item, "needs_review", False),
                "withdrawn": getattr(item, "withdrawn", False),
            }
        )
    return rows


def _listing(
    db: Session, staff: StaffSession, page: StaffPage, typed: dict[str, Any], pages: filters.Pages
) -> tuple[RecommendationPage | PublicRecommendationPage | None, dict[str, str]]:
    values = filters.filter_values(typed)
    values.update(limit=filters.page_size(typed), cursor=pages.cursor, lang=cast(Lang, page.lang))
    if typed.get("sort"):
        values["sort"] = typed["sort"]
    try:
        params = parse(RecommendationListParams, values)
        if reader_view.sees_public_view(staff.actor):
            # The pages the API sends, kept per data version: a list asked again is read back.
            public_page = reader_view.list_json(db, staff.actor, params)
            return PublicRecommendationPage.model_validate_json(public_page), {}
        return RecommendationPage.model_validate_json(service.list_json(db, staff.actor, params)), {}
    except FormInvalid as exc:
        return None, exc.errors
    except DomainError as exc:
        if exc.status != 422:
            raise
        return None, field_errors(exc)


def _list_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    *,
    typed_bulk: dict[str, Any] | None = None,
    bulk_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "recommendations", staff)
    typed = filters.typed_filters(request.query_params.multi_items())
    typed = _as_read(typed)
    pages = filters.Pages(request.query_params.get("cursor"), request.query_params.getlist("prev"))
    # A one-value field given twice is refused as the API refuses it, the rest of the form kept.
    repeated = given_twice(request.query_params, page.gettext, ONE_VALUE)
    result, errors = (None, repeated) if repeated else _listing(db, staff, page, typed, pages)
    reader = reader_view.sees_public_view(staff.actor)
    labels, choices = _translated(page)
    limit = int(filters.page_size(typed)) if not errors else DEFAULT_PAGE_SIZE
    previous = pages.previous_params()
    gone = page.gettext("archived")
    context: dict[str, Any] = {
        "typed": typed,
        "mechanisms": filters.shown_mechanisms(typed),
        "errors": {**errors, **(bulk_errors or {})},
        "labels": labels,
        "choices": choices,
        "names": {name: dict(options) for name, options in choices.items()},
        "page_sizes": [(str(size), str(size)) for size in filters.PAGE_SIZES],
        "reader": reader,
        "can_edit": staff.actor.is_manager and result is not None,
        "result": result,
        "caption": [page.gettext(text) for text in CAPTIONS[_order(typed)]],
        "rows": _rows(result) if result is not None else [],
        "first_row": pages.first_row(limit),
        "next_url": page.with_query(**pages.next_params(result.next_cursor))
        if result and result.next_cursor
        else None,
        "previous_url": page.with_query(**previous) if previous is not None else None,
        "first_url": page.with_query(cursor=None, prev=None) if pages.cursor else None,
        "action_url": page.with_query(),
        # The reports and exports of what this list shows (staff only, like the report API).
        "reports_url": None if reader else "/staff/reports" + filters.reports_query(typed),
        "bulk": typed_bulk or {},
        # The most "all that match" may change, said beside the choice (the rule is the service's).
        "bulk_most": bulk.most_matches(),
        "clear": filters.CLEAR,
        "entities": [] if reader else every_entity(db),
        # The filter also offers an archived entity the list is filtered on (a link from elsewhere),
        # so the next "Apply the filters" keeps it.
        "filter_entities": [] if reader else entity_options(db, keep=_chosen(typed, result), archived=gone),
        "clusters": [] if reader else every_cluster(db),
        "suggestions": {
            name: term_labels_in_use(db, kind)
            for name, kind in SUGGESTED.items()
            if not (reader and name in STAFF_ONLY_FILTERS)
        },
    }
    status = 422 if errors else status
    return render(request, page, "recommendations/list.html", context, status)


def _chosen(typed: dict[str, Any], result: object) -> int | None:
    """The entity the list is filtered on, once the filter was accepted."""
    chosen = str(typed.get("entity", ""))
    return int(chosen) if result is not None and whole_number(chosen) else None


@router.get("/recommendations", response_class=HTMLResponse)
def recommendations_page(request: Request, db: DbSession, staff: SignedIn) -> Response:
    return _list_page(request, db, staff)


class _Selection:
    """The recommendations a bulk form chose: ticked rows, or all that the page's filter matches
    (``expected``: how many the page said, so a filter that now matches others changes nothing)."""

    def __init__(self, request: Request, values: dict[str, Any], gettext: Callable[[str], str]) -> None:
        self.gettext = gettext
        self.ids: list[int] | None = None
        self.filter: RecommendationFilter | None = None
        self.expected: int | None = None
        if values.get("scope") == "all":
            # The filter the list refuses (a one-value field given twice) selects nothing either.
            repeated = given_twice(request.query_params, gettext, ONE_VALUE)
            if repeated:
                raise FormInvalid(repeated)
            typed = filters.typed_filters(request.query_params.multi_items())
            self.filter = parse(RecommendationFilter, filters.filter_values(typed))
            shown = str(values.get("expected", ""))
            self.expected = int(shown) if whole_number(shown) else None
            return
        ticked = filters.selected_ids(values)
        if not ticked:
            reason = gettext("Tick at least one recommendation, or choose all that match the filter.")
            raise FormInvalid({"ids": reason})
        self.ids = parse(IdList, {"ids": ticked}).ids

    def check(self, matched: int) -> None:
        if self.expected is not None and matched != self.expected:
            message = self.gettext(
                "The filter now matches %(found)s recommendations, not %(shown)s as the page said: "
                "nothing was changed. Check the list and try again."
            )
            raise FormInvalid({"ids": message % {"found": matched, "shown": self.expected}})


def _update(db: Session, staff: StaffSession, selection: _Selection, values: dict[str, Any]) -> str:
    changes = filters.bulk_changes(values)
    if not changes:
        raise FormInvalid({"set": selection.gettext("Choose at least one change to make.")})
    body = BulkUpdate.model_validate(
        {"ids": selection.ids, "filter": selection.filter, "set": parse(BulkSet, changes)}
    )
    result = bulk.bulk_update(db, staff.actor, body)
    selection.check(result.updated + result.unchanged)
    return "recommendations-updated"


def _publish(db: Session, staff: StaffSession, selection: _Selection, values: dict[str, Any]) -> str:
    """The API's bulk publish (``bulk.bulk_publish``): their working status and priority go public."""
    body = BulkPublish.model_validate({"ids": selection.ids, "filter": selection.filter})
    result = bulk.bulk_publish(db, staff.actor, body)
    selection.check(result.updated + result.unchanged)
    return "recommendations-published"


def _add_to_cluster(db: Session, staff: StaffSession, selection: _Selection, values: dict[str, Any]) -> str:
    chosen = str(values.get("cluster_id", ""))
    if not whole_number(chosen):
        raise FormInvalid({"cluster_id": selection.gettext("Choose a cluster.")})
    ids = selection.ids if selection.filter is None else bulk.filtered_ids(db, selection.filter)
    assert ids is not None
    selection.check(len(ids))
    if not ids:
        raise FormInvalid({"ids": selection.gettext("No recommendation matches the filter.")})
    clusters_service.add_members(db, staff.actor, int(chosen), ids, None)
    return "recommendations-clustered"


@router.post("/recommendations")
def bulk_action(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """The bulk form posts to the list's own URL, so the filter it acts on is the page's query."""
    values = form_values(request)
    gettext = StaffPage.of(request, "recommendations", staff).gettext
    actions = {"update": _update, "cluster": _add_to_cluster, "publish": _publish}
    try:
        action = actions.get(str(values.get("action")))
        if action is None:
            raise FormInvalid(
                {"form": gettext("Choose what to do: apply the changes, publish, or add to a cluster.")}
            )
        done = action(db, staff, _Selection(request, values, gettext), values)
    except FormInvalid as exc:
        db.rollback()  # a late refusal (the count check) comes after the writes: undo them
        errors = filters.bulk_errors(exc.errors)
        return _list_page(request, db, staff, typed_bulk=values, bulk_errors=errors, status=422)
    except DomainError as exc:
        if exc.status not in (404, 409, 422):
            raise
        errors = filters.bulk_errors(refused(db, exc))
        status = 409 if exc.status == 409 else 422
        return _list_page(request, db, staff, typed_bulk=values, bulk_errors=errors, status=status)
    return redirect(StaffPage.of(request, "recommendations", staff).with_query(done=done), request)
