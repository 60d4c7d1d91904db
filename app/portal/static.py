"""The portal's static files, served from the package (no CDN): an allowlist, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Response

from app.core.caching import body_etag
from app.core.errors import NotFound

PORTAL_DIR = Path(__file__).resolve().parent
STATIC_DIR = PORTAL_DIR / "static"
MEDIA_TYPES = {"portal.css": "text/css; charset=utf-8"}


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
