"""Indicator values in a real browser: a focal point adds an indicator and records a value, the
coordinator returns it with a comment from the approval queue, the focal point corrects and
resubmits it, the coordinator approves it and the chart shows it. axe-core finds no violation on
any of these pages; NRTD_SCREENSHOTS=1 saves the staff guide's pictures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.builder import building
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[tuple[str, int, int]]:
    with building(engine) as build:
        entity = build.entity("Ministry of Justice", acronym="MOJ").id
        action = build.action("Train judges", lead_entity_id=entity, published=True).id
    with live_server(settings) as base_url:
        yield base_url, entity, action


def _context(
    browser: Browser, engine: Engine, base_url: str, email: str, role: str, entity_id: int | None = None
) -> BrowserContext:
    user_id = accounts.create_user(engine, email, role, entity_id=entity_id)
    secret, _ = accounts.issue_session(engine, user_id)
    return signed_in(browser, base_url, secret)


def _record(page: Page, day: str, value: str, button: str) -> None:
    page.get_by_label("Date measured").fill(day)
    page.get_by_label("Value", exact=True).fill(value)
    page.get_by_role("button", name=button).click()


def test_a_value_from_draft_to_approved(browser: Browser, engine: Engine, site: tuple[str, int, int]) -> None:
    base_url, entity, action = site
    focal = _context(browser, engine, base_url, "fp@example.org", "focal_point", entity_id=entity).new_page()
    focal.goto(f"/staff/actions/{action}/indicators/new")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Add an indicator")
    assert_accessible(focal)
    focal.get_by_label("Name").fill("Judges trained")
    focal.get_by_label("Baseline value").fill("10")
    focal.get_by_label("Target value").fill("300")
    focal.get_by_label("Target date").fill("2027-12-31")
    focal.get_by_role("button", name="Add the indicator").click()
    expect(focal.get_by_role("status")).to_contain_text("The indicator is created.")
    assert_accessible(focal)
    indicator_url = focal.url.split("?")[0]

    # A typo is refused with the field named and the text kept; then saved as a draft.
    _record(focal, "2025-06-30", "9O", "Save as draft")
    expect(focal.get_by_role("alert")).to_contain_text("Value")
    expect(focal.get_by_label("Value", exact=True)).to_have_value("9O")
    assert_accessible(focal)
    _record(focal, "2025-06-30", "90", "Save as draft")
    expect(focal.get_by_role("status")).to_contain_text("saved as a draft")
    assert_accessible(focal)
    focal.get_by_role("button", name="Submit for approval").click()
    expect(focal.get_by_role("status")).to_contain_text("submitted for approval")

    coordinator = _context(browser, engine, base_url, "coord@example.org", "coordinator").new_page()
    coordinator.goto("/staff/values")
    expect(coordinator.get_by_role("heading", level=2)).to_contain_text("Waiting for approval")
    assert_accessible(coordinator)
    screenshot(coordinator, "indicator-values-queue")
    coordinator.get_by_role("link", name="Open Judges trained").click()
    coordinator.get_by_label("Comment").fill("The June count was 95.")
    coordinator.get_by_role("button", name="Return with this comment").click()
    expect(coordinator.get_by_role("status")).to_contain_text("returned with your comment")

    focal.goto("/staff/values")
    expect(focal.get_by_role("table")).to_contain_text("The June count was 95.")
    assert_accessible(focal)
    focal.get_by_role("link", name="Open Judges trained").click()
    focal.get_by_label("Value", exact=True).fill("95")
    focal.get_by_role("button", name="Submit for approval").click()
    expect(focal.get_by_role("status")).to_contain_text("submitted for approval")

    coordinator.goto("/staff/values")
    coordinator.get_by_role("button", name="Approve Judges trained").click()
    expect(coordinator.get_by_role("status")).to_contain_text("The value is approved.")
    coordinator.goto(indicator_url)
    expect(coordinator.get_by_role("img", name="Judges trained")).to_be_visible()
    expect(coordinator.locator("table").first).to_contain_text("95")
    assert_accessible(coordinator)
    screenshot(coordinator, "indicator")
    # The focal point corrects the approved value: a new value, the old one stays in the history.
    focal.goto(indicator_url)
    focal.get_by_role("link", name=f"Open the value of {date(2025, 6, 30):%b} 30, 2025").click()
    assert_accessible(focal)
    _record(focal, "2025-06-30", "96", "Submit for approval")
    expect(focal.get_by_role("status")).to_contain_text("replaces the approved value once approved")


def test_enter_in_the_value_field_keeps_a_draft(
    browser: Browser, engine: Engine, site: tuple[str, int, int]
) -> None:
    """Enter presses a form's first button. It was "Submit for approval", which a focal point cannot
    take back: a value typed and entered went to the coordinators before its note was written. The
    first is "Save as draft", as on the progress forms."""
    base_url, entity, action = site
    with building(engine) as build:
        indicator = build.indicator(action, "Judges trained").id
    focal = _context(browser, engine, base_url, "fp@example.org", "focal_point", entity_id=entity).new_page()
    focal.goto(f"/staff/indicators/{indicator}")
    focal.get_by_label("Date measured").fill("2025-06-30")
    focal.get_by_label("Value", exact=True).fill("40")
    focal.get_by_label("Value", exact=True).press("Enter")
    expect(focal.get_by_role("status")).to_have_text("The value is saved as a draft.")
    expect(focal.get_by_role("button", name="Submit for approval")).to_be_visible()  # still to send
