"""Static files of the server-rendered sites, served from the package (no CDN): an allowlist per
directory, each file read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Response

from app.core.caching import body_etag
from app.core.errors import NotFound

# An hour: short enough that a changed stylesheet or script reaches browsers soon after an upgrade.
CACHE_CONTROL = "public, max-age=3600"


@cache
def read_static(directory: Path, name: str) -> bytes:
    return (directory / name).read_bytes()


def static_file(directory: Path, media_types: dict[str, str], name: str) -> Response:
    """``name`` from ``directory`` if it is in ``media_types`` (its allowlist), else 404."""
    if name not in media_types:
        raise NotFound(f"no static file {name!r}")
    body = read_static(directory, name)
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": body_etag(body)}
    return Response(content=body, media_type=media_types[name], headers=headers)
