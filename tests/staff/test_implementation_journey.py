"""Issue 11's journey, end to end in a real browser against a live server: a focal point of entity A
reports progress with a PDF and records an indicator value through the staff pages; a focal point of
entity B can neither see nor fetch them (pages, the API with a bearer token, the file URLs); the
coordinator returns the update from the queue with a comment, the focal point reads it, corrects and
resubmits; the coordinator approves and publishes it with its action in the same step, and approves
the value. Until each step makes it public, the portal, the public API, the Atom feed and the public
file URL answer exactly as for an object that does not exist; afterwards they show it. axe-core finds
no violation on the pages visited. One browser context per person; no sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import EvidenceFile, IndicatorValue, ProgressUpdate
from tests import accounts
from tests.builder import building
from tests.evidence import samples
from tests.live_server import live_server
from tests.plans.test_actions import audit_actions
from tests.staff.browser_support import assert_accessible, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]

ACTION = "Train judges on the rights of the child"
MISSING = 987654  # an id that exists nowhere: what "absent" looks like


@dataclass(frozen=True)
class Site:
    base_url: str
    action_id: int
    indicator_id: int
    entity_a: int
    entity_b: int


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[Site]:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice", acronym="MOJ").id
        health = build.entity("Ministry of Health", acronym="MOH").id
        action = build.action(ACTION, lead_entity_id=justice).id  # not published
        indicator = build.indicator(action, "Judges trained", unit="persons").id
    with live_server(settings) as base_url:
        yield Site(base_url, action, indicator, justice, health)


def _person(
    browser: Browser, engine: Engine, site: Site, email: str, role: str, entity: int | None
) -> tuple[Page, int]:
    """A signed-in browser page of a new user, and the user's id."""
    user = accounts.create_user(engine, email, role, entity_id=entity)
    secret, _csrf = accounts.issue_session(engine, user)
    context: BrowserContext = signed_in(browser, site.base_url, secret)
    return context.new_page(), user


def _problem(response: httpx.Response) -> tuple[int, str | None]:
    """What an answer says about existence: its status and problem type (not the id in the text)."""
    kind = response.json().get("type") if "json" in response.headers.get("content-type", "") else None
    return response.status_code, kind


def _same_as_missing(http: httpx.Client, url: str, object_id: int) -> None:
    """``url`` answers as the same URL for an id that does not exist."""
    answer, missing = http.get(url), http.get(url.replace(str(object_id), str(MISSING)))
    assert answer.status_code == 404, (url, answer.status_code)
    assert _problem(answer) == _problem(missing), url


def _public_action(http: httpx.Client, action_id: int) -> dict[str, Any]:
    answer = http.get(f"/api/v1/public/actions/{action_id}")
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def _assert_hidden(http: httpx.Client, site: Site, progress_id: int, evidence_id: int) -> None:
    """Nothing of the action, its update or its file is public yet: each answers as absent."""
    _same_as_missing(http, f"/actions/{site.action_id}", site.action_id)
    _same_as_missing(http, f"/api/v1/public/actions/{site.action_id}", site.action_id)
    _same_as_missing(http, f"/api/v1/public/evidence/{evidence_id}", evidence_id)
    listed = http.get("/api/v1/public/actions").json()["items"]
    assert site.action_id not in [item["id"] for item in listed]
    feed = http.get("/api/v1/public/feed.atom")
    assert feed.status_code == 200 and f"#progress-{progress_id}" not in feed.text


