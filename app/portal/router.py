"""The public web portal: server-rendered pages at /, in English, French and Spanish.

Pages follow NRTD_PUBLIC_ACCESS and the public rate limit (``caller: PublicCaller``) and show
only what the public API shows: their data comes from ``app.portal.views``, which reads it
through the public services. Errors, the access check's included, are rendered as HTML pages.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from app.auth.deps import PublicCaller
from app.core.deps import DbSession, RowId, SiteAddress
from app.core.errors import DomainError, InvalidInput
from app.exports.freshness import data_dates
from app.portal import action_views, calendar_views, views
from app.portal.accessibility import accessibility
from app.portal.errors import wants_page
from app.portal.pages import PageContext, render, render_error, render_invalid
from app.portal.paging import Paging
from app.portal.request_errors import refused_values
from app.portal.search_filters import ADDRESS_ONLY, ADDRESS_ONLY_SINGLE, SearchFilters
from app.portal.static import favicon, static_file
from app.recommendations.reading import current_leader
from app.web.one_value import given_twice

LangParam = Annotated[str | None, Query(max_length=16)]
# A filter the search form takes several values of (its checkboxes: the parameter repeated).
Several = Annotated[list[str] | None, Query()]
# A list page's number (``app.portal.paging``), named ``page`` in the address.
PageNumber = Annotated[str | None, Query(alias="page", max_length=16)]


class PortalRoute(APIRoute):
    """A page's errors, its access check and parameter validation included, as an HTML page (to a
    client that asks for JSON, as problem+json: the app's handlers)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def html_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                if not wants_page(request):
                    raise
                return render_error(request, exc.status, exc.headers)
            except RequestValidationError as exc:
                if not wants_page(request):
                    raise
                # A malformed id in the address (/recommendations/abc) names no page: not found.
                in_path = any(tuple(error["loc"])[:1] == ("path",) for error in exc.errors())
                if in_path:
                    return render_error(request, 404, {})
                page = PageContext.of(request, "")
                return render_error(request, 422, {}, refused_values(page, exc.errors(), in_query=True))
            except ValidationError as exc:
                if not wants_page(request):
                    raise
                page = PageContext.of(request, "")
                return render_error(request, 422, {}, refused_values(page, exc.errors(), in_query=False))

        return html_errors


router = APIRouter(include_in_schema=False, route_class=PortalRoute)


def _refuse_unless_page(request: Request, refused: dict[str, str]) -> None:
    """A client that asked for JSON gets the refused fields as problem+json, not the form."""
    if not wants_page(request):
        errors = [{"field": field, "reason": reason} for field, reason in refused.items()]
        raise InvalidInput("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)


def _given_twice(request: Request, page: PageContext, names: tuple[str, ...]) -> dict[str, str]:
    """The one-value fields the address gives several times, each with the reason: the page would
    otherwise be searched for the last value alone, without a word (the public API refuses them)."""
    return given_twice(request.query_params, page.gettext, names)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    # The form's values are checked by the public list's own rules (PublicRecommendationParams and
    # the service), so that a bad one is named on the page next to its field, the rest kept.
    q: str | None = None,
    mechanism: Several = None,
    theme: Several = None,
    sdg: Several = None,
    status: Several = None,
    cycle: Several = None,
    family: Several = None,
    position: Several = None,
    affected_person: Several = None,
    cluster: str | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    back: Several = None,
    page_number: PageNumber = None,
    lang: LangParam = None,
) -> Response:
    page = PageContext.of(request, "search")
    filters = SearchFilters.parse(
        q=q,
        mechanism=mechanism,
        theme=theme,
        sdg=sdg,
        status=status,
        cycle=cycle,
        family=family,
        position=position,
        affected_person=affected_person,
        cluster=cluster,
        sort=sort,
        **{name: request.query_params.getlist(name) for name in ADDRESS_ONLY},
    )
    # The words, the cluster, the order and the filters of one value the form has no field for take one.
    repeated = _given_twice(request, page, ("q", "cluster", "sort", *ADDRESS_ONLY_SINGLE))
    context = views.search(db, page, filters, Paging.of(cursor, back, page_number), repeated)
    if context["errors"]:
        _refuse_unless_page(request, context["errors"])
        return render_invalid(request, page, "index.html", context)
    return render(request, page, "index.html", context)


@router.get("/recommendations")
@router.get("/recommendations/")
def recommendations_list(request: Request) -> Response:
    """The list of recommendations is the search page (/): a reader who types the address that the
    recommendations' own pages suggest is led there, its query (the filters, the language) kept, where
    it was a 404. Every other list page (/actions/, /clusters/ ...) with a slash added is led to its
    address without it by the app's own redirect (app.core.slash_redirect)."""
    query = request.url.query
    return RedirectResponse("/" + (f"?{query}" if query else ""), status_code=308)


