"""The workspace's static files (app/web/static.py serves them): its allowlist."""

from __future__ import annotations

from pathlib import Path

from fastapi import Response

from app.web.static import static_file as serve

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {
    "staff.css": "text/css; charset=utf-8",
    # htmx 2.0.11 from the npm package htmx.org (dist/htmx.min.js), unchanged; its licence beside it.
    "htmx.min.js": "text/javascript; charset=utf-8",
    "htmx-LICENSE.txt": "text/plain; charset=utf-8",
    "attach-check.js": "text/javascript; charset=utf-8",
    "submit-once.js": "text/javascript; charset=utf-8",
}


def static_file(name: str) -> Response:
    return serve(STATIC_DIR, MEDIA_TYPES, name)