def test_issue_11_journey(browser: Browser, engine: Engine, site: Site, tmp_path: Path) -> None:
    http = httpx.Client(base_url=site.base_url)
    focal, _focal_id = _person(browser, engine, site, "fp.justice@example.org", "focal_point", site.entity_a)

    # Focal point A writes a draft, attaches a PDF on the update's page and submits it.
    focal.goto(f"/staff/actions/{site.action_id}/progress/new")
    assert_accessible(focal)
    focal.get_by_label("Date of the report").fill("2025-06-30")
    focal.get_by_label("What was done").fill("Two regional workshops; 40 judges trained.")
    focal.get_by_role("button", name="Save as draft").click()
    expect(focal.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    report = tmp_path / "Workshop report.pdf"
    report.write_bytes(samples.PDF)
    focal.get_by_label("Attach files").set_input_files(str(report))
    focal.get_by_role("button", name="Attach", exact=True).click()
    expect(focal.get_by_role("link", name="Workshop report.pdf")).to_be_visible()
    expect(focal.locator(".publicity")).to_contain_text("Not shown to the public: it is still a draft")
    assert_accessible(focal)
    focal.get_by_role("button", name="Submit for approval").click()
    expect(focal.get_by_role("status")).to_have_text("The progress update is submitted for approval.")
    update_url = focal.url.split("?")[0]

    # ... and records an indicator value, submitted at once.
    focal.goto(f"/staff/indicators/{site.indicator_id}")
    assert_accessible(focal)
    focal.get_by_label("Date measured").fill("2025-06-30")
    focal.get_by_label("Value", exact=True).fill("40")
    focal.get_by_role("button", name="Submit for approval").click()
    expect(focal.get_by_role("status")).to_contain_text("submitted for approval")
    with Session(engine) as session:
        progress_id = session.scalars(select(ProgressUpdate.id)).one()
        evidence_id = session.scalars(select(EvidenceFile.id)).one()
        value_id = session.scalars(select(IndicatorValue.id)).one()
    assert update_url.endswith(f"/staff/progress/{progress_id}")
    _assert_hidden(http, site, progress_id, evidence_id)

    # Focal point B (another entity) sees and fetches none of it: pages, API, file URLs; each answers
    # as an id that does not exist, the update as the value (docs/plans.md).
    other, other_id = _person(browser, engine, site, "fp.health@example.org", "focal_point", site.entity_b)
    answer = other.goto(f"/staff/progress/{progress_id}")
    assert answer is not None and answer.status == 404
    assert "40 judges" not in other.content()
    assert_accessible(other)
    for url, status in (
        (f"/staff/evidence/{evidence_id}", 404),
        (f"/staff/values/{value_id}", 404),
    ):
        assert other.request.get(site.base_url + url).status == status, url
    other.goto("/staff/progress?filtered=1")
    expect(other.locator("main")).not_to_contain_text(ACTION)
    other.goto("/staff/values?state=submitted")
    expect(other.locator("main")).not_to_contain_text("Judges trained")
    as_b = accounts.bearer(accounts.issue_token(engine, other_id))
    for url, status in (
        (f"/api/v1/progress/{progress_id}", 404),
        (f"/api/v1/evidence/{evidence_id}", 404),
        (f"/api/v1/evidence/{evidence_id}/content", 404),
        (f"/api/v1/indicator-values/{value_id}", 404),
    ):
        assert http.get(url, headers=as_b).status_code == status, url
    assert http.get("/api/v1/progress", headers=as_b).json()["items"] == []
    assert http.get("/api/v1/indicator-values?state=submitted", headers=as_b).json()["items"] == []

    # The coordinator returns it from the queue with a comment.
    coordinator, _coordinator_id = _person(browser, engine, site, "coord@example.org", "coordinator", None)
    coordinator.goto("/staff/progress")
    assert_accessible(coordinator)
    coordinator.get_by_label(f"Select the update on {ACTION}").check()
    coordinator.get_by_label("Comment to the authors").fill("Please give the number of judges per region.")
    coordinator.get_by_role("button", name="Return the selected updates").click()
    expect(coordinator.get_by_role("status")).to_contain_text("Returned to their authors")

    # The focal point reads the comment, corrects and resubmits.
    focal.goto(update_url)
    expect(focal.locator(".review-comment")).to_have_text("Please give the number of judges per region.")
    assert_accessible(focal)
    focal.get_by_label("What was done").fill("Two workshops: 25 judges in Lima, 15 in Cusco.")
    focal.get_by_role("button", name="Save changes").click()
    expect(focal.get_by_role("status")).to_have_text("Your changes are saved.")
    focal.get_by_role("button", name="Submit for approval").click()
    expect(focal.get_by_role("status")).to_have_text("The progress update is submitted for approval.")
    _assert_hidden(http, site, progress_id, evidence_id)

    # The coordinator approves and publishes it, told the action is hidden, and publishes it too.
    coordinator.goto(update_url)
    expect(coordinator.locator(".hidden-parent")).to_contain_text(f"The action “{ACTION}” is not published.")
    assert_accessible(coordinator)
    coordinator.get_by_label("Also publish it on the public portal").check()
    coordinator.get_by_label("Also publish the action in the same step").check()
    coordinator.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_role("status")).to_have_text("The progress update is approved.")
    expect(coordinator.locator(".publicity")).to_have_text("Shown on the public portal")
    assert_accessible(coordinator)
    assert audit_actions(engine, "action", site.action_id)[-1:] == ["action.update"]
    assert audit_actions(engine, "progress_update", progress_id)[-1:] == ["progress.approve"]

    # Now public: the portal page (with the file), the public API, the feed and the file URL.
    public = _public_action(http, site.action_id)
    [shown] = public["progress"]
    assert (shown["id"], shown["narrative"]) == (
        progress_id,
        "Two workshops: 25 judges in Lima, 15 in Cusco.",
    )
    assert [f["url"] for f in shown["evidence"]] == [f"/api/v1/public/evidence/{evidence_id}"]
    assert [i["values"] for i in public["indicators"]] == [[]]  # the value waits for its approval
    feed = http.get("/api/v1/public/feed.atom").text
    assert f"{site.base_url}/actions/{site.action_id}#progress-{progress_id}" in feed
    assert http.get(f"/api/v1/public/evidence/{evidence_id}").content == samples.PDF
    visitor = browser.new_context(base_url=site.base_url, accept_downloads=True).new_page()
    visitor.goto(f"/actions/{site.action_id}")
    expect(visitor.locator(f"#progress-{progress_id}")).to_contain_text("25 judges in Lima")
    assert_accessible(visitor)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Workshop report.pdf").click()
    assert Path(download.value.path()).read_bytes() == samples.PDF

    # The coordinator approves the value; the page says it is public, and so it is.
    coordinator.goto(f"/staff/values/{value_id}")
    expect(coordinator.locator(".publicity")).to_contain_text("it is not approved")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_role("status")).to_have_text("The value is approved.")
    expect(coordinator.locator(".publicity")).to_have_text("Shown on the public portal")
    public = _public_action(http, site.action_id)
    assert [[v["value"] for v in i["values"]] for i in public["indicators"]] == [[40]]
    visitor.reload()
    expect(visitor.locator("main")).to_contain_text("Judges trained")
    expect(visitor.locator("main table").first).to_contain_text("40")
    assert_accessible(visitor)
    http.close()
