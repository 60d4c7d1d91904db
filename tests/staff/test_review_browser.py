"""The coordinator's review of an import in a real browser: from "My work" to the review queue, the
changed words highlighted, one recommendation marked reviewed; axe-core finds nothing on either page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import Recommendation
from tests import accounts
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in
from tests.staff.review_world import SYMBOL, ReviewWorld, build

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[tuple[str, ReviewWorld]]:
    world = build(engine)  # imports run twice (and a third time): a text changed, a theme added
    with live_server(settings) as base_url:
        yield base_url, world


def test_the_coordinator_reviews_what_an_import_changed(
    browser: Browser, site: tuple[str, ReviewWorld], engine: Engine
) -> None:
    base_url, world = site
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _ = accounts.issue_session(engine, user)
    context = signed_in(browser, base_url, secret)
    page = context.new_page()

    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    review_card = page.locator(".card", has=page.get_by_role("heading", name="Waiting for review"))
    expect(review_card.locator(".count")).to_have_text("3")
    expect(page.locator("#overdue ~ table")).to_contain_text("Jan 1, 2020")
    assert_accessible(page)
    screenshot(page, "dashboard")

    page.get_by_role("link", name="Open the review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.locator(".queue-total")).to_have_text("Waiting for review: 3")
    item = page.locator(".review-item", has=page.locator(f'input[name="ids"][value="{world.text_changed}"]'))
    expect(item.get_by_role("heading", level=2)).to_contain_text(SYMBOL)
    expect(item.locator("ins")).to_contain_text(["comprehensive", "independent"])
    expect(item.locator("del")).to_contain_text(["prompt"])
    assert_accessible(page)
    screenshot(page, "review-queue")

    item.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as reviewed.")
    expect(page.locator(".queue-total")).to_have_text("Waiting for review: 2")
    expect(page.locator(f'input[name="ids"][value="{world.text_changed}"]')).to_have_count(0)
    assert_accessible(page)
    with engine.connect() as conn:
        flag = conn.scalar(select(Recommendation.needs_review).where(Recommendation.id == world.text_changed))
    assert flag is False

    # Tick two, mark the selected ones: the queue empties but for the last.
    page.get_by_label("Select", exact=False).first.check()
    page.get_by_role("button", name="Mark selected reviewed").click()
    expect(page.locator(".queue-total")).to_have_text("Waiting for review: 1")
    context.close()


def test_a_focal_point_sees_their_entitys_work(
    browser: Browser, site: tuple[str, ReviewWorld], engine: Engine
) -> None:
    base_url, world = site
    user = accounts.create_user(engine, "fp@example.org", "focal_point", entity_id=world.justice)
    secret, _ = accounts.issue_session(engine, user)
    context = signed_in(browser, base_url, secret)
    page = context.new_page()
    page.goto("/staff/")
    expect(page.locator("main")).to_contain_text(world.overdue_justice)
    expect(page.locator("main")).not_to_contain_text(world.overdue_health)
    expect(page.get_by_role("link", name="Review queue")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "dashboard-focal-point")
    context.close()
