"""HEAD is answered wherever GET is, by a real server: the GET's status and headers, no body."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from app.core.config import Settings
from tests.live_server import live_server

PATHS = (
    "/",  # a portal page
    "/api/v1/public/recommendations",  # the public API
    "/api/v1/public/exports/recommendations.csv",  # a streamed download
    "/static/portal.css",
    "/healthz",
)


def test_head_answers_as_get_without_the_body(settings: Settings, engine: Engine) -> None:
    with live_server(settings) as base, httpx.Client(base_url=base) as client:
        for path in PATHS:
            get, head = client.get(path), client.head(path)
            assert get.status_code == 200 and head.status_code == 200, path
            assert head.content == b""
            for name in ("content-type", "etag", "cache-control", "x-content-type-options"):
                assert head.headers.get(name) == get.headers.get(name), (path, name)
        # A conditional HEAD is answered 304 as the GET is.
        etag = client.get("/api/v1/public/recommendations").headers["etag"]
        assert (
            client.head("/api/v1/public/recommendations", headers={"If-None-Match": etag}).status_code == 304
        )
        # A route without GET still refuses it; an unknown page is still a 404.
        assert client.head("/api/v1/auth/token").status_code == 405
        assert client.head("/no-such-page").status_code == 404
        # The connection stays usable after HEAD answers (no body was left half-sent).
        assert client.get("/healthz").status_code == 200
