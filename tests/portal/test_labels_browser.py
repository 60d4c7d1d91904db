"""In a real browser, in each interface language: a text published only in Arabic is shown right to
left and marked as Arabic, and every main portal page, Arabic text included, passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests.conftest import ModuleWorld
from tests.live_server import live_server
from tests.portal.labels_world import ARABIC, Labelled, build_labelled
from tests.staff.browser_support import assert_accessible

pytestmark = pytest.mark.slow


@pytest.fixture
def labelled(
    module_world: ModuleWorld,
    migrated_engine: Engine,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Labelled:
    return module_world(build_labelled, migrated_engine, settings, tmp_path_factory.mktemp("labels"))


@pytest.fixture
def site(settings: Settings, labelled: Labelled) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


@pytest.mark.database_run("postgresql")  # the pages' HTML, the same on either database
def test_every_main_page_in_every_language_passes_axe_with_arabic_text(
    browser: Browser, site: str, labelled: Labelled
) -> None:
    context = browser.new_context(base_url=site)
    page = context.new_page()
    arabic_pages = ["/", f"/recommendations/{labelled.ids['ar']}", f"/clusters/{labelled.cluster_id}"]
    other_pages = [
        "/clusters",
        "/actions",
        f"/actions/{labelled.action_id}",
        "/stats",
        "/exports",
        "/calendar",
        "/accessibility",
    ]
    for lang in ("en", "fr", "es"):
        for path in [*arabic_pages, *other_pages]:
            page.goto(f"{path}?lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            if path in arabic_pages:
                text = page.locator('[lang="ar"]', has_text=ARABIC)
                expect(text).to_have_attribute("dir", "rtl")
                # The browser lays it out right to left.
                assert text.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert_accessible(page)
    context.close()
