"""Files as people upload them on the Imports page, slightly wrong as real files are: the page says
what is wrong with the file, or imports it, never "The file is imported" having read nothing.
Committed mode, as tests/staff/test_import_uploads.py (uploads commit on connections of their own)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import MakeApp
from tests.importers.test_template_encoding import FRENCH_EXCEL, last_message, stored_texts
from tests.importers.test_template_xlsx import filled_template, stored
from tests.importers.test_uhri_xlsx import crc_row, write_xlsx
from tests.staff.conftest import StaffLogin, _signer
from tests.staff.import_support import NOT_DATA, runs, upload
from tests.uhri_records import snapshot

UPR_INFO_HEADER = b"To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
UPR_INFO = UPR_INFO_HEADER + b"Peru,GRULAC,,Ratify the OPCAT,Norway,WEOG,,Accepted,4,Torture,42\r\n"


@pytest.mark.parametrize(
    ("kind", "name"),
    [("uhri-xlsx", "search.xlsx"), ("upr-info-csv", "upr-info.csv"), ("csv-template", "manual.csv")],
)
def test_a_file_with_a_header_and_no_row_is_refused(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path, kind: str, name: str
) -> None:
    """An empty search exported, or rows filtered out before saving: the page said "The file is
    imported" over a run that read 0 records."""
    staff = committed_staff_login("coordinator")
    if kind == "uhri-xlsx":
        content = write_xlsx(tmp_path / name, []).read_bytes()
    elif kind == "upr-info-csv":
        content = UPR_INFO_HEADER + b",,,,,,,,,,\r\n"
    else:
        content = b"mechanism,text,countries\r\n"
    before = snapshot(engine, skip=(*NOT_DATA, "import_runs"))

    answer = upload(staff, content, kind=kind, name=name)

    assert answer.status_code == 422, answer.text
    assert "The file cannot be imported: the file holds no record: nothing was imported (a header row " in (
        answer.text
    )
    assert f'value="{kind}" checked' in answer.text
    # Nothing to import is nothing to do: no option of the command the page cannot give.
    assert "--allow-empty" not in answer.text
    # Recorded as a failed run, as the command records it; nothing else written.
    assert snapshot(engine, skip=(*NOT_DATA, "import_runs")) == before
    assert runs(engine) == [("failed", 0, 0)]


