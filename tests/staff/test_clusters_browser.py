"""The coordinator builds a cluster from suggestions, through the browser only: create it, open it,
add a recommendation found by its symbol, then two of the suggestions, and publish it. axe-core finds
no violation on any cluster page; NRTD_SCREENSHOTS=1 saves the staff guide's pictures."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Cluster, ClusterRecommendation
from tests import accounts
from tests.builder import building, imported
from tests.factories import record
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in
from tests.staff.cluster_world import COUSIN, DETENTION, SOURCE, TORTURE, TWIN, UNRELATED

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    ids = imported(
        engine,
        [
            record("source", SOURCE, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/1"),
            record("twin", TWIN, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/2"),
            record("cousin", COUSIN, themes=[DETENTION], sdgs=["16.a"], symbol="CAT/C/XX/CO/3"),
            record("unrelated", UNRELATED, themes=["Right to education"], sdgs=["4.1"]),
        ],
    )
    with building(engine) as build:
        build.entity("Ministry of Justice", acronym="MOJ")
        build.cluster("Education", [ids["unrelated"]], published=True)
    return ids


@pytest.fixture
def page(browser: Browser, settings: Settings, engine: Engine, ids: dict[str, int]) -> Iterator[Page]:
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)
    with live_server(settings) as base_url:
        context = signed_in(browser, base_url, secret)
        yield context.new_page()
        context.close()


def test_coordinator_builds_a_cluster_from_suggestions(
    page: Page, engine: Engine, ids: dict[str, int]
) -> None:
    page.goto("/staff/clusters")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clusters")
    expect(page.get_by_role("link", name="Clusters", exact=True)).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # Create: a refused name first (the form keeps what was typed), then the real one.
    page.get_by_role("link", name="Create a cluster").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("education")
    page.get_by_label("Description").fill("Detainees' treatment in police custody.")
    page.get_by_label("Lead entity").select_option(label="Ministry of Justice (MOJ)")
    page.get_by_role("button", name="Create the cluster").click()
    expect(page.locator(".error-summary")).to_contain_text("Name: already used by another cluster")
    expect(page.get_by_label("Description")).to_have_value("Detainees' treatment in police custody.")
    assert_accessible(page)
    screenshot(page, "clusters-new-refused")
    page.get_by_label("Name").fill("Torture in custody")
    page.get_by_role("button", name="Create the cluster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Torture in custody")
    expect(page.get_by_role("status")).to_have_text("The cluster is created.")
    assert_accessible(page)

    # A first recommendation, found by its document symbol.
    page.get_by_role("link", name="Add recommendations").click()
    page.get_by_label("Recommendation id, document symbol or words").fill("CAT/C/XX/CO/1")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("table")).to_contain_text("police custody")
    assert_accessible(page)
    screenshot(page, "clusters-find")
    page.get_by_label(re.compile(r"^Select CAT/C/XX/CO/1")).check()
    page.get_by_role("button", name="Add the selected recommendations").click()
    expect(page.get_by_role("status")).to_contain_text("Recommendations added: 1.")
    expect(page.get_by_role("status")).to_be_focused()  # what was done is read first, as every notice

    # Two of the suggestions.
    page.get_by_role("link", name="Suggestions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggestions for Torture in custody")
    expect(page.get_by_label("Similar to")).to_have_value(str(ids["source"]))
    assert_accessible(page)
    screenshot(page, "clusters-suggestions")
    page.get_by_label(re.compile(r"^Select CAT/C/XX/CO/2")).check()
    page.get_by_label(re.compile(r"^Select CAT/C/XX/CO/3")).check()
    page.get_by_role("button", name="Add the selected recommendations").click()
    expect(page.get_by_role("status")).to_contain_text("Recommendations added: 2.")
    expect(page.get_by_role("table")).to_contain_text("CAT/C/XX/CO/2")
    expect(page.get_by_role("table")).to_contain_text("CAT/C/XX/CO/3")

    # Publish.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The cluster is published.")
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "clusters-detail")

    page.get_by_role("link", name="All clusters").click()
    row = page.get_by_role("row", name=re.compile("Torture in custody"))
    expect(row).to_contain_text("Ministry of Justice (MOJ)")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("Yes")
    screenshot(page, "clusters-list")

    with Session(engine) as session:
        cluster = session.scalars(select(Cluster).where(Cluster.name == "Torture in custody")).one()
        members = set(
            session.scalars(
                select(ClusterRecommendation.recommendation_id).where(
                    ClusterRecommendation.cluster_id == cluster.id
                )
            )
        )
    assert cluster.published and cluster.description == "Detainees' treatment in police custody."
    assert members == {ids["source"], ids["twin"], ids["cousin"]}
