"""The Imports page's UHRI import button, honest: a second click while the import the first started
has not yet taken the import lock said "started" again (the second run only logged as skipped), and
the button spoke of "the scheduled import" on a server that has no schedule (NRTD_IMPORT_SCHEDULE
empty: it imports NRTD_UHRI_URL only when started)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app import scheduler
from app.core.config import Settings
from tests.conftest import MakeApp
from tests.staff.conftest import _signer


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The import the button starts, held before it takes the import lock (as a download starts)."""
    release = threading.Event()

    def slow(settings: Settings) -> None:
        release.wait(10)

    monkeypatch.setattr(scheduler, "run_scheduled_import", slow)
    yield release
    release.set()
    for thread in threading.enumerate():
        if thread.name == "nrtd-import-now":
            thread.join(timeout=10)


def test_a_second_click_says_the_import_is_already_running(
    make_app: MakeApp, engine: Engine, held: threading.Event
) -> None:
    staff = _signer(lambda: make_app(), engine)("coordinator")
    first = staff.post("/staff/imports/run-scheduled")
    assert first.status_code == 303
    second = staff.post("/staff/imports/run-scheduled")
    assert second.status_code == 409
    assert "the UHRI import started from this page is still running" in second.text
    assert len([t for t in threading.enumerate() if t.name == "nrtd-import-now"]) == 1
    held.set()


def test_without_a_schedule_the_button_does_not_speak_of_one(
    make_app: MakeApp, engine: Engine, held: threading.Event
) -> None:
    staff = _signer(lambda: make_app(import_schedule=""), engine)("coordinator")
    page = staff.get("/staff/imports").text
    assert "Start the scheduled UHRI import now" not in page
    assert "Import the UHRI export now" in page
    assert "No import is scheduled (NRTD_IMPORT_SCHEDULE)" in page
    assert staff.post("/staff/imports/run-scheduled").headers["location"] == (
        "/staff/imports?done=uhri-import-started"
    )
    started = staff.get("/staff/imports?done=uhri-import-started").text
    assert "The UHRI import has started." in started
    assert "The scheduled UHRI import has started." not in started


def test_with_a_schedule_the_button_names_it(make_app: MakeApp, engine: Engine) -> None:
    staff = _signer(lambda: make_app(import_schedule="0 3 * * *"), engine)("coordinator")
    page = staff.get("/staff/imports").text
    assert "Start the scheduled UHRI import now" in page
    assert "No import is scheduled" not in page


def test_a_json_export_uploaded_is_sent_to_the_button_the_page_has(make_app: MakeApp, engine: Engine) -> None:
    """The UHRI JSON export uploaded as the search export (XLSX) was refused naming 'Start the
    scheduled UHRI import now', a button a server without a schedule does not show."""
    from tests.staff.import_support import upload

    staff = _signer(lambda: make_app(import_schedule=""), engine)("coordinator")
    answer = upload(staff, b'[\n {\n  "AnnotationId": "b57cfd85"', name="export-full-en.json")
    assert answer.status_code == 422
    shown = answer.text.replace("&#39;", "'")
    assert "Start the scheduled UHRI import now" not in shown
    assert (
        "this is a JSON document: the UHRI JSON export cannot be uploaded; the Imports page's UHRI "
        "import downloads it"
    ) in shown


def test_a_csv_uploaded_as_the_uhri_search_export_names_the_kinds_to_choose(
    make_app: MakeApp, engine: Engine
) -> None:
    """A CSV uploaded as the UHRI search export (XLSX) was refused naming `nrtd import upr-info` and
    `nrtd import csv`, commands a coordinator at the workspace does not run: the kinds of file to
    choose instead, in the page's words."""
    from tests.staff.import_support import upload

    staff = _signer(lambda: make_app(import_schedule=""), engine)("coordinator")
    answer = upload(staff, b"mechanism,text\r\nACHPR,Protect\r\n", name="export")
    assert answer.status_code == 422
    shown = answer.text.replace("&#39;", "'")
    assert "nrtd import" not in shown.split('id="error-file"', 1)[1].split("</p>", 1)[0]
    assert (
        "this is a CSV or other text file, not an XLSX workbook: choose 'UPR Info database (CSV)' or "
        "'Template of manual recommendations (CSV or Excel)' as the kind of file"
    ) in shown
