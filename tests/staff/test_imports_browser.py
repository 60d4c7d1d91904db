"""The coordinator's journey through a real browser: upload a UHRI XLSX with a bad row and see it
rejected with its position and reason, then download the reports with the list's filters. axe-core
checks every page of the Imports and Reports areas."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.builder import imported
from tests.factories import record
from tests.importers.test_uhri_xlsx import crc_row, upr_row, write_xlsx
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]

BAD_DATE = "Document Publication Date: -3 is not an Excel date serial number"


def test_the_coordinator_uploads_an_xlsx_and_sees_its_rejected_rows(
    browser: Browser, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    imported(engine, [record("crc-9", mechanism="CRC", symbol="CRC/C/PER/9")])
    export = write_xlsx(
        tmp_path / "peru-export.xlsx", [crc_row(), upr_row(**{"Document Publication Date": -3})]
    )
    not_a_spreadsheet = tmp_path / "minutes.xlsx"
    not_a_spreadsheet.write_text("Minutes of the meeting, not an export.")
    user = accounts.create_user(engine, "coordinator@example.org", "coordinator")
    secret, _csrf = accounts.issue_session(engine, user)

    with live_server(settings) as base:
        context = signed_in(browser, base, secret)
        page = context.new_page()

        page.goto("/staff/imports")
        expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
        assert_accessible(page)

        # A file that is no spreadsheet: the page says why, and nothing is imported.
        page.get_by_label("UHRI search export (XLSX)").check()
        page.get_by_label("File", exact=True).set_input_files(str(not_a_spreadsheet))
        page.get_by_role("button", name="Upload and import").click()
        expect(page.get_by_role("alert")).to_contain_text("not an XLSX spreadsheet")
        expect(page.get_by_label("UHRI search export (XLSX)")).to_be_checked()
        assert_accessible(page)
        screenshot(page, "imports-upload-error")

        # The export: one row imported, one rejected, listed with its row and reason.
        page.get_by_label("File", exact=True).set_input_files(str(export))
        page.get_by_role("button", name="Upload and import").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Import run")
        rejected = page.get_by_role("table").filter(has_text="Position in the file")
        expect(rejected.get_by_role("row").nth(1)).to_contain_text("row 3")
        expect(rejected).to_contain_text(BAD_DATE)
        assert_accessible(page)
        screenshot(page, "imports-run")

        page.get_by_role("link", name="All import runs").click()
        expect(page.get_by_role("table")).to_contain_text("succeeded")
        assert_accessible(page)
        screenshot(page, "imports-list")

        # Reports, with a filter of the recommendation list carried over, and a download.
        page.goto("/staff/reports?mechanism=CRC")
        expect(page.get_by_role("heading", name="Reports and exports")).to_be_visible()
        assert_accessible(page)
        screenshot(page, "reports")
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel (XLSX)").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        with page.expect_download() as report:
            page.get_by_role("button", name="Download Word (DOCX)", exact=True).click()
        assert report.value.suggested_filename.endswith(".docx")
        context.close()
