"""CORS for the anonymous public API only (NRTD_PUBLIC_CORS_ORIGINS), so that a civil-society
dashboard served from another origin can read it from a browser.

Starlette's CORSMiddleware does the work (simple answers, preflight OPTIONS, ``Vary: Origin``); this
wrapper hands it the requests under the public prefix and nothing else: the staff API and the staff
workspace authenticate with tokens and session cookies and are never readable cross-origin. No
``Access-Control-Allow-Credentials``, ever: a browser then sends no cookie, and the public routes answer
every caller alike. ``Authorization`` and ``X-API-Key`` may still be sent explicitly (an instance with
NRTD_PUBLIC_ACCESS=key): they are headers a script adds on purpose, not ambient credentials.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# Read-only routes: GET (and HEAD); OPTIONS is the preflight itself.
ALLOWED_METHODS = ("GET", "HEAD")
# Request headers a script may add beyond the CORS-safelisted ones.
ALLOWED_HEADERS = ("Authorization", "X-API-Key", "If-None-Match")
# Response headers a script may read beyond the safelisted ones (Content-Type, Cache-Control, ...).
EXPOSED_HEADERS = (
    "ETag",
    "Content-Disposition",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-Request-ID",
)
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight answer


class PublicCorsMiddleware:
    """CORS headers, and answers to preflight requests, on paths under ``prefix`` only."""

    def __init__(self, app: ASGIApp, *, prefix: str, origins: list[str]) -> None:
        self.app = app
        self.prefix = prefix
        self.cors = (
            CORSMiddleware(
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
        if self.cors is not None and scope["type"] == "http" and scope["path"].startswith(self.prefix):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
