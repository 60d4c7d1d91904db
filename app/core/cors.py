"""CORS for the anonymous public API only (NRTD_PUBLIC_CORS_ORIGINS), so that a civil-society
dashboard served from another origin can read it from a browser, and for the OpenAPI document that
describes it (a client generated in the browser, an API catalogue's viewer).

Starlette's CORSMiddleware does the work (simple answers, preflight OPTIONS, ``Vary: Origin``); this
wrapper hands it the requests under the public prefix and nothing else: the staff API and the staff
workspace authenticate with tokens and session cookies and are never readable cross-origin. No
``Access-Control-Allow-Credentials``, ever: a browser then sends no cookie, and the public routes answer
every caller alike. ``Authorization`` and ``X-API-Key`` may still be sent explicitly (an instance with
NRTD_PUBLIC_ACCESS=key): they are headers a script adds on purpose, not ambient credentials.

A preflight it refuses is answered as the API answers any refusal, ``application/problem+json`` naming
each refused part (Starlette's own answer was the plain text "Disallowed CORS origin"). The browser
fails the script's request either way (no ``Access-Control-Allow-Origin`` for that origin, or not a
2xx status) and shows no body to the script; the developer reads it in the network panel.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import PROBLEM_BASE
from app.core.problems import PROBLEM_JSON, FieldError, Problem

# Read-only routes: GET (and HEAD); OPTIONS is the preflight itself.
ALLOWED_METHODS = ("GET", "HEAD")
# Request headers a script may add beyond the CORS-safelisted ones.
ALLOWED_HEADERS = ("Authorization", "X-API-Key", "If-None-Match")
# Response headers a script may read beyond the safelisted ones (Content-Type, Cache-Control, ...).
EXPOSED_HEADERS = (
    "ETag",
    "Content-Disposition",
    "Link",  # an export's metadata document and licence
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-Request-ID",
)
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight answer


class _ProblemCors(CORSMiddleware):
    """Starlette's CORS, its refused preflights answered in problem+json."""

    def refusals(self, headers: Headers) -> list[FieldError]:
        """What a preflight asks for that is not allowed, one error per refused part. (Texts of the
        API alone: no page shows a preflight's answer, so they are not catalogue messages.)"""
        refused = []
        origin = headers["origin"]
        if not self.is_allowed_origin(origin=origin):
            refused.append(
                FieldError(
                    field="Origin",
                    reason=f"{origin} is not among the origins whose pages may call this API "
                    "(NRTD_PUBLIC_CORS_ORIGINS)",
                )
            )
        method = headers["access-control-request-method"]
        if method not in self.allow_methods:
            refused.append(
                FieldError(
                    field="Access-Control-Request-Method",
                    reason=f"{method} is not allowed: the public API is read-only "
                    f"({', '.join(self.allow_methods)})",
                )
            )
        asked = headers.get("access-control-request-headers")
        if asked is not None and not self.allow_all_headers:
            unknown = [
                name.strip() for name in asked.split(",") if name.strip().lower() not in self.allow_headers
            ]
            if unknown:
                refused.append(
                    FieldError(
                        field="Access-Control-Request-Headers",
                        reason=f"{', '.join(unknown)} may not be sent; allowed beyond the safelisted ones: "
                        + ", ".join(ALLOWED_HEADERS),
                    )
                )
        if (
            headers.get("access-control-request-private-network") is not None
            and not self.allow_private_network
        ):
            refused.append(
                FieldError(
                    field="Access-Control-Request-Private-Network",
                    reason="private network access is not allowed",
                )
            )
        return refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        if (
            scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        ):
            response = self.preflight_response(request_headers=headers)
            if response.status_code >= 400:
                response = self._problem(response, headers, scope["path"])
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _problem(self, refused: Response, headers: Headers, path: str) -> Response:
        errors = self.refusals(headers)
        problem = Problem(
            type=PROBLEM_BASE + "cors-refused",
            title="Cross-origin request refused",
            status=refused.status_code,
            detail="the browser may not send this request from another site's page: "
            + "; ".join(error.reason for error in errors),
            instance=path,
            errors=errors,
        )
        kept = {
            name: value
            for name, value in refused.headers.items()
            if name.lower() not in ("content-length", "content-type")
        }
        return JSONResponse(
            problem.model_dump(exclude_none=True),
            status_code=refused.status_code,
            headers=kept,
            media_type=PROBLEM_JSON,
        )


class PublicCorsMiddleware:
    """CORS headers, and answers to preflight requests, on paths under ``prefix`` and on the
    ``documents`` (exact paths) only."""

    def __init__(
        self, app: ASGIApp, *, prefix: str, origins: list[str], documents: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.documents = documents
        self.cors = (
            _ProblemCors(
                app,
                allow_origins=origins,
                allow_methods=ALLOWED_METHODS,
                allow_headers=ALLOWED_HEADERS,
                allow_credentials=False,
                expose_headers=EXPOSED_HEADERS,
                max_age=PREFLIGHT_MAX_AGE,
            )
            if origins
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.cors is not None
            and scope["type"] == "http"
            and (scope["path"].startswith(self.prefix) or scope["path"] in self.documents)
        ):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
