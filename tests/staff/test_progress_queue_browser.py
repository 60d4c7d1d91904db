"""The progress queue in a real browser: the coordinator goes from "My work" to the approval queue,
returns one update with a comment, approves the other after the confirmation; the focal point finds
the returned one with the comment. axe-core finds nothing on the queue or the confirmation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import ProgressUpdate
from tests import accounts
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in
from tests.staff.progress_queue_world import QueueWorld, build

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[tuple[str, QueueWorld]]:
    world = build(engine)
    with live_server(settings) as base_url:
        yield base_url, world


def test_return_and_approve_from_the_queue(
    browser: Browser, site: tuple[str, QueueWorld], engine: Engine
) -> None:
    base_url, world = site
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _ = accounts.issue_session(engine, user)
    context = signed_in(browser, base_url, secret)
    page = context.new_page()

    page.goto("/staff/")
    page.get_by_role("link", name="Open the approval queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress updates")
    expect(page.locator("#results")).to_have_text("Matching progress updates: 2")
    expect(page.get_by_label("Submitted")).to_be_checked()
    assert_accessible(page)
    screenshot(page, "progress-queue")

    # Return one without a comment: refused, the tick kept; then with one.
    page.get_by_label("Select the update on Draft the anti-torture bill").check()
    page.get_by_role("button", name="Return the selected updates").click()
    expect(page.locator(".error-summary")).to_contain_text("Comment to the authors")
    expect(page.get_by_label("Select the update on Draft the anti-torture bill")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Comment to the authors").fill("Say how many judges were trained.")
    page.get_by_role("button", name="Return the selected updates").click()
    expect(page.get_by_role("status")).to_contain_text("Returned to their authors")
    expect(page.locator("#results")).to_have_text("Matching progress updates: 1")

    page.get_by_label("Select the update on Open child health clinics").check()
    page.get_by_role("button", name="Approve the selected updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve these progress updates?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, approve them").click()
    expect(page.get_by_role("status")).to_contain_text("1 progress update approved.")
    expect(page.locator("main")).to_contain_text("No progress update matches these filters.")
    context.close()

    with engine.connect() as conn:
        states = dict(conn.execute(select(ProgressUpdate.id, ProgressUpdate.state)).all())
    assert states[world.submitted_justice] == "returned" and states[world.submitted_health] == "approved"

    focal = accounts.create_user(engine, "fp@example.org", "focal_point", entity_id=world.justice)
    secret, _ = accounts.issue_session(engine, focal)
    context = signed_in(browser, base_url, secret)
    page = context.new_page()
    page.goto("/staff/progress")
    row = page.locator("tr", has=page.locator(f'a[href="/staff/progress/{world.submitted_justice}"]'))
    expect(row).to_contain_text("Say how many judges were trained.")
    expect(page.get_by_role("button", name="Return the selected updates")).to_have_count(0)
    assert_accessible(page)
    context.close()
