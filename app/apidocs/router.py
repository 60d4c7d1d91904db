"""The interactive API documentation (/docs: Swagger UI, /redoc: ReDoc) with its assets served by the
app itself, so it works on an intranet or an air-gapped network (no CDN, no web fonts).

The assets are the npm packages `swagger-ui-dist` 5.35.0 and `redoc` 2.5.4, vendored in ``static/``
with their licences: Swagger UI unchanged, ReDoc showing its logo from this app instead of its CDN
(see ``static/NOTICE-redoc``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

from app.core.caching import body_etag
from app.core.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = "/docs/assets"
MEDIA_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "redoc-logo.png": "image/png",
}
OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="NRTD API",
        oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
    )


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title="NRTD API",
        redoc_js_url=f"{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS}/favicon-32x32.png",
        with_google_fonts=False,
    )


@cache
def _content(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


@router.get(ASSETS + "/{name}")
def asset(name: str) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound(f"no documentation asset {name!r}")
    body = _content(name)
    # A day: the files change only with an upgrade of nrtd, and the ETag revalidates them then.
    headers = {"Cache-Control": "public, max-age=86400", "ETag": body_etag(body)}
    return Response(content=body, media_type=MEDIA_TYPES[name], headers=headers)
