"""The recommendation list in a real browser: a coordinator filters, chooses "all N matching" (more
rows than one page holds) and sets their priority with a rationale in one bulk step, then sees it;
axe-core finds nothing on the list, with its results, its bulk form and its error summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models.local import RecommendationLocal
from tests import accounts
from tests.builder import building, imported
from tests.factories import record
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]

WATER = 32


@pytest.fixture
def water(engine: Engine) -> list[int]:
    day = date(2024, 1, 1)
    ids = imported(
        engine,
        [
            *(
                record(
                    f"W{n:02}",
                    f"<p>{n}. Ensure access to clean water in rural areas.</p>",
                    themes=["Water"],
                    publication_date=day + timedelta(days=n),
                )
                for n in range(WATER)
            ),
            *(record(f"S{n}", f"<p>{n}. Build schools.</p>", themes=["Education"]) for n in range(5)),
        ],
    )
    with building(engine) as build:
        build.entity("Ministry of Water", acronym="MOW")
        build.cluster("Water and sanitation")
    return [rec_id for key, rec_id in ids.items() if key.startswith("W")]


@pytest.fixture
def page(browser: Browser, settings: Settings, engine: Engine, water: list[int]) -> Iterator[Page]:
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)
    with live_server(settings) as base_url:
        context = signed_in(browser, base_url, secret)
        yield context.new_page()
        context.close()


def test_coordinator_prioritises_all_matching_recommendations_in_one_step(
    page: Page, engine: Engine, water: list[int]
) -> None:
    page.goto("/staff/recommendations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    expect(page.locator("#results")).to_have_text(f"Matching recommendations: {WATER + 5}")
    assert_accessible(page)

    page.get_by_text("More filters").click()
    page.get_by_label("Theme").fill("Water")
    page.get_by_label("Rows per page").select_option("25")
    page.get_by_role("button", name="Apply the filters").click()
    expect(page.locator("#results")).to_have_text(f"Matching recommendations: {WATER}")
    expect(page.locator("table.recommendations tbody tr")).to_have_count(25)

    # Nothing ticked and "the ticked rows" chosen: the page says what is missing, keeps the rest.
    page.get_by_label("Why this priority").fill("Water is the plan's first goal")
    page.get_by_label("New priority").select_option("high")
    page.get_by_role("button", name="Apply the changes").click()
    expect(page.locator(".error-summary")).to_contain_text("Tick at least one recommendation")
    expect(page.get_by_label("Why this priority")).to_have_value("Water is the plan's first goal")
    assert_accessible(page)

    page.get_by_label(f"All that match the filters, on every page: {WATER}").check()
    page.get_by_role("button", name="Apply the changes").click()
    expect(page.locator(".notice")).to_have_text("The chosen recommendations are updated.")
    expect(page.locator("#results")).to_have_text(f"Matching recommendations: {WATER}")
    expect(page.locator("table.recommendations tbody tr td:nth-child(5)").first).to_have_text("High")
    screenshot(page, "recommendations-list")

    with Session(engine) as session:
        rows = session.execute(
            select(RecommendationLocal.recommendation_id, RecommendationLocal.priority_rationale).where(
                RecommendationLocal.priority == "high"
            )
        ).all()
    assert sorted(rec_id for rec_id, _ in rows) == sorted(water)
    assert {rationale for _, rationale in rows} == {"Water is the plan's first goal"}

    # The list filtered by the new priority finds them all, over two pages.
    page.goto("/staff/recommendations?priority=high&limit=25")
    expect(page.locator("#results")).to_have_text(f"Matching recommendations: {WATER}")
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("table.recommendations tbody tr")).to_have_count(WATER - 25)
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator("table.recommendations tbody tr")).to_have_count(25)
