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
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from app.auth.deps import PublicCaller
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError
from app.portal import views
from app.portal.pages import PageContext, render, render_error
from app.portal.static import static_file

LangParam = Annotated[str | None, Query(max_length=16)]
Text = Annotated[str | None, Query(max_length=1000)]


class PortalRoute(APIRoute):
    """A page's errors, its access check and parameter validation included, as an HTML page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def html_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                return render_error(request, exc.status, exc.headers)
            except (RequestValidationError, ValidationError):
                return render_error(request, 422, {})

        return html_errors


router = APIRouter(include_in_schema=False, route_class=PortalRoute)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    q: Annotated[str | None, Query(max_length=500)] = None,
    mechanism: Text = None,
    theme: Text = None,
    sdg: Annotated[str | None, Query(max_length=16)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    cycle: Annotated[str | None, Query(max_length=4)] = None,
    cluster: Annotated[str | None, Query(max_length=12)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    lang: LangParam = None,
) -> Response:
    page = PageContext.of(request, "search")
    filters = views.SearchFilters.parse(
        q=q, mechanism=mechanism, theme=theme, sdg=sdg, status=status, cycle=cycle, cluster=cluster
    )
    return render(request, page, "index.html", views.search(db, page, filters, cursor))


@router.get("/recommendations/{recommendation_id}", response_class=HTMLResponse)
def recommendation_page(
    request: Request, db: DbSession, caller: PublicCaller, recommendation_id: RowId, lang: LangParam = None
) -> Response:
    page = PageContext.of(request, "search")
    return render(request, page, "recommendation.html", views.recommendation(db, page, recommendation_id))


@router.get("/clusters", response_class=HTMLResponse)
def clusters_page(request: Request, db: DbSession, caller: PublicCaller, lang: LangParam = None) -> Response:
    page = PageContext.of(request, "clusters")
    return render(request, page, "clusters.html", views.clusters(db))


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(
    request: Request, db: DbSession, caller: PublicCaller, cluster_id: RowId, lang: LangParam = None
) -> Response:
    page = PageContext.of(request, "clusters")
    return render(request, page, "cluster.html", views.cluster(db, page, cluster_id))


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, db: DbSession, caller: PublicCaller, lang: LangParam = None) -> Response:
    page = PageContext.of(request, "stats")
    return render(request, page, "stats.html", views.stats(db, page))


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, caller: PublicCaller, lang: LangParam = None) -> Response:
    page = PageContext.of(request, "exports")
    return render(request, page, "exports.html", views.exports(page))


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The stylesheet: public even when the pages are off (it holds no data)."""
    return static_file(name)
