"""A coordinator keeps the calendar in the browser: the month list (overdue marked), the next UPR
review entered with its suggested mid-term report, and a calendar feed address made. axe-core finds no
violation on the calendar's pages; NRTD_SCREENSHOTS=1 saves the staff guide's picture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.core.config import Settings
from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.deadlines.conftest import JUSTICE_OVERDUE, CalendarWorld, build_world
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]


@pytest.fixture
def world(engine: Engine) -> CalendarWorld:
    return build_world(engine)


@pytest.fixture
def page(browser: Browser, settings: Settings, engine: Engine, world: CalendarWorld) -> Iterator[Page]:
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)
    with live_server(settings) as base_url:
        context = signed_in(browser, base_url, secret)
        yield context.new_page()
        context.close()


def test_a_coordinator_keeps_the_calendar(page: Page, world: CalendarWorld) -> None:
    page.goto("/staff/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar")
    expect(page.get_by_role("link", name="Calendar", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.locator("tr.overdue")).to_contain_text(JUSTICE_OVERDUE)
    assert_accessible(page)
    screenshot(page, "calendar")

    page.get_by_role("link", name="Add a deadline").click()
    page.get_by_role("link", name="Add the next UPR review instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add the next UPR review")
    assert_accessible(page)
    page.get_by_label("Title").fill("Sixth UPR review")
    page.get_by_label("Next review date").fill("2031-05-10")
    page.get_by_label("Last review date").fill("2026-11-10")
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Add the deadline").click()
    expect(page.get_by_role("status")).to_contain_text("The deadline is added.")
    expect(page.locator("#hint-midterm_on")).to_contain_text("Feb 8, 2029")
    assert_accessible(page)

    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto("/staff/calendar?kind=upr_midterm&from=2029-01-01")
    expect(page.get_by_role("heading", name="February 2029")).to_be_visible()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_label("Calendar address")).to_be_visible()
    assert "/api/v1/calendar.ics?token=" in page.get_by_label("Calendar address").input_value()
    assert_accessible(page)


def test_a_new_feed_address_is_where_the_page_opens_on_a_phone(
    browser: Browser, settings: Settings, engine: Engine, world: CalendarWorld
) -> None:
    """The address shown once came back at the foot of the whole calendar, the page opening at its
    top: on a phone, below every month of deadlines, with nothing at the top saying where it was. The
    page now opens on it, the keyboard's focus in the box holding it, ready to be copied."""
    user = accounts.create_user(engine, "phone@example.org", "focal_point", entity_id=world.justice)
    secret, _csrf = accounts.issue_session(engine, user)
    with live_server(settings) as base_url:
        context = browser.new_context(
            base_url=base_url, locale="en-GB", viewport={"width": 360, "height": 640}, is_mobile=True
        )
        context.add_cookies([{"name": SESSION_COOKIE, "value": secret, "url": base_url + "/staff/"}])
        page = context.new_page()
        page.goto("/staff/calendar?from=2000-01-01")
        page.get_by_role("button", name="Make my calendar address").click()
        address = page.get_by_label("Calendar address")
        expect(address).to_be_focused()
        expect(address).to_be_in_viewport()
        assert "/api/v1/calendar.ics?token=" in address.input_value()
        assert_accessible(page)
        context.close()
