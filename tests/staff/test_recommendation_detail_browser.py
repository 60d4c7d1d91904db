"""The recommendation detail page in a real browser (Debian's chromium): two coordinators edit the same
recommendation from two browsers, the second sees the conflict page; axe-core finds nothing on the
page, its refused form, the reader's view or the conflict page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models.local import RecommendationLocal
from tests import accounts
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in
from tests.staff.recommendation_world import World, build_world

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


@pytest.fixture
def site(settings: Settings, world: World) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


def _secret(engine: Engine, email: str, role: str = "coordinator") -> str:
    secret, _csrf = accounts.issue_session(engine, accounts.create_user(engine, email, role))
    return secret


def test_a_conflicting_edit_from_a_second_browser_shows_the_conflict(
    browser: Browser, site: str, engine: Engine, world: World
) -> None:
    first = signed_in(browser, site, _secret(engine, "amina@example.org"))
    second = signed_in(browser, site, _secret(engine, "bruno@example.org"))
    path = f"/staff/recommendations/{world.main}"
    mine, theirs = first.new_page(), second.new_page()
    mine.goto(path)
    theirs.goto(path)  # both read the same version

    expect(mine.get_by_role("heading", level=1)).to_contain_text("CRC/C/PER/CO/6")
    expect(mine.locator('.rec-text[lang="ar"]')).to_have_attribute("dir", "rtl")
    # A word an import changed is marked by more than its colour: struck out or underlined, and named.
    expect(mine.locator("table.revision del").first).to_have_text("removed: strengthen")
    added = mine.locator("table.revision ins").first
    expect(added).to_have_text("added: reform")
    expect(added).to_have_css("text-decoration-line", "underline")
    # The unpublished priority: what the public sees, with the Publish button (checked by axe too).
    expect(mine.locator(".rec-unpublished")).to_contain_text("working value: High")
    assert_accessible(mine)
    screenshot(mine, "recommendation-detail")

    # A refused value: the form comes back with the reason and what was typed.
    # (a note on the status change, the status left as it is: it would be lost).
    mine.get_by_label("Note on the status change").fill("Discussed with the ministry")
    mine.get_by_label("Why this priority").fill("Budget line already exists")
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.locator(".error-summary")).to_contain_text("Note on the status change")
    expect(mine.get_by_label("Why this priority")).to_have_value("Budget line already exists")
    expect(mine.get_by_label("Note on the status change")).to_have_value("Discussed with the ministry")
    assert_accessible(mine)

    # The first browser saves...
    mine.get_by_label("Note on the status change").fill("")
    mine.get_by_label("Priority", exact=True).select_option(label="Low")
    # Supporting entities are check boxes: in a list box that takes several (Ctrl or Cmd and a click),
    # a keyboard user's arrow key chose the next entity and dropped those chosen before.
    health = mine.get_by_role("group", name="Supporting entities").get_by_role(
        "checkbox", name="Ministry of Health"
    )
    health.focus()
    mine.keyboard.press("Space")
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.locator(".notice")).to_have_text("Your changes are saved.")
    expect(health).to_be_checked()

    # ...then the second, which read the older version, is told and overwrites nothing.
    theirs.get_by_label("Internal notes").fill("Bruno's notes")
    theirs.get_by_label("Priority", exact=True).select_option(label="Medium")
    theirs.get_by_role("button", name="Save changes").click()
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Someone else changed this first")
    expect(theirs.locator(".notice.warning")).to_contain_text("amina@example.org changed it on")
    expect(theirs.locator("dl.facts")).to_contain_text("Bruno's notes")
    assert_accessible(theirs)
    screenshot(theirs, "recommendation-conflict")
    with engine.connect() as conn:
        stored = conn.execute(
            select(RecommendationLocal.priority, RecommendationLocal.internal_notes).where(
                RecommendationLocal.recommendation_id == world.main
            )
        ).one()
    assert tuple(stored) == ("low", "Draft plan due.")

    # The reload link opens the latest version, with the first browser's change.
    theirs.get_by_role("link", name="Open the latest version").click()
    expect(theirs.get_by_label("Priority", exact=True)).to_have_value("low")
    # A manual recommendation's page also has its own fields and the archive button.
    mine.goto(f"/staff/recommendations/{world.manual}")
    expect(mine.get_by_role("group", name="Recorded data of this manual recommendation")).to_be_visible()
    assert_accessible(mine)
    first.close()
    second.close()

    reader = signed_in(browser, site, _secret(engine, "reader@example.org", "reader"))
    page = reader.new_page()
    page.goto(path)
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    assert_accessible(page)
    reader.close()
