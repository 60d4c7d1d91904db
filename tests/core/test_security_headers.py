"""Every answer tells the browser to refuse sniffing, framing and foreign or inline code."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.proxies import forwarded_client
from app.core.security_headers import DOCS_CSP, STRICT_CSP
from tests.apps import app_for


@pytest.fixture
def client(settings: Settings, engine: Engine) -> TestClient:
    return TestClient(app_for(settings), raise_server_exceptions=False)


def _assert_protected(headers: Mapping[str, str], policy: str = STRICT_CSP) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/public/recommendations", 200),  # an API route
        ("/", 200),  # a portal page
        ("/recommendations/999999", 404),  # a portal error page
        ("/api/v1/recommendations", 401),  # an API error (problem+json)
        ("/api/v1/public/recommendations?q=a%00b", 422),  # refused before any route runs
        ("/healthz", 200),
    ],
)
def test_security_headers_on_pages_routes_and_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    _assert_protected(response.headers)


def test_the_portal_needs_no_inline_code_under_its_policy(client: TestClient) -> None:
    page = client.get("/").text
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert "script-src" not in STRICT_CSP and "unsafe-inline" not in STRICT_CSP  # default-src 'self' rules


def test_the_api_documentation_keeps_working(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_protected(response.headers, DOCS_CSP)
        # Offline-safe: nothing is loaded from elsewhere, and every asset the page names is served.
        assert "https://" not in response.text and "http://" not in response.text, path
        for asset in re.findall(r'"(/docs/assets/[^"]+)"', response.text):
            served = client.get(asset)
            assert served.status_code == 200 and served.content, asset
    assert client.get("/docs/assets/../../main.py").status_code == 404
    assert client.get("/docs/assets/LICENSE-redoc").status_code == 404  # an allowlist, not a folder


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "1.1.1.1, 203.0.113.9", "203.0.113.9"),  # the left-most is the client's own claim
        ("127.0.0.1", "203.0.113.9, 10.0.0.2", "203.0.113.9"),  # a second proxy is skipped
        ("127.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # all proxies: the farthest
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-ip", "not-an-ip"),  # garbage from the proxy is its problem, not trusted
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not a trusted peer: the header is ignored
        ("::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_right_most_untrusted_hop_is_the_client(peer: str, header: str, client: str) -> None:
    networks = Settings(trusted_proxies="127.0.0.1, 10.0.0.0/8, ::1").trusted_networks
    assert forwarded_client(peer, header, networks) == client


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ValueError, match=r"not an address or CIDR: 'proxy\.local'"):
        Settings(trusted_proxies="10.0.0.0/8, proxy.local")


def test_the_proxy_middleware_sets_client_and_scheme_only_for_trusted_peers() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.types import Message, Receive, Scope, Send

    from app.core.proxies import TrustedProxyMiddleware

    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None: ...

    middleware = TrustedProxyMiddleware(app, Settings(trusted_proxies="10.0.0.0/8").trusted_networks)
    headers = [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https")]
    # In a thread of its own: once a browser test has run, the run's browser (Playwright's sync API,
    # tests/browser.py) keeps an event loop running in the main thread.
    with ThreadPoolExecutor(1) as thread:
        for peer in ("10.0.0.5", "198.51.100.1"):
            scope = {"type": "http", "client": (peer, 5000), "scheme": "http", "headers": headers}
            thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    assert [(s["client"][0], s["scheme"]) for s in seen] == [
        ("203.0.113.9", "https"),
        ("198.51.100.1", "http"),
    ]


def test_an_unhandled_error_carries_the_headers_and_the_request_id(
    settings: Settings, engine: Engine
) -> None:
    from app.main import create_app

    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    try:
        response = TestClient(app, raise_server_exceptions=False).get(
            "/boom", headers={"X-Request-ID": "r-500"}
        )
        assert response.status_code == 500
        _assert_protected(response.headers)
        assert response.headers["X-Request-ID"] == "r-500"
    finally:
        app.state.engine.dispose()
        app.state.public_limiter.close()