def test_the_run_keeps_the_accented_letters_of_the_files_name(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """The run names the file by its upload's name, made safe: every letter outside A-Z became a
    dash, so "Recomendaciones Perú (mayo).csv" was listed as "Recomendaciones-Per.csv"."""
    staff = committed_staff_login("coordinator")
    content = b"mechanism,text,countries\r\nIACHR,1. Adopt the plan.,Peru\r\n"

    answer = upload(staff, content, kind="csv-template", name="Recomendaciones Perú (mayo).csv")

    assert answer.status_code == 303, answer.text
    page = staff.get(answer.headers["location"]).text
    assert '<dd class="location">Recomendaciones-Perú-mayo.csv</dd>' in page
    # An old browser's full Windows path: the file's own name only.
    answer = upload(staff, content, kind="csv-template", name="C:\\Users\\ana\\Desktop\\Informe Pérou.csv")
    page = staff.get(answer.headers["location"]).text
    assert '<dd class="location">Informe-Pérou.csv</dd>' in page
    # A double quote, which browsers send as %22: the run named "Plan-22-2025-22.csv".
    answer = upload(staff, content, kind="csv-template", name='Plan "2025".csv')
    page = staff.get(answer.headers["location"]).text
    assert '<dd class="location">Plan-2025.csv</dd>' in page


@pytest.mark.parametrize("kind", ["uhri-xlsx", "upr-info-csv"])
def test_a_server_tracking_no_state_says_so_in_the_pages_terms(
    make_app: MakeApp, engine: Engine, tmp_path: Path, kind: str
) -> None:
    """Without NRTD_COUNTRY the page told the coordinator to "set NRTD_COUNTRY or pass --country (or
    --all-countries to import every State)", options of a command they do not run."""
    staff = _signer(lambda: make_app(country=""), engine)("coordinator")
    content = write_xlsx(tmp_path / "s.xlsx", [crc_row()]).read_bytes() if kind == "uhri-xlsx" else UPR_INFO
    before = snapshot(engine, skip=NOT_DATA)

    answer = upload(staff, content, kind=kind, name="file")

    assert answer.status_code == 422, answer.text
    assert "this server tracks no State (NRTD_COUNTRY is empty)" in answer.text
    assert "--country" not in answer.text and "--all-countries" not in answer.text
    assert snapshot(engine, skip=NOT_DATA) == before
    # The template keeps every row of such a server: it is imported.
    template = upload(staff, b"mechanism,text\r\nIACHR,1. Adopt the plan.\r\n", kind="csv-template")
    assert template.status_code == 303, template.text


def test_the_upload_page_imports_a_workbook_as_the_template(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    staff = committed_staff_login("coordinator")
    content = filled_template(tmp_path).read_bytes()

    answer = upload(staff, content, kind="csv-template", name="Recomendaciones.xlsx")

    assert answer.status_code == 303, answer.text
    assert stored(engine)["IACHR-1"] == (date(2024, 2, 1), 42)


def test_the_upload_page_reads_a_template_saved_by_a_french_excel(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """French Excel's default CSV is Windows-1252: the page said the file could not be imported."""
    staff = committed_staff_login("coordinator")

    answer = upload(staff, FRENCH_EXCEL, kind="csv-template", name="recommandations.csv")

    assert answer.status_code == 303, answer.text
    assert stored_texts(engine)["CIDH-2"] == "Garantizar la educación de las niñas"
    assert "read as Windows-1252" in last_message(engine)


@pytest.mark.parametrize("kind", ["uhri-xlsx", "upr-info-csv", "csv-template"])
def test_an_empty_file_is_refused_and_the_refusal_listed_among_the_runs(
    committed_staff_login: StaffLogin, engine: Engine, kind: str
) -> None:
    """A file of 0 bytes (a save that failed, the wrong file picked) left no run: nobody could see
    later that it was tried, nor why it was refused."""
    staff = committed_staff_login("coordinator")

    answer = upload(staff, b"", kind=kind, name="empty.csv")

    assert answer.status_code == 422, answer.text
    assert "The file cannot be imported: " in answer.text
    assert runs(engine) == [("failed", 0, 0)]
    listing = staff.get("/staff/imports?outcome=failed").text
    assert "Import runs found: 1" in listing
    run_id = listing.split('<th scope="row"><a href="/staff/imports/')[1].split('"')[0]
    assert f'<a href="/staff/imports/{run_id}">Run {run_id}</a>' in answer.text  # the form links to it
    page = staff.get(f"/staff/imports/{run_id}").text
    assert "empty" in page  # the reason, on the run's page


def test_the_run_names_the_file_by_the_suffix_it_was_uploaded_with(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    """The run listed the file under the kind's suffix, not the upload's: a workbook uploaded as the
    template was "Recomendaciones.csv", Excel's "Unicode Text" of a UPR Info export "upr-info.csv",
    names of files the coordinator never had. Where the kind reads the upload's suffix, it is kept."""
    staff = committed_staff_login("coordinator")

    answer = upload(
        staff, filled_template(tmp_path).read_bytes(), kind="csv-template", name="Recomendaciones.xlsx"
    )
    assert answer.status_code == 303, answer.text
    assert '<dd class="location">Recomendaciones.xlsx</dd>' in staff.get(answer.headers["location"]).text

    unicode_text = UPR_INFO.decode().replace(",", "\t").encode("utf-16")
    answer = upload(staff, unicode_text, kind="upr-info-csv", name="upr-info.txt")
    assert answer.status_code == 303, answer.text
    assert '<dd class="location">upr-info.txt</dd>' in staff.get(answer.headers["location"]).text

    # A suffix the kind does not read is the kind's own, as before.
    answer = upload(staff, UPR_INFO, kind="upr-info-csv", name="upr-info.dat")
    assert answer.status_code == 303, answer.text
    assert '<dd class="location">upr-info.csv</dd>' in staff.get(answer.headers["location"]).text


def test_a_template_run_names_the_state_the_server_tracks(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """The template's run on Peru's server (its rows about other States rejected) said "State: every
    State" on its page; the API said "country": null."""
    staff = committed_staff_login("coordinator")
    answer = upload(
        staff, b"mechanism,text,countries\r\nIACHR,1. Adopt the plan.,Peru\r\n", kind="csv-template"
    )
    assert answer.status_code == 303, answer.text
    page = staff.get(answer.headers["location"]).text
    assert "<dt>State</dt><dd>Peru</dd>" in page and "every State" not in page
