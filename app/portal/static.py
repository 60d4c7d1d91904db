"""The portal's static files, served from the package (no CDN): an allowlist, read once."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request, Response

from app.core.caching import cached_response
from app.web.static import read_static
from app.web.static import static_file as serve

PORTAL_DIR = Path(__file__).resolve().parent
STATIC_DIR = PORTAL_DIR / "static"
MEDIA_TYPES = {"portal.css": "text/css; charset=utf-8"}
FAVICON = "favicon.ico"  # 32x32, a white tick on the portal's blue (a PNG in an ICO container)
# A week: an icon hardly ever changes, and browsers ask for it on every site they open.
FAVICON_CACHE = "public, max-age=604800"


def static_file(name: str) -> Response:
    return serve(STATIC_DIR, MEDIA_TYPES, name)


def favicon(request: Request) -> Response:
    return cached_response(
        request,
        read_static(STATIC_DIR, FAVICON),
        "image/vnd.microsoft.icon",
        headers={"Cache-Control": FAVICON_CACHE, "Vary": "Accept-Encoding"},
    )
