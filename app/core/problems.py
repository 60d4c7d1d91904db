"""RFC 9457 problem details: the one error shape of the API, and its handlers (how the OpenAPI
document describes them: ``app.core.problem_docs``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from app.core.database_failures import (
    UPGRADE_DETAIL,
    UPGRADE_RETRY_AFTER,
    lock_not_available,
    schema_missing,
    unreachable,
)
from app.core.error_pages import UPGRADE_PENDING, ErrorPage
from app.core.errors import PROBLEM_BASE, DomainError
from app.core.head import is_head
from app.core.request_errors import allowed_methods, field_error, is_json, misread_path_id, missing_from_path

PROBLEM_JSON = "application/problem+json"
# What went wrong in the database under a request, with the request it failed (the server's own error
# log never sees these: the handlers below answer them).
log = logging.getLogger("nrtd.errors")


class FieldError(BaseModel):
    field: str
    reason: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = []


def problem_response(
    request: Request, status: int, problem: str, title: str, detail: str | None, errors: list[dict[str, Any]]
) -> JSONResponse:
    body = Problem(
        type=PROBLEM_BASE + problem,
        title=title,
        status=status,
        detail=detail,
        instance=str(request.url.path),
        errors=[FieldError(**error) for error in errors],
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON)


# What a request refused for a lock or a connection is told: request writers hold SQLite's lock for
# milliseconds, and a burst is over in seconds.
BUSY_RETRY_AFTER = 5


def _busy_response(request: Request, detail: str) -> JSONResponse:
    response = problem_response(request, 503, "busy", "Service busy", detail, [])
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def _unavailable_response(request: Request, detail: str) -> JSONResponse:
    response = problem_response(request, 503, "database-unavailable", "Database unavailable", detail, [])
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


# Given the failure of a missing table or column, whether the schema's revision is behind this
# release's (``app.main`` passes the health check's): asked on that failure only, never on the way of
# a request that works.
SchemaBehind = Callable[[], bool]


def _upgrade_response(request: Request) -> JSONResponse:
    response = problem_response(request, 503, UPGRADE_PENDING, "Service being upgraded", UPGRADE_DETAIL, [])
    response.headers["Retry-After"] = str(UPGRADE_RETRY_AFTER)
    return response


def install_problem_handlers(
    app: FastAPI, error_page: ErrorPage | None = None, schema_behind: SchemaBehind | None = None
) -> None:
    """One handler per kind of failure; each asks ``error_page`` first, so a browser outside the API
    gets an HTML page where it has one; the middlewares' refusals (``send_problem``) ask it too.
    ``schema_behind``: a missing table or column is a 503 "being upgraded" while it says so."""
    app.state.error_page = error_page

    def answer(
        request: Request,
        status: int,
        headers: Mapping[str, str] | None,
        problem: Callable[[], Response],
        kind: str = "",
    ) -> Response:
        headers = dict(headers or {})
        page = error_page(request, status, headers, [], kind) if error_page else None
        if page is not None:
            return page
        response: Response = problem()
        response.headers.update(headers)
        return response

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        errors = exc.errors
        if exc.status == 404 and not errors:
            errors = missing_from_path(request, exc.detail)
        return answer(
            request,
            exc.status,
            exc.headers,
            lambda: problem_response(request, exc.status, exc.problem, exc.title, exc.detail, errors),
        )

    @app.exception_handler(StaleDataError)
    async def stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # Another request changed the row between our read and our write (the version column).
        return problem_response(
            request,
            412,
            "precondition-failed",
            "Precondition failed",
            "the resource changed while this request ran; read it again and retry",
            [{"field": "If-Match", "reason": "stale"}],
        )

    @app.exception_handler(OperationalError)
    async def busy(request: Request, exc: OperationalError) -> Response:
        # A write that waited out NRTD_DB_LOCK_TIMEOUT for SQLite's write lock or a PostgreSQL row
        # lock is told to come back, not handed a 500. Anything else is an internal error.
        if not lock_not_available(exc):
            return await _database_error(request, exc)
        detail = "the database is busy with another write (an import, probably); retry in a moment"
        return answer(
            request, 503, {"Retry-After": str(BUSY_RETRY_AFTER)}, lambda: _busy_response(request, detail)
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        # PostgreSQL's missing table or permission denied (tables another role owns) is a
        # ProgrammingError: logged as one line with its request, as SQLite's OperationalError is, not
        # left to escape as the server's traceback. IntegrityError keeps its own handler.
        return await _database_error(request, exc)

    async def _database_error(request: Request, exc: DBAPIError) -> Response:
        # The driver's message alone: the statement's parameters may hold personal data.
        log.error(
            "%s %s request_id=%s: database error: %s: %s",
            request.method,
            request.url.path,
            getattr(request.state, "request_id", "-"),
            type(exc.orig).__name__,
            str(exc.orig).strip().replace("\n", " "),
        )
        if unreachable(exc):
            detail = "the database does not answer; retry in a moment"
            return answer(
                request,
                503,
                {"Retry-After": str(BUSY_RETRY_AFTER)},
                lambda: _unavailable_response(request, detail),
            )
        if schema_behind is not None and schema_missing(exc) and await run_in_threadpool(schema_behind):
            return answer(
                request,
                503,
                {"Retry-After": str(UPGRADE_RETRY_AFTER)},
                lambda: _upgrade_response(request),
                UPGRADE_PENDING,
            )
        return answer(
            request,
            500,
            None,
            lambda: problem_response(request, 500, "internal-error", "Internal server error", None, []),
        )

    @app.exception_handler(PoolTimeout)
    async def no_connection(request: Request, exc: PoolTimeout) -> Response:
        # Every connection stayed in use for NRTD_DB_POOL_TIMEOUT: a burst, answered at once rather
        # than queued behind it.
        detail = "every database connection is in use; retry in a moment"
        return answer(
            request, 503, {"Retry-After": str(BUSY_RETRY_AFTER)}, lambda: _busy_response(request, detail)
        )

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A race the service's own checks could not see (two creates of one unique name).
        return problem_response(
            request, 409, "conflict", "Conflict", "the change conflicts with data written meanwhile", []
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        odd = misread_path_id(exc.errors())
        if odd is not None:  # /actions/01 is not action 1's address: it names nothing
            detail = f"{odd['field']}: {odd['reason']}"
            return answer(
                request,
                404,
                None,
                lambda: problem_response(request, 404, "not-found", "Not found", detail, [odd]),
            )
        json_sent = is_json(request.headers.get("content-type", ""))
        errors = [field_error(err, json_sent, request) for err in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return answer(
            request,
            422,
            None,
            lambda: problem_response(request, 422, "validation-error", "Invalid input", detail, errors),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {
            400: "Bad request",
            404: "Not found",
            405: "Method not allowed",
            401: "Unauthorized",
            403: "Forbidden",
            413: "Content too large",
        }
        title = titles.get(exc.status_code, "HTTP error")
        problem = title.lower().replace(" ", "-")
        headers = dict(exc.headers or {})
        detail, errors = str(exc.detail), []
        if exc.status_code == 405 and "Allow" in headers:  # the router's (a static file's has none)
            # OPTIONS asks which methods the path takes (RFC 9110, 9.3.7): it was refused with an Allow
            # that left it out, though the public API answers it as a preflight. It is answered with
            # that Allow on every path now, so it is one of the methods every 405 lists.
            headers["Allow"] = f"{allowed_methods(request) or headers['Allow']}, OPTIONS"
            if request.method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": headers["Allow"]})
            # Starlette's "Method Not Allowed" named neither the method refused nor those taken.
            method = "HEAD" if is_head(request.scope) else request.method  # HEAD is handled as its GET
            reason = f"{method} is not allowed here; this path takes {headers['Allow']}"
            detail, errors = f"method: {reason}", [{"field": "method", "reason": reason}]
        if exc.status_code == 404 and request.scope.get("route") is None:
            # No route matched (Starlette's bare "Not Found"): not a resource missing from a route.
            reason = "no route at this address; every route is listed at /docs (and /openapi.json)"
            detail, errors = f"path: {reason}", [{"field": "path", "reason": reason}]
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's "There was an error parsing the body": JSON in another encoding (Latin-1).
            reason = f"not valid UTF-8 at byte {exc.__cause__.start}: send JSON encoded as UTF-8"
            detail, errors = f"body: {reason}", [{"field": "body", "reason": reason}]
        return answer(
            request,
            exc.status_code,
            headers,
            lambda: problem_response(request, exc.status_code, problem, title, detail, errors),
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        internal = problem_response(request, 500, "internal-error", "Internal server error", None, [])
        try:
            return answer(request, 500, None, lambda: internal)
        except Exception:  # the page itself failed: the plain problem still reaches the client
            return internal


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    problem: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """A problem+json response sent straight from ASGI middleware, before the app runs; a browser on
    a portal URL gets the app's HTML error page instead (``error_page``, kept on the app's state)."""
    page = _middleware_page(scope, status, errors)
    if page is not None:
        await send({"type": "http.response.start", "status": status, "headers": page.raw_headers})
        await send({"type": "http.response.body", "body": page.body})
        return
    body = json.dumps(
        {
            "type": PROBLEM_BASE + problem,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
            "errors": errors,
        }
    ).encode()
    sent = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": sent + (headers or [])})
    await send({"type": "http.response.body", "body": body})


def _middleware_page(scope: Scope, status: int, errors: list[dict[str, str]]) -> Response | None:
    app = scope.get("app")
    error_page: ErrorPage | None = getattr(getattr(app, "state", None), "error_page", None)
    if error_page is None:
        return None
    try:
        return error_page(Request(scope), status, {}, errors)
    except Exception:  # the page itself failed: the plain problem still reaches the client
        return None
