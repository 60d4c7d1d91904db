"""The API documentation pages load everything from the app itself: on an intranet or an air-gapped
network nothing may be fetched from a CDN (a real browser records every request the pages make)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Request
from sqlalchemy import Engine

from app.core.config import Settings
from tests.live_server import live_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("path", "rendered"), [("/redoc", ".api-content"), ("/docs", ".opblock")])
def test_the_documentation_fetches_nothing_from_another_host(
    browser: Browser, settings: Settings, engine: Engine, path: str, rendered: str
) -> None:
    with live_server(settings) as base_url:
        own_host = urlsplit(base_url).netloc
        requested: list[str] = []
        context = browser.new_context(base_url=base_url)
        page = context.new_page()

        def note(request: Request) -> None:
            if request.url.startswith(("http://", "https://")):
                requested.append(request.url)

        page.on("request", note)
        page.goto(path)
        page.wait_for_selector(rendered, timeout=30_000)  # the page has rendered the API
        page.wait_for_load_state("networkidle")
        if path == "/redoc":
            # The sidebar's logo is the app's own copy, and it loaded.
            logo = page.locator('img[alt="redocly logo"]')
            assert logo.get_attribute("src") == "/docs/assets/redoc-logo.png"
            assert logo.evaluate("image => image.complete && image.naturalWidth > 0")
        context.close()
    assert any(url.endswith("/openapi.json") for url in requested), requested
    assert [url for url in requested if urlsplit(url).netloc != own_host] == []
