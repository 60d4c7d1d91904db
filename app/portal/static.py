"""The portal's static files, served from the package (no CDN): an allowlist, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Request, Response

from app.core.caching import body_etag, cached_response
from app.core.errors import NotFound

PORTAL_DIR = Path(__file__).resolve().parent
STATIC_DIR = PORTAL_DIR / "static"
MEDIA_TYPES = {"portal.css": "text/css; charset=utf-8"}
FAVICON = "favicon.ico"  # 32x32, a white tick on the portal's blue (a PNG in an ICO container)
# A week: an icon hardly ever changes, and browsers ask for it on every site they open.
FAVICON_CACHE = "public, max-age=604800"


@cache
def _content(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


def static_file(name: str) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound(f"no static file {name!r}")
    body = _content(name)
    # An hour: short enough that a changed stylesheet reaches browsers soon after an upgrade.
    headers = {"Cache-Control": "public, max-age=3600", "ETag": body_etag(body)}
    return Response(content=body, media_type=MEDIA_TYPES[name], headers=headers)


def favicon(request: Request) -> Response:
    return cached_response(
        request,
        _content(FAVICON),
        "image/vnd.microsoft.icon",
        headers={"Cache-Control": FAVICON_CACHE, "Vary": "Accept-Encoding"},
    )
