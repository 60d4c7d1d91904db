"""A coordinator plans an action through the browser only: creates it (a refused date first, the form
keeping what was typed), links a recommendation, edits it and publishes it; then the focal point of
its entity finds it among "my actions" and changes its status. axe-core finds no violation on any
action page; NRTD_SCREENSHOTS=1 saves the staff guide's pictures."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Action
from tests import accounts
from tests.browser import broken_words
from tests.live_server import live_server
from tests.staff.action_world import SYMBOL, ActionWorld, build_world
from tests.staff.browser_support import assert_accessible, screenshot, signed_in, unreachable_scrollers

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def world(engine: Engine) -> ActionWorld:
    return build_world(engine)


@pytest.fixture
def base_url(settings: Settings, world: ActionWorld) -> Iterator[str]:
    with live_server(settings) as url:
        yield url


def _page(browser: Browser, engine: Engine, base_url: str, role: str, entity_id: int | None = None) -> Page:
    user = accounts.create_user(engine, f"{role}@example.org", role, entity_id=entity_id)
    secret, _csrf = accounts.issue_session(engine, user)
    return signed_in(browser, base_url, secret).new_page()


def test_coordinator_plans_an_action_and_the_focal_point_updates_it(
    browser: Browser, engine: Engine, base_url: str, world: ActionWorld
) -> None:
    page = _page(browser, engine, base_url, "coordinator")
    page.goto("/staff/actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    expect(page.get_by_role("link", name="Actions", exact=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    screenshot(page, "actions-list")

    # Create: a due date before the start first (refused, the form keeps what was typed), then fixed.
    page.get_by_role("link", name="Create an action").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Open juvenile courts")
    page.get_by_label("Description").fill("One court in every region.")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("Due date").fill("2026-01-31")
    page.get_by_label("Budget amount").fill("40000")
    page.get_by_label("Currency").fill("PEN")
    page.get_by_label("Lead entity").select_option(label="Ministry of Justice (MOJ)")
    page.get_by_label("Ministry of Education").check()
    page.get_by_label("Linked recommendations").fill(SYMBOL)
    page.get_by_role("button", name="Create the action").click()
    expect(page.locator(".error-summary")).to_contain_text("Due date: is before the start date")
    expect(page.locator(".error-summary")).not_to_contain_text("(start_date)")  # the API's name
    expect(page.get_by_label("Description")).to_have_value("One court in every region.")
    expect(page.get_by_label("Ministry of Education")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "actions-new-refused")
    page.get_by_label("Due date").fill("2026-12-31")
    page.get_by_role("button", name="Create the action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open juvenile courts")
    expect(page.get_by_role("status")).to_have_text("The action is created.")
    linked = page.get_by_role("table", name=re.compile("Recommendations this action implements"))
    expect(linked).to_contain_text(SYMBOL)
    expect(page.get_by_role("link", name="What the public sees")).to_have_attribute(
        "href", re.compile(r"/staff/actions/\d+/preview$")
    )
    assert_accessible(page)

    # Link one more recommendation, change the status, publish.
    page.get_by_label("Link recommendations").fill("CRC/C/XX/CO/7")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The recommendations are linked to the action.")
    page.get_by_label("Status", exact=True).select_option(label="In progress")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your changes are saved.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The action is published.")
    assert_accessible(page)
    screenshot(page, "actions-detail")
    page.context.close()

    # The focal point of the lead entity: "my actions", then a new due date and status.
    focal = _page(browser, engine, base_url, "focal_point", world.justice)
    focal.goto("/staff/actions")
    expect(focal.get_by_role("heading", level=2)).to_have_text("My actions: 3")
    assert_accessible(focal)
    focal.get_by_role("link", name="Open juvenile courts").click()
    expect(focal.get_by_role("link", name="Write a progress update")).to_be_visible()
    expect(focal.get_by_label("Lead entity")).to_have_count(0)
    focal.get_by_label("Status", exact=True).select_option(label="Delayed")
    focal.get_by_label("Due date").fill("2027-06-30")
    focal.get_by_role("button", name="Save changes").click()
    expect(focal.get_by_role("status")).to_have_text("Your changes are saved.")
    assert_accessible(focal)
    focal.context.close()

    with Session(engine) as session:
        action = session.scalars(select(Action).where(Action.title == "Open juvenile courts")).one()
    assert (action.status, str(action.due_date), action.published) == ("delayed", "2027-06-30", True)
    assert action.lead_entity_id == world.justice and action.description == "One court in every region."


def test_a_phone_never_scrolls_the_workspace_sideways(
    browser: Browser, engine: Engine, base_url: str, world: ActionWorld
) -> None:
    """At 320 px (the width WCAG 2.1's reflow criterion names; a 360 px phone with room to spare) the
    lists' wide tables scroll in their own box, forms stack in one column; the page is no wider than
    the screen, no word of a table is broken across lines ("Pen / dien / te"), and a table that
    scrolls in its own box is reached by the keyboard even when it holds no link."""
    user = accounts.create_user(engine, "phone@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)
    context = signed_in(browser, base_url, secret, locale="es-ES")
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 740})
    wider, broken, unreachable = [], [], []
    for path in (
        "/staff/",
        "/staff/recommendations",
        f"/staff/recommendations/{world.recs['one']}",
        "/staff/actions",
        "/staff/calendar",
        "/staff/values",
        "/staff/audit",
        "/staff/imports",
        f"/staff/progress/{world.progress}",
        f"/staff/indicators/{world.indicator}",
    ):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wider.append((path, width))
        broken += [(path, word) for word in broken_words(page)]
        unreachable += [(path, target) for target in unreachable_scrollers(page)]
    context.close()
    assert wider == []
    assert broken == []
    assert unreachable == []
