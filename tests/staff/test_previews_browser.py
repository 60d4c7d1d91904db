"""The "what the public sees" previews in a real browser: reached from the cluster page, the portal's
page in its frame, and an action that is not public; axe-core finds no violation on either."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.live_server import live_server
from tests.portal.seed import PUBLISHED_ACTION, PUBLISHED_CLUSTER, SECRETS, Seeded, seed
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def world(engine: Engine) -> Seeded:
    return seed(engine)


@pytest.fixture
def page(browser: Browser, settings: Settings, engine: Engine, world: Seeded) -> Iterator[Page]:
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)
    with live_server(settings) as base_url:
        context = signed_in(browser, base_url, secret)
        yield context.new_page()
        context.close()


def test_previews_of_a_cluster_and_of_actions(page: Page, world: Seeded) -> None:
    page.goto(f"/staff/clusters/{world.cluster_id}")
    page.get_by_role("link", name="What the public sees").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"What the public sees: {PUBLISHED_CLUSTER}")
    frame = page.locator("section.public-preview")
    expect(frame.get_by_role("link", name=PUBLISHED_ACTION)).to_be_visible()
    expect(page.get_by_text("Actions of the cluster that are not published: 1.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/staff/actions/{world.action_id}/preview")
    expect(page.get_by_role("status")).to_contain_text("This is public.")
    expect(frame.get_by_role("img", name="Schools opened (schools)")).to_be_visible()
    expect(page.get_by_text("Progress updates approved but not published: 1.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "preview-action")

    page.goto(f"/staff/actions/{world.unpublished_action_id}/preview")
    expect(page.get_by_role("status")).to_contain_text("This is not public.")
    expect(page.get_by_text("The action is not published.")).to_be_visible()
    expect(page.locator("section.public-preview")).to_have_count(0)
    assert_accessible(page)
    body = page.content()
    assert SECRETS["unpublished_action_description"] not in body
