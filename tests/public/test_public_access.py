"""NRTD_PUBLIC_ACCESS (open, key, off) on every public route, and the rate limit on a real server."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.live_server import live_server
from tests.public.conftest import MakeClient

PREFIX = "/api/v1/public"


def _public_urls(client: TestClient) -> list[str]:
    """Every public GET from the OpenAPI document (routes added by others too), ids set to 1."""
    paths = client.get("/openapi.json").json()["paths"]
    urls = [
        re.sub(r"\{[^}]+\}", "1", path)
        for path, item in paths.items()
        if path.startswith(PREFIX) and "get" in item
    ]
    assert f"{PREFIX}/feed.atom" in urls and f"{PREFIX}/actions/1" in urls
    return urls


def test_open_anyone_may_read(make_client: MakeClient, engine: Engine) -> None:
    client = make_client(public_access="open")
    for url in (
        f"{PREFIX}/recommendations",
        f"{PREFIX}/clusters",
        f"{PREFIX}/actions",
        f"{PREFIX}/feed.atom",
    ):
        assert client.get(url).status_code == 200, url
        # Credentials, when sent, must still be valid.
        bad = client.get(url, headers=accounts.bearer("not-a-token"))
        assert bad.status_code == 401 and bad.headers["content-type"].startswith("application/problem+json")


def test_key_needs_an_api_key_or_a_login(make_client: MakeClient, engine: Engine) -> None:
    client = make_client(public_access="key")
    reader = accounts.headers_for(engine, "reader")
    admin = accounts.headers_for(engine, "admin")
    created = client.post(
        "/api/v1/api-keys", json={"name": "open data portal", "role": "reader"}, headers=admin
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    for url in _public_urls(client):
        refused = client.get(url)
        assert refused.status_code == 401, url
        assert refused.headers["content-type"].startswith("application/problem+json")
    for url in (
        f"{PREFIX}/recommendations",
        f"{PREFIX}/clusters",
        f"{PREFIX}/actions",
        f"{PREFIX}/feed.atom",
    ):
        assert client.get(url, headers=reader).status_code == 200, url
        assert client.get(url, headers={"X-API-Key": key}).status_code == 200, url
        assert client.get(url, headers=accounts.bearer(key)).status_code == 200, url
        assert client.get(url, headers=admin).status_code == 200, url


def test_off_hides_every_public_route(make_client: MakeClient, engine: Engine) -> None:
    client = make_client(public_access="off")
    reader = accounts.headers_for(engine, "reader")
    for url in _public_urls(client):
        for headers in ({}, reader):
            response = client.get(url, headers=headers)
            assert response.status_code == 404, url
            assert response.headers["content-type"].startswith("application/problem+json")
    # The staff API is unaffected.
    assert client.get("/api/v1/recommendations", headers=reader).status_code == 200


@pytest.mark.slow
def test_rate_limit_with_a_real_client(settings: Settings, engine: Engine) -> None:
    reader = accounts.headers_for(engine, "reader")
    with (
        live_server(settings.model_copy(update={"public_rate_limit": 5})) as base,
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        statuses = [http.get(f"{PREFIX}/recommendations").status_code for _ in range(5)]
        assert statuses == [200] * 5
        refused = http.get(f"{PREFIX}/feed.atom")
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["Retry-After"]) >= 1
        # The limit is per client: one with its own credential has its own allowance.
        assert http.get(f"{PREFIX}/clusters", headers=reader).status_code == 200
        # The staff API is not counted.
        assert http.get("/api/v1/recommendations", headers=reader).status_code == 200
