"""create_app(): routers, error handlers, middleware. Imported by nothing but the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp

from app.apidocs.router import router as apidocs_router
from app.audit.router import router as audit_router
from app.auth.deps import roles
from app.auth.router import router as auth_router
from app.clusters.router import router as clusters_router
from app.core.actor import EVERYONE, STAFF
from app.core.body_limit import BodyLimitMiddleware
from app.core.conditional import NotModifiedMiddleware
from app.core.config import Settings, get_settings
from app.core.cors import PublicCorsMiddleware
from app.core.db import is_sqlite, make_engine, request_limits
from app.core.head import HeadAsGetMiddleware
from app.core.list_headers import ListHeadersMiddleware
from app.core.nul_guard import NulGuardMiddleware
from app.core.private_caching import StaffPrivateMiddleware
from app.core.problem_docs import PROBLEM_RESPONSES, document_problem_media_type, problem_responses
from app.core.problems import install_problem_handlers
from app.core.proxies import TrustedProxyMiddleware
from app.core.query_guard import QueryGuardMiddleware
from app.core.ratelimit import RATE_LIMIT_HEADERS, RateLimitHeadersMiddleware, make_rate_limiter
from app.core.request_id import RequestIdMiddleware
from app.core.security_headers import SecurityHeadersMiddleware
from app.core.single_values import one_value_each
from app.core.slash_redirect import redirect_slashes_safely
from app.core.time_zone import TimeZoneMiddleware
from app.core.write_turns import WriteTurns
from app.deadlines.router import feed_router as calendar_feed_router
from app.deadlines.router import public_router as public_deadlines_router
from app.deadlines.router import router as deadlines_router
from app.entities.router import router as entities_router
from app.evidence.router import UPLOAD_PATH as EVIDENCE_UPLOAD_PATH
from app.evidence.router import router as evidence_router
from app.evidence.sending import FILES_PER_FORM, FORM_OVERHEAD
from app.exports.router import router as exports_router
from app.feed.countries import resolve_country_alias
from app.followup.router import router as followup_router
from app.health.router import router as health_router
from app.health.service import ReadinessProbe, readiness, schema_pending
from app.import_runs.lock import refuse_writes_during_import
from app.import_runs.router import router as import_runs_router
from app.notify.router import router as notify_router
from app.plans.router import router as plans_router
from app.portal.errors import error_page, wants_json
from app.portal.router import router as portal_router
from app.public.router import router as public_router
from app.recommendations import kept
from app.recommendations.router import router as recommendations_router
from app.reports.router import router as reports_router
from app.reports.state_template import MAX_BYTES as TEMPLATE_MAX_BYTES
from app.scheduler import import_runners
from app.staff.imports import UPLOAD_FORM_OVERHEAD, UPLOAD_PATH
from app.staff.pages import error_page as staff_error_page
from app.staff.progress_evidence import EVIDENCE_PATH as STAFF_EVIDENCE_PATH
from app.staff.reports import TEMPLATE_UPLOAD_PATH
from app.staff.router import router as staff_router
from app.taxonomies.router import router as taxonomies_router
from app.users.router import router as users_router

API_PREFIX = "/api/v1"
PUBLIC_PREFIX = f"{API_PREFIX}/public/"
# Every /api/v1 route but login needs credentials: 401 without them, 403 for a role that may not.
AUTH_RESPONSES = problem_responses(401, 403)


def _api_routers() -> list[tuple[APIRouter, frozenset[str] | None]]:
    """Each router, and the roles allowed on all of it (None: its routes check roles themselves)."""
    return [
        (auth_router, None),
        (users_router, None),
        (notify_router, None),
        (entities_router, None),
        (recommendations_router, None),
        (clusters_router, None),
        (followup_router, None),
        (plans_router, None),
        (evidence_router, None),
        (audit_router, None),
        (taxonomies_router, EVERYONE),
        (import_runs_router, STAFF),
        (exports_router, None),
        (reports_router, None),
        (deadlines_router, None),
    ]


def operation_id(route: APIRoute) -> str:
    """The route function's name (``list_recommendations``), for readable method names in generated
    clients; a public route whose function has the name of a staff one is ``public_`` + that name.
    tests/test_openapi.py checks that the ids are unique."""
    if route.path.startswith(PUBLIC_PREFIX) and not route.name.startswith("public_"):
        return f"public_{route.name}"
    return route.name


def _document_optional_credentials(app: FastAPI, prefix: str) -> None:
    """The public routes accept credentials but (in the default ``open`` mode) do not need them:
    an empty security requirement says so in the OpenAPI document. Each of their answers counts
    against the rate limit and says so in the RateLimit-* headers (its 200, 304 and 429 documented)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for path, path_item in build().get("paths", {}).items():
                if path.startswith(prefix):
                    for operation in path_item.values():
                        if operation.get("security") and {} not in operation["security"]:
                            operation["security"].insert(0, {})
                        for status, response in operation.get("responses", {}).items():
                            if status in ("200", "304", "429"):
                                response["headers"] = {**response.get("headers", {}), **RATE_LIMIT_HEADERS}
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def _document_optional_bodies(app: FastAPI) -> None:
    """A body a route may go without (``approve``'s, ``publish``'s) is documented as its schema alone,
    its request body not required, rather than as "the schema or null": from the latter generated
    clients (openapi-python-client) send ``null`` at best, and failed before sending anything when
    called without a body as the docs do (``TypeError: Object of type Unset is not JSON serializable``).
    The routes read a missing body, and ``null``, as the defaults."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for path_item in build().get("paths", {}).values():
                for operation in path_item.values():
                    body = operation.get("requestBody")
                    if not body or body.get("required"):
                        continue
                    for media in body.get("content", {}).values():
                        choices = media.get("schema", {}).get("anyOf", [])
                        kept = [choice for choice in choices if choice != {"type": "null"}]
                        if len(choices) == 2 and len(kept) == 1:
                            media["schema"] = kept[0]
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def _around_error_handling(app: FastAPI, settings: Settings) -> None:
    """Put the proxy's client address, the request id (and access log), the security headers, the
    staff API's private caching and the public API's CORS headers around Starlette's
    ServerErrorMiddleware, which ``add_middleware`` cannot reach: an unhandled error's 500 then carries
    them too, and is logged with its id."""
    build = app.build_middleware_stack

    def build_stack() -> ASGIApp:
        cors = PublicCorsMiddleware(
            build(),
            prefix=PUBLIC_PREFIX,
            origins=settings.public_cors_origin_list,
            documents=(app.openapi_url,) if app.openapi_url else (),
        )
        private = StaffPrivateMiddleware(cors, prefix=f"{API_PREFIX}/", public_prefix=PUBLIC_PREFIX)
        stack: ASGIApp = RequestIdMiddleware(SecurityHeadersMiddleware(HeadAsGetMiddleware(private)))
        if settings.trusted_proxies:
            stack = TrustedProxyMiddleware(stack, settings.trusted_networks)
        return stack

    app.build_middleware_stack = build_stack  # type: ignore[method-assign]


@asynccontextmanager
async def _closing_connections(app: FastAPI) -> AsyncIterator[None]:
    """When the server stops, close the database connections (the requests' and the rate limiter's):
    SQLite's last close writes its log (``nrtd.db-wal``) back into the file, so a copy of the file
    taken after the server stopped (a backup, a move to another host) holds every write."""
    yield
    app.state.engine.dispose()
    app.state.public_limiter.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.country:
        # NRTD_COUNTRY may be a code or an everyday name ("PER", "Bolivia"): the pages, reports and
        # exports name the State as UHRI does ("Peru"), whatever the operator typed.
        settings = settings.model_copy(update={"country": resolve_country_alias(settings.country)})
    app = FastAPI(
        lifespan=_closing_connections,
        title="NRTD: national recommendation-tracking database",
        version=version("nrtd"),  # pyproject.toml's, as installed
        description=(
            "Follow-up of the recommendations a State receives from the UN human-rights mechanisms "
            "(imported from OHCHR's Universal Human Rights Index) and from regional bodies. "
            "Errors are RFC 9457 `application/problem+json`. Log in with `POST /api/v1/auth/token` "
            "and send the token as `Authorization: Bearer <token>`; machine clients send an API key. "
            "Writes to an existing resource need `If-Match` with the ETag of the version you read; "
            "a create may carry an `Idempotency-Key`, to be retried safely."
        ),
        responses=PROBLEM_RESPONSES,
        docs_url=None,  # served by app.apidocs, from the app's own files
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    redirect_slashes_safely(app.router)  # never to the host a request's Host header names
    app.state.engine = make_engine(
        settings.database_url, request_limits(settings), on_write_busy=refuse_writes_during_import
    )
    app.state.write_turns = WriteTurns(
        settings.db_lock_timeout, 1 if is_sqlite(settings.database_url) else settings.db_write_concurrency
    )
    app.state.public_limiter = make_rate_limiter(settings)
    app.state.readiness = ReadinessProbe(lambda: readiness(app.state.engine, settings.storage_dir))
    # One store per process, whichever app it serves (the tests build several).
    kept.pages.resize(settings.read_cache_mb * 1024 * 1024)
    # The staff workspace starts imports through these (app/scheduler.py): only the CLI and the
    # scheduler may import ``importers``, and this module, which imports both sides, wires them.
    app.state.import_runners = import_runners()
    # Added innermost first; the proxy's client address, the request id and the security headers are
    # outermost of all (_around_error_handling), so every answer, an early refusal included, has them.
    # Each request reads "today" and writes times in the instance's zone (NRTD_TIME_ZONE).
    app.add_middleware(TimeZoneMiddleware, zone=settings.time_zone)
    app.add_middleware(NulGuardMiddleware)  # inside the body limit: reads bounded bodies only
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_request_bytes,
        larger={
            UPLOAD_PATH: settings.upload_max_bytes + UPLOAD_FORM_OVERHEAD,
            EVIDENCE_UPLOAD_PATH: settings.evidence_max_bytes + FORM_OVERHEAD,
            STAFF_EVIDENCE_PATH: settings.evidence_max_bytes * FILES_PER_FORM + FORM_OVERHEAD,
            TEMPLATE_UPLOAD_PATH: TEMPLATE_MAX_BYTES + UPLOAD_FORM_OVERHEAD,
        },
    )
    app.add_middleware(QueryGuardMiddleware)
    app.add_middleware(NotModifiedMiddleware)  # inside ListHeaders: reads If-None-Match as one list
    app.add_middleware(ListHeadersMiddleware)  # If-Match on two lines is one list, for every reader
    app.add_middleware(RateLimitHeadersMiddleware)
    _around_error_handling(app, settings)
    # A browser gets an HTML page, on the portal and /staff/; a missing table is "being upgraded"
    # while the schema is behind (the health check's reading, on that failure only).
    install_problem_handlers(app, _error_page, lambda: schema_pending(app.state.engine))
    document_problem_media_type(app)
    _document_optional_credentials(app, PUBLIC_PREFIX)
    _document_optional_bodies(app)
    app.include_router(health_router)
    app.include_router(apidocs_router)
    # The public routes decide access themselves (NRTD_PUBLIC_ACCESS): no staff credentials needed.
    # A one-value query parameter given twice is a 422, before the credentials are looked at (as a NUL).
    one_value = [Depends(one_value_each)]
    public_responses = problem_responses(401, 429)
    app.include_router(public_router, prefix=API_PREFIX, dependencies=one_value, responses=public_responses)
    app.include_router(
        public_deadlines_router, prefix=API_PREFIX, dependencies=one_value, responses=public_responses
    )
    # The calendar feed's only credential is the token in its URL (calendar clients send no header).
    app.include_router(calendar_feed_router, prefix=API_PREFIX, dependencies=one_value)
    for router, allowed in _api_routers():
        dependencies = [*one_value, Depends(roles(allowed, "this route"))] if allowed else one_value
        app.include_router(router, prefix=API_PREFIX, dependencies=dependencies, responses=AUTH_RESPONSES)
    # The HTML pages last: a request is matched against the routes in order, and these hundreds of
    # pages (none under /api/) took half a millisecond of every API request to rule out.
    app.include_router(portal_router)
    # The staff workspace signs in with its own session cookie and checks roles page by page.
    app.include_router(staff_router)
    return app


def _error_page(
    request: Request, status: int, headers: dict[str, str], errors: list[dict[str, str]], problem: str = ""
) -> Response | None:
    """An error outside a route's own handling (an unknown address, a refused method, a value refused
    at the door) as the page a browser reads, naming the refused values: the staff workspace's under
    /staff/, else the portal's (None: problem+json)."""
    path = request.url.path
    if (path == "/staff" or path.startswith("/staff/")) and not wants_json(request):
        page = staff_error_page(request, status, "", list(errors), problem=problem)
        page.headers.update(headers)  # Allow of a 405, Retry-After of a 429 or 503
        return page
    return error_page(request, status, headers, errors, problem)
