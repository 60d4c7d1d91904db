"""HTML error pages for browsers, on every URL that is not the API's, the staff workspace's or the
API documentation's: a page in the reader's language instead of problem+json.

A client that asks for JSON (``Accept: application/json`` or ``application/problem+json`` ranked above
``text/html``) keeps problem+json wherever it asks, and so does every request under /api/. The staff
workspace (/staff/) renders its own error pages (``app.staff.pages``).
"""

from __future__ import annotations

from fastapi import Request, Response

from app.portal.pages import PageContext, render_error
from app.portal.request_errors import refused_fields

# Paths whose errors are never a portal page: the API, the staff workspace, the API documentation,
# the OpenAPI document and the health checks.
NOT_PORTAL = ("/api", "/staff", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")
JSON_TYPES = ("application/json", "application/problem+json")


def _accepted(header: str) -> dict[str, float]:
    """Each media range of an Accept header and its quality (RFC 9110); a malformed q counts as 0."""
    ranked: dict[str, float] = {}
    for part in header.split(",")[:50]:
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media:
            ranked[media.lower()] = max(quality, ranked.get(media.lower(), 0.0))
    return ranked


def wants_json(request: Request) -> bool:
    """The client names a JSON type and ranks it at least as high as HTML."""
    ranked = _accepted(request.headers.get("accept", ""))
    json_quality = max((ranked.get(media, 0.0) for media in JSON_TYPES), default=0.0)
    return json_quality > 0 and json_quality >= ranked.get("text/html", 0.0)


def is_portal_path(path: str) -> bool:
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in NOT_PORTAL)


def wants_page(request: Request) -> bool:
    """An error here is answered with an HTML page (else problem+json)."""
    return is_portal_path(request.url.path) and not wants_json(request)


def error_page(
    request: Request, status: int, headers: dict[str, str], errors: list[dict[str, str]], problem: str = ""
) -> Response | None:
    """The app's error handlers ask this first (``app.core.problems``): a page, or None for JSON. The
    values refused at the door (``errors``) are named as the page's own checks name theirs."""
    if not wants_page(request):
        return None
    refused = refused_fields(PageContext.of(request, ""), errors) if errors else None
    return render_error(request, status, headers, refused, problem=problem)
