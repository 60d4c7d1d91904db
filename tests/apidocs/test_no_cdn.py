"""The API documentation pages load everything from the app itself: on an intranet or an air-gapped
network nothing may be fetched from a CDN (a real browser records every request the pages make)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Request

from app.apidocs.router import STATIC_DIR
from app.core.config import Settings
from tests.live_server import live_server

# Hosts that serve other people's files (a CDN, web fonts): nothing shipped may name one.
CDN_HOST = re.compile(
    rb"\b(cdn[a-z0-9-]*\.[a-z0-9.-]+|[a-z0-9.-]*jsdelivr\.net|unpkg\.com|fonts\.g(oogleapis|static)\.com)"
)


def test_no_vendored_file_names_a_cdn() -> None:
    """The vendored bundles and their notices, the portal's and workspace's static files: no CDN host
    anywhere (the ReDoc bundle's remote logo is replaced by the vendored one, see NOTICE-redoc)."""
    app = Path(STATIC_DIR).parents[1]
    static = [path for path in app.rglob("*") if path.is_file() and "static" in path.parts]
    found = {
        str(path.relative_to(app)): sorted(
            {m.group(0).decode() for m in CDN_HOST.finditer(path.read_bytes())}
        )
        for path in static
    }
    assert {name: hosts for name, hosts in found.items() if hosts} == {}
    assert (STATIC_DIR / "redoc.standalone.js") in static and (STATIC_DIR / "NOTICE-redoc") in static


@pytest.mark.slow
@pytest.mark.database_run("postgresql")  # no data read: in the run with fewer tests
@pytest.mark.parametrize(("path", "rendered"), [("/redoc", ".api-content"), ("/docs", ".opblock")])
def test_the_documentation_fetches_nothing_from_another_host(
    browser: Browser, own_database: str, path: str, rendered: str
) -> None:
    # The documentation pages read no data: a database of their own (tests/conftest.py, own_database).
    with live_server(Settings(database_url=own_database, country="Peru")) as base_url:
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
