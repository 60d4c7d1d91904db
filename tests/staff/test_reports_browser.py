"""The coordinator gives the reports the State's own Word template in a real browser: a template
with a mistake is refused with the reason beside the field, a good one is saved and the Word report
follows it. axe-core checks the reports page in each state."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.builder import imported
from tests.factories import record
from tests.live_server import live_server
from tests.reports.word_templates import HEADING, document_xml, state_template
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("sqlite")]


def test_the_coordinator_uploads_the_states_word_template(
    browser: Browser, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    imported(engine, [record("crc-7", mechanism="CRC", symbol="CRC/C/PER/7")])
    broken = tmp_path / "broken.docx"
    broken.write_bytes(state_template(body=("{% if staff %}never closed",)))
    good = tmp_path / "lesotho.docx"
    good.write_bytes(state_template())
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)

    with live_server(settings) as base:
        context = signed_in(browser, base, secret)
        page = context.new_page()
        page.goto("/staff/reports")
        expect(page.get_by_role("heading", name="Word template")).to_be_visible()
        assert_accessible(page)

        page.get_by_label("Word template (.docx)").set_input_files(str(broken))
        page.get_by_role("button", name="Upload the template").click()
        expect(page.get_by_role("alert")).to_contain_text("template syntax error at line")
        expect(page.locator("#error-file")).to_contain_text("template syntax error")
        assert_accessible(page)
        screenshot(page, "reports-template-error")

        page.get_by_label("Word template (.docx)").set_input_files(str(good))
        page.get_by_role("button", name="Upload the template").click()
        expect(page.get_by_text("Word and PDF reports now follow it.")).to_be_visible()
        expect(page.locator(".report-template")).to_contain_text("lesotho.docx")
        assert_accessible(page)
        screenshot(page, "reports-template")

        with page.expect_download() as report:
            page.get_by_role("button", name="Download Word (DOCX)", exact=True).click()
        xml = document_xml(Path(report.value.path()).read_bytes())
        assert HEADING in xml and "CRC/C/PER/7" in xml

        page.get_by_role("button", name="Remove the State's template").click()
        page.get_by_role("button", name="Yes, remove the template").click()
        expect(page.get_by_text("Word and PDF reports follow the shipped one.")).to_be_visible()

        # The HTML report on a phone (320 px, WCAG's reflow width): its own style applies (the site's
        # policy forbids inline style), the page does not scroll sideways (the licence's long address
        # included), and a table scrolls in its own box at a readable width.
        page.set_viewport_size({"width": 320, "height": 740})
        page.goto("/staff/reports/implementation?format=html&lang=fr")
        table = page.get_by_role("table").first
        expect(table).to_have_css("border-collapse", "collapse")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert table.get_by_role("cell").first.bounding_box()["width"] >= 200  # type: ignore[index]
        assert_accessible(page)
        context.close()
