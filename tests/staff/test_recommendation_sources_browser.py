"""The "Sources" section in a real browser (Debian's chromium): a coordinator unlinks the UPR Info copy
of a UHRI recommendation without JavaScript doing anything but htmx's enhancements; axe-core finds
nothing on the leading record's page, before and after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in
from tests.staff.test_recommendation_sources import World, _build

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]


@pytest.fixture
def world(engine: Engine, settings: Settings) -> World:
    return _build(engine, settings)


@pytest.fixture
def site(settings: Settings, world: World) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


def test_a_coordinator_unlinks_a_copy_in_the_browser(
    browser: Browser, site: str, engine: Engine, world: World
) -> None:
    secret, _csrf = accounts.issue_session(
        engine, accounts.create_user(engine, "amina@example.org", "coordinator")
    )
    page = signed_in(browser, site, secret).new_page()
    page.goto(f"/staff/recommendations/{world.leader}")
    sources = page.locator("table.sources")
    expect(sources).to_contain_text("Leading record")
    expect(sources).to_contain_text("UPR Info")
    assert_accessible(page)
    screenshot(page, "recommendation-sources")
    sources.get_by_role("button", name="Unlink").click()
    expect(page.locator(".notice")).to_contain_text("each is listed on its own again")
    expect(page.locator("table.sources")).to_have_count(0)
    assert_accessible(page)
