"""A focal point reports progress through the browser: writes a draft, attaches a PDF with the form
(a disguised program is refused, naming the field), submits; the coordinator returns it with a
comment, which the focal point reads, then approves and publishes it. axe-core finds no violation on
the pages; NRTD_SCREENSHOTS=1 saves the staff guide's pictures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Action, EvidenceFile, ProgressUpdate
from tests import accounts
from tests.builder import building
from tests.evidence import samples
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


@pytest.fixture
def action(engine: Engine) -> tuple[int, int]:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice", acronym="MOJ").id
        action = build.action("Train judges on the rights of the child", lead_entity_id=justice).id
    return justice, action


@pytest.fixture
def server(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


def _context(
    browser: Browser, engine: Engine, base_url: str, role: str, entity: int | None = None
) -> BrowserContext:
    user = accounts.create_user(engine, f"{role}@example.org", role, entity_id=entity)
    secret, _csrf = accounts.issue_session(engine, user)
    return signed_in(browser, base_url, secret)


def test_focal_point_reports_with_a_pdf_and_the_coordinator_reviews(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int], tmp_path: Path
) -> None:
    justice, action_id = action
    focal_context = _context(browser, engine, server, "focal_point", justice)
    page: Page = focal_context.new_page()
    page.goto(f"/staff/actions/{action_id}/progress/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report progress")
    assert_accessible(page)
    page.get_by_label("Date of the report").fill("2025-06-30")
    page.get_by_label("What was done").fill("Two regional workshops; 40 judges trained.")
    page.get_by_label("Reported status of the action").select_option(label="In progress")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_have_text("The progress update is saved as a draft.")
    # The page a form's sending led to opens on what happened: a screen reader starting at the top
    # read the same banner and menus as before, and never the notice (a live region that was there
    # from the start is not announced), so a keyboard user could not tell the draft was saved.
    expect(page.get_by_role("status")).to_be_focused()
    assert_accessible(page)

    # A program named like a PDF is refused, naming the field; then the real PDF. A correction typed
    # before attaching survives both (the attach form posted apart from the text, which was lost).
    typed = "Two regional workshops; 40 judges trained in Lima and Cusco."
    page.get_by_label("What was done").fill(typed)
    # A file far over the limit (a video) is named before it is sent: the server stops a body over
    # five files' worth before the form's text is read, and its page could not show the text typed,
    # which was lost. Sparse: no byte of it is written, nor read.
    video = tmp_path / "workshop.mp4"
    with video.open("wb") as sparse:
        sparse.truncate(6 * 25 * 1024 * 1024)
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Attach files").set_input_files(str(video))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.locator("#error-file")).to_have_text(
        "Error: workshop.mp4: is larger than 25 MB, the largest evidence file this server accepts"
    )
    expect(page.get_by_label("Attach files")).to_be_focused()
    expect(page.get_by_label("What was done")).to_have_value(typed)
    assert posted == []
    assert_accessible(page)
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(samples.EXE_AS_PDF)
    page.get_by_label("Attach files").set_input_files(str(disguised))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("Files: report.pdf: the file is a Windows program")
    expect(page.get_by_label("What was done")).to_have_value(typed)
    assert_accessible(page)
    report = tmp_path / "Informe junio.pdf"
    report.write_bytes(samples.PDF)
    page.get_by_label("Attach files").set_input_files(str(report))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The files are attached.")
    expect(page.get_by_label("What was done")).to_have_value(typed)
    expect(page.get_by_role("link", name="Informe junio.pdf")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "progress-draft-with-file")
    with page.expect_download() as download:
        page.get_by_role("link", name="Informe junio.pdf").click()
    assert Path(download.value.path()).read_bytes() == samples.PDF
    assert download.value.suggested_filename == "Informe junio.pdf"
    # A file chosen and not attached: submitting would have left it out (the button sends its name).
    page.get_by_label("Attach files").set_input_files(str(report))
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#error-file")).to_contain_text("The chosen files are not attached")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status")).to_have_text("The progress update is submitted for approval.")
    with Session(engine) as session:
        update = session.scalars(select(ProgressUpdate)).one()
        assert update.state == "submitted"
        assert session.scalars(select(EvidenceFile.filename)).all() == ["Informe junio.pdf"]

    # The coordinator returns it with a comment; the focal point reads it.
    coordinator = _context(browser, engine, server, "coordinator").new_page()
    coordinator.goto(f"/staff/progress/{update.id}")
    assert_accessible(coordinator)
    coordinator.get_by_label("Comment for the author").fill("Please give the number of judges per region.")
    coordinator.get_by_role("button", name="Return to the author").click()
    expect(coordinator.get_by_role("status")).to_contain_text("returned to its author")
    page.reload()
    expect(page.locator(".review-comment")).to_have_text("Please give the number of judges per region.")
    assert_accessible(page)
    screenshot(page, "progress-returned")
    page.get_by_label("What was done").fill("Two workshops: 25 judges in Lima, 15 in Cusco.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your changes are saved.")
    page.get_by_role("button", name="Submit for approval").click()

    coordinator.reload()
    coordinator.get_by_label("Also publish it on the public portal").check()
    coordinator.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_role("status")).to_have_text("The progress update is approved.")
    expect(coordinator.get_by_role("button", name="Unpublish")).to_be_visible()
    assert_accessible(coordinator)
    with Session(engine) as session:
        done = session.get(ProgressUpdate, update.id)
        assert done is not None and (done.state, done.published) == ("approved", True)


# A name as a scanner or a colleague writes it: no space for a line to break at.
LONG_NAME = "Informe_de_avance_del_plan_nacional_de_derechos_humanos_2025_version_final_revisada_firmada.pdf"


def test_a_long_file_name_breaks_rather_than_widening_the_page(
    browser: Browser, engine: Engine, server: str, action: tuple[int, int]
) -> None:
    """A file's name without spaces (95 characters, or the 200 kept) made the update's workspace page
    and the portal's action page scroll sideways on a laptop (2,700 px wide at 1,024), the Remove
    button off the screen: the name breaks within itself, where a table's words do not."""
    _justice, action_id = action
    with building(engine) as build:
        update = build.progress(action_id, "published", "Two workshops held.").id
        build.evidence(update, LONG_NAME, "application/pdf", 183204)
        build.evidence(update, "R" * 196 + ".pdf", "application/pdf", 1024)
        published = build.session.get(Action, action_id)
        assert published is not None
        published.published = True
    page = _context(browser, engine, server, "coordinator").new_page()
    for address in (f"/staff/progress/{update}", f"/actions/{action_id}"):
        page.goto(address)
        expect(page.get_by_role("link", name=LONG_NAME)).to_be_visible()
        for width in (1280, 1024, 768):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") == width, (address, width)
