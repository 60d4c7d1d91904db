"""The workspace's static files, served from the package (no CDN): an allowlist, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Response

from app.core.caching import body_etag
from app.core.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {
    "staff.css": "text/css; charset=utf-8",
    "staff.js": "text/javascript; charset=utf-8",
    # htmx 2.0.11 from the npm package htmx.org (dist/htmx.min.js), unchanged; its licence beside it.
    "htmx.min.js": "text/javascript; charset=utf-8",
    "htmx-LICENSE.txt": "text/plain; charset=utf-8",
}


@cache
def _content(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


def static_file(name: str) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound(f"no static file {name!r}")
    body = _content(name)
    headers = {"Cache-Control": "public, max-age=3600", "ETag": body_etag(body)}
    return Response(content=body, media_type=MEDIA_TYPES[name], headers=headers)
