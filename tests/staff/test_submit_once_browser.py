"""app/staff/static/submit-once.js in a real browser: a create form double-clicked on a slow connection
is sent once; its buttons come back when the user comes back to the page (the Back button, which may
show it from the browser's cache: pageshow) and stay usable when the browser's own validation stops the
submission. The server's guard against a form sent twice is tested without a browser
(tests/staff/test_create_once.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import ProgressUpdate
from tests import accounts
from tests.builder import building
from tests.live_server import live_server
from tests.staff.browser_support import signed_in

pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def action(engine: Engine) -> tuple[int, int]:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        action = build.action("Train judges", lead_entity_id=justice).id
    return justice, action


@pytest.fixture
def server(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


def _form_page(browser: Browser, engine: Engine, server: str, action: tuple[int, int]) -> Page:
    justice, action_id = action
    user = accounts.create_user(engine, "focal@example.org", "focal_point", entity_id=justice)
    secret, _csrf = accounts.issue_session(engine, user)
    page = signed_in(browser, server, secret).new_page()
    page.goto(f"/staff/actions/{action_id}/progress/new")
    page.get_by_label("Date of the report").fill("2025-06-30")
    page.get_by_label("What was done").fill("Two regional workshops held.")
    return page


# The buttons' state read in the page as it is (a locator would wait for the navigation under way).
_DISABLED = (
    "() => [...document.querySelectorAll('form[action$=\"/progress\"] button')].map((b) => b.disabled)"
)


def _disabled(page: Page) -> list[bool]:
    states: list[bool] = page.evaluate(_DISABLED)
    return states


def _updates(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ProgressUpdate)) or 0


def test_a_second_click_on_a_slow_connection_does_not_send_the_form_again(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int]
) -> None:
    page = _form_page(browser, engine, server, action)
    held: list[Route] = []
    # A slow connection: the post is held until the user has clicked twice, then let through.
    page.route(f"**/staff/actions/{action[1]}/progress", lambda route: held.append(route))
    page.get_by_role("button", name="Submit for approval").scroll_into_view_if_needed()
    boxes = [
        page.get_by_role("button", name=name).bounding_box()
        for name in ("Save as draft", "Submit for approval")
    ]
    # The mouse, not a locator: a locator waits for the navigation under way, a person does not.
    for box in (boxes[0], boxes[0], boxes[1]):
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    assert _updates(engine) == 1


def test_a_double_click_sends_the_form_once(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int]
) -> None:
    page = _form_page(browser, engine, server, action)
    held: list[Route] = []
    page.route(f"**/staff/actions/{action[1]}/progress", lambda route: held.append(route))
    button = page.get_by_role("button", name="Save as draft")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    assert _updates(engine) == 1


def test_the_buttons_come_back_with_the_page(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int]
) -> None:
    page = _form_page(browser, engine, server, action)
    # The post leaves, then its navigation is cancelled (the Stop button, a dropped connection): the
    # page stays as it was, its buttons disabled by the script.
    page.route(f"**/staff/actions/{action[1]}/progress", lambda route: route.abort("aborted"))
    page.get_by_role("button", name="Save as draft").click(no_wait_after=True)
    page.wait_for_timeout(300)
    assert _disabled(page) == [True, True]
    # The browser shows the page again from its cache (the Back button): pageshow, persisted.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert _disabled(page) == [False, False]
    # And for real: sent, then back.
    page.unroute(f"**/staff/actions/{action[1]}/progress")
    page.goto(f"/staff/actions/{action[1]}/progress/new")
    page.get_by_label("Date of the report").fill("2025-06-30")
    page.get_by_label("What was done").fill("Two regional workshops held.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report progress")
    expect(page.get_by_role("button", name="Save as draft")).to_be_enabled()
    expect(page.get_by_role("button", name="Submit for approval")).to_be_enabled()
    # Drawn anew (the page is not kept), with what was typed put back by the browser: sent again from
    # there, it opens the update the first sending made, not a copy (the token it was sent with).
    expect(page.get_by_label("What was done")).to_have_value("Two regional workshops held.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    assert _updates(engine) == 1


def test_a_submission_the_browser_stops_leaves_the_buttons_usable(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int]
) -> None:
    page = _form_page(browser, engine, server, action)
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    # The browser's own validation (a form without novalidate, a required box left empty).
    page.evaluate(
        """() => {
            const form = document.querySelector("form[action$='/progress']");
            form.removeAttribute("novalidate");
            document.getElementById("field-narrative").required = true;
        }"""
    )
    page.get_by_label("What was done").fill("")
    button = page.get_by_role("button", name="Save as draft")
    button.click()
    page.wait_for_timeout(200)
    assert posts == []
    expect(button).to_be_enabled()
    # Corrected, the same button sends it.
    page.get_by_label("What was done").fill("Two regional workshops held.")
    button.click()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    assert _updates(engine) == 1
