"""The scheduled UHRI import, started now from the Imports page: in the background, or refused on
the page (another import running, no State, several languages from one file)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.import_runs.lock import import_lock
from tests.conftest import MakeApp
from tests.fake_uhri import FakeUhri, fake_uhri
from tests.staff.conftest import _signer
from tests.staff.import_support import runs
from tests.uhri_records import uhri_record, write_export


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeUhri]:
    with fake_uhri(tmp_path / "export-results") as running:
        yield running


def _import_now_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "nrtd-import-now"]


@pytest.mark.slow
def test_the_scheduled_import_starts_now_in_the_background(
    make_app: MakeApp, engine: Engine, server: FakeUhri
) -> None:
    write_export(server.directory / "export-full-en.json", [uhri_record(1), uhri_record(2)])
    app = lambda: make_app(  # noqa: E731
        uhri_url=server.url("export-full-{lang}.json"), http_timeout=2.0, http_retries=0
    )
    staff = _signer(app, engine)("coordinator")

    answer = staff.post("/staff/imports/run-scheduled")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/imports?done=uhri-import-started"  # no schedule set
    for thread in _import_now_threads():
        thread.join(timeout=30)
    assert runs(engine) == [("succeeded", 2, 0)]
    page = staff.get("/staff/imports?done=uhri-import-started")
    assert "The UHRI import has started." in page.text
    assert "Run " in page.text


def test_the_scheduled_import_is_not_started_while_another_runs(
    make_app: MakeApp, engine: Engine, server: FakeUhri
) -> None:
    app = lambda: make_app(uhri_url=server.url("export-full-{lang}.json"))  # noqa: E731
    staff = _signer(app, engine)("admin")
    with import_lock(engine, ttl_seconds=60):
        answer = staff.post("/staff/imports/run-scheduled")
    assert answer.status_code == 409
    assert "another import is running" in answer.text
    with import_lock(engine, ttl_seconds=60):
        french = staff.post("/staff/imports/run-scheduled?lang=fr")
    assert "une autre importation est en cours" in french.text and "another import" not in french.text
    assert _import_now_threads() == []
    assert server.request_count() == 0
    assert runs(engine) == []


def test_the_scheduled_import_needs_a_state(make_app: MakeApp, engine: Engine, server: FakeUhri) -> None:
    app = lambda: make_app(uhri_url=server.url("export-full-{lang}.json"), country="")  # noqa: E731
    answer = _signer(app, engine)("coordinator").post("/staff/imports/run-scheduled")
    assert answer.status_code == 422
    assert "NRTD_COUNTRY" in answer.text
    french = _signer(app, engine)("coordinator").post("/staff/imports/run-scheduled?lang=fr")
    assert "aucun pays à importer" in french.text and "no country" not in french.text
    assert _import_now_threads() == [] and server.request_count() == 0


def test_the_scheduled_import_of_several_languages_from_one_file_is_refused_on_the_page(
    make_app: MakeApp, engine: Engine, server: FakeUhri
) -> None:
    # Else the thread would refuse it unseen: no run listed, nothing said.
    app = lambda: make_app(uhri_url=server.url("export-full-en.json"), uhri_languages="en,fr")  # noqa: E731
    answer = _signer(app, engine)("coordinator").post("/staff/imports/run-scheduled")
    assert answer.status_code == 422
    assert "NRTD_UHRI_LANGUAGES names en,fr but NRTD_UHRI_URL holds no {lang}" in answer.text
    assert _import_now_threads() == [] and server.request_count() == 0