@router.get("/recommendations/{recommendation_id}", response_class=HTMLResponse)
def recommendation_page(
    request: Request, db: DbSession, caller: PublicCaller, recommendation_id: RowId, lang: LangParam = None
) -> Response:
    page = PageContext.of(request, "search")
    # A linked copy is one recommendation with its record, which holds the work (docs/sources.md):
    # its own page would show none. Not permanent: a coordinator may unlink them.
    leader = current_leader(db, recommendation_id)
    if leader is not None:
        target = page.url(f"/recommendations/{leader}")
        return RedirectResponse(target, status_code=307, headers={"Cache-Control": "no-store"})
    return render(request, page, "recommendation.html", views.recommendation(db, page, recommendation_id))


@router.get("/actions", response_class=HTMLResponse)
def actions_page(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    q: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    cluster: str | None = None,
    recommendation: str | None = None,
    cursor: str | None = None,
    back: Several = None,
    page_number: PageNumber = None,
    lang: LangParam = None,
) -> Response:
    page = PageContext.of(request, "actions")
    filters = action_views.ActionFilters.parse(
        q=q, status=status, entity=entity, cluster=cluster, recommendation=recommendation
    )
    # Every field of the action list's form takes one value (its status is a single choice).
    repeated = _given_twice(request, page, ("q", "status", "entity", "cluster", "recommendation"))
    context = action_views.actions(db, page, filters, Paging.of(cursor, back, page_number), repeated)
    if context["errors"]:
        _refuse_unless_page(request, context["errors"])
        return render_invalid(request, page, "actions.html", context)
    return render(request, page, "actions.html", context)


@router.get("/actions/{action_id}", response_class=HTMLResponse)
def action_page(
    request: Request, db: DbSession, caller: PublicCaller, action_id: RowId, lang: LangParam = None
) -> Response:
    page = PageContext.of(request, "actions")
    return render(request, page, "action.html", action_views.action(db, page, action_id))


@router.get("/clusters", response_class=HTMLResponse)
def clusters_page(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    back: Several = None,
    page_number: PageNumber = None,
    lang: LangParam = None,
) -> Response:
    page = PageContext.of(request, "clusters")
    return render(
        request, page, "clusters.html", views.clusters(db, page, Paging.of(cursor, back, page_number))
    )


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(
    request: Request, db: DbSession, caller: PublicCaller, cluster_id: RowId, lang: LangParam = None
) -> Response:
    page = PageContext.of(request, "clusters")
    return render(request, page, "cluster.html", views.cluster(db, page, cluster_id))


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    site: SiteAddress,
    # The filters are checked by the public calendar's own rules (PublicDeadlineParams and the
    # service), so that a bad one is named on the page next to its field, the rest kept.
    kind: Several = None,
    mechanism: str | None = None,
    entity: str | None = None,
    from_date: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    back: Several = None,
    page_number: PageNumber = None,
    lang: LangParam = None,
) -> Response:
    page = PageContext.of(request, "calendar")
    filters = calendar_views.CalendarFilters.parse(kind, mechanism, entity, from_date, to)
    paging = Paging.of(cursor, back, page_number)
    context = calendar_views.calendar(db, page, filters, paging, site)
    refused = {**_given_twice(request, page, ("mechanism", "entity", "from", "to")), **context["errors"]}
    if refused:
        context["errors"] = refused
        _refuse_unless_page(request, refused)
        return render_invalid(request, page, "calendar.html", context)
    return render(request, page, "calendar.html", context)


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, db: DbSession, caller: PublicCaller, lang: LangParam = None) -> Response:
    page = PageContext.of(request, "stats")
    return render(request, page, "stats.html", views.stats(db, page))


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, db: DbSession, caller: PublicCaller, lang: LangParam = None) -> Response:
    page = PageContext.of(request, "exports")
    return render(request, page, "exports.html", {**views.exports(db, page), "dates": data_dates(db)})


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility_page(request: Request, caller: PublicCaller, lang: LangParam = None) -> Response:
    """The accessibility statement: the shipped one, or the publisher's (NRTD_ACCESSIBILITY_STATEMENT)."""
    page = PageContext.of(request, "accessibility")
    settings = getattr(request.app.state, "settings", None)
    return render(request, page, "accessibility.html", accessibility(page, settings))


@router.get("/favicon.ico")
def favicon_ico(request: Request) -> Response:
    """The site's icon, where browsers look for it: public, cached for a week."""
    return favicon(request)


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The stylesheet: public even when the pages are off (it holds no data)."""
    return static_file(name)
