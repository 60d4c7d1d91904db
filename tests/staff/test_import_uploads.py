"""Uploading a file on the Imports page: a file imported through the CLI's import, the files refused
(and in the page's language), who may upload, the size limit, and an import already running.
Uploads commit on connections of their own: these tests are in committed mode
(``committed_staff_login``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.import_runs.lock import import_lock
from app.models import ImportRun, Recommendation
from tests import accounts
from tests.cli_runner import run_cli
from tests.conftest import MakeApp
from tests.importers.test_uhri_xlsx import crc_row, upr_row
from tests.staff.conftest import StaffLogin, _signer, assert_refusal_reaches_its_fields
from tests.staff.import_support import NOT_DATA, runs, upload, workbook
from tests.uhri_records import snapshot

BAD_DATE = "Document Publication Date: -3 is not an Excel date serial number"


def recommendations(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Recommendation)).scalar_one()


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_an_uploaded_xlsx_is_imported_and_its_rejected_row_listed(
    role: str, committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    staff = committed_staff_login(role)
    content = workbook(tmp_path, [crc_row(), upr_row(**{"Document Publication Date": -3})])

    answer = upload(staff, content, name="Peru export (May).xlsx")

    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/staff/imports/") and location.endswith("?done=import-finished")
    assert runs(engine) == [("succeeded", 1, 1)]
    assert recommendations(engine) == 1
    page = staff.get(location)
    assert page.status_code == 200
    assert "The file is imported." in page.text
    assert "row 3" in page.text and BAD_DATE in page.text
    assert "a9ceae8c-fe1c-40f9-a326-1529e0ab678f" in page.text  # the rejected row's annotation id
    assert "Peru-export-May.xlsx" in page.text  # the upload's own name, made safe
    # ... and alone: not the temporary file it was spooled to, gone after the run.
    assert '<dd class="location">Peru-export-May.xlsx</dd>' in page.text
    with engine.connect() as conn:
        assert conn.execute(select(ImportRun.location)).scalar_one() == "Peru-export-May.xlsx"
    # The runs list shows the run and its counts, rejected linking to the list.
    listing = staff.get("/staff/imports")
    assert f'href="{location.split("?")[0]}#rejected">1</a>' in listing.text


PDF = b"%PDF-1.4 this is a report, not an export"


def test_a_file_that_is_no_spreadsheet_is_refused_and_recorded_as_a_failed_run(
    committed_staff_login: StaffLogin, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """A refused upload left no run: the coordinator could not see later what was tried and why it was
    refused, where ``nrtd import`` records the same file as a failed run. It is now recorded as the
    command records it; nothing else is written."""
    staff = committed_staff_login("coordinator")
    before = snapshot(engine, skip=(*NOT_DATA, "import_runs"))

    answer = upload(staff, PDF, name="report.pdf")

    assert answer.status_code == 422
    assert "There is a problem" in answer.text
    assert "The file cannot be imported: not an XLSX spreadsheet" in answer.text
    assert 'value="uhri-xlsx" checked' in answer.text  # what was chosen stays chosen
    assert snapshot(engine, skip=(*NOT_DATA, "import_runs")) == before  # only the run is written
    ((run_id, source, fmt, location, message),) = refused_runs(engine)
    assert (source, fmt, location) == ("uhri", "xlsx", "report.xlsx")
    assert message.startswith("input rejected: not an XLSX spreadsheet")
    # The page links to the run, which the runs list shows failed, and its page gives the reason.
    assert f'<a href="/staff/imports/{run_id}">' in answer.text
    listing = staff.get("/staff/imports?outcome=failed").text
    assert f'href="/staff/imports/{run_id}">Run {run_id}</a>' in listing
    run_page = staff.get(f"/staff/imports/{run_id}").text
    assert "not an XLSX spreadsheet" in run_page and "outcome-failed" in run_page
    # The API lists it so, as it lists the command's run of the same file, with the same reason.
    api = staff.get(f"/api/v1/import-runs/{run_id}", headers=accounts.headers_for(engine, "coordinator"))
    assert api.status_code == 200 and api.json()["outcome"] == "failed"
    assert api.json()["message"] == message
    path = tmp_path / "report.xlsx"
    path.write_bytes(PDF)
    cli_env = {"NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": "Peru"}
    result = run_cli(["import", "uhri", str(path)], env=cli_env)
    assert result.returncode == 1, result.stderr
    (_upload, (_cli_id, *cli_run)) = refused_runs(engine)
    assert cli_run == [source, fmt, str(path), message]


def refused_runs(engine: Engine) -> list[tuple[int, str, str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ImportRun.id, ImportRun.source, ImportRun.format, ImportRun.location, ImportRun.message)
            .where(ImportRun.outcome == "failed")
            .order_by(ImportRun.id)
        )
        return [(run_id, source, fmt, where, message or "") for run_id, source, fmt, where, message in rows]


def test_a_csv_with_the_wrong_columns_is_refused_as_the_template(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    staff = committed_staff_login("coordinator")
    answer = upload(staff, b"name,age\nAna,3\n", kind="csv-template", name="people.csv")
    assert answer.status_code == 422
    assert "The file cannot be imported:" in answer.text
    assert runs(engine) == [("failed", 0, 0)]  # recorded, as `nrtd import csv` records it
    # On a French page, the sentence is French (the reason too, once the catalogue has its message:
    # app/feed/refusals.py); the columns the reader found are named as the file names them.
    french = upload(
        staff, b"name,age\nAna,3\n", kind="csv-template", name="people.csv", headers={"Accept-Language": "fr"}
    )
    assert "Impossible d’importer le fichier : " in french.text  # noqa: RUF001
    assert "&#39;name&#39;, &#39;age&#39;" in french.text
    # A UPR Info export chosen as the template is named, with the kind to choose instead.
    sample = Path(__file__).resolve().parents[2] / "app" / "data" / "sample" / "upr-info-peru.csv"
    answer = upload(staff, sample.read_bytes(), kind="csv-template", name="upr-info.csv")
    assert answer.status_code == 422
    assert "this is a UPR Info database export, not the template of manual recommendations" in answer.text
    assert "(in the staff workspace: &#39;UPR Info database (CSV)&#39;)" in answer.text
    assert runs(engine) == [("failed", 0, 0)] * 3


def test_a_broken_csv_is_refused_in_the_page_s_language(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """The import writes its refusals in English (stored, and answered so by the API); the French page
    reads them back into their messages and says them in French where the catalogue has them."""
    staff = committed_staff_login("coordinator")
    header = b"external_id,mechanism,type,text,language,countries\n"
    never_closed = header + b'x1,ACHPR,recommendation,"Ensure access,en,Peru\n'
    french = upload(staff, never_closed, kind="csv-template", name="t.csv", headers={"Accept-Language": "fr"})
    assert french.status_code == 422
    assert (
        "Impossible d’importer le fichier : fichier CSV non valide : ligne 2 : une cellule entre "  # noqa: RUF001
        "guillemets n’est jamais fermée"  # noqa: RUF001
    ) in french.text
    assert runs(engine) == [("failed", 0, 0)]
    # A fault further down fails the run: its page says why, in French too, and the run keeps English.
    good = b"".join(b"x%d,ACHPR,recommendation,Ensure access,en,Peru\n" % n for n in (1, 2, 3))
    failing = header + good + b'x4,ACHPR,recommendation,"Ensure access,en,Peru\n'
    answer = upload(staff, failing, kind="csv-template", name="t.csv")
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"].split("?")[0]
    page = staff.get(location, headers={"Accept-Language": "fr"}).text
    assert "fichier CSV non valide : ligne 5 : une cellule entre guillemets" in page
    assert "not a valid CSV file" not in page
    with engine.connect() as conn:
        message = conn.execute(select(ImportRun.message).order_by(ImportRun.id.desc()).limit(1)).scalar_one()
    assert message is not None
    assert message.startswith("input rejected: not a valid CSV file: row 5: a quoted cell is never closed")
    assert "not a valid CSV file: row 5" in staff.get(location).text  # an English page reads it as stored


def test_a_upr_info_csv_is_imported(committed_staff_login: StaffLogin, engine: Engine) -> None:
    staff = committed_staff_login("coordinator")
    sample = Path(__file__).resolve().parents[2] / "app" / "data" / "sample" / "upr-info-peru.csv"
    answer = upload(staff, sample.read_bytes(), kind="upr-info-csv", name="upr-info.csv")
    assert answer.status_code == 303, answer.text
    ((outcome, created, _rejected),) = runs(engine)
    assert outcome == "succeeded" and created == 11
    # The sample is Windows-1252, which the import had to guess: the run's page says so, as the
    # command's summary line does, so that garbled accents can be told and fixed.
    page = staff.get(answer.headers["location"])
    assert "it was read as Windows-1252 (its accented letters read as Windows-1252)" in page.text
    assert "save it as &#39;CSV UTF-8&#39; and import it again" in page.text
    assert "--encoding" not in page.text  # an option of the command, which the page has not


def test_a_file_about_another_state_fails_saying_so_in_the_pages_terms(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """Every row about Chile on Peru's server: the run fails, writing nothing. Its page told the
    coordinator to "check --country or NRTD_COUNTRY ..., or pass --allow-empty", options of a command
    they do not run."""
    staff = committed_staff_login("coordinator")
    sample = Path(__file__).resolve().parents[2] / "app" / "data" / "sample" / "upr-info-peru.csv"
    chile = sample.read_bytes().replace(b"\rPeru,", b"\rChile,")
    answer = upload(staff, chile, kind="upr-info-csv", name="upr-info.csv")
    assert answer.status_code == 303, answer.text
    page = staff.get(answer.headers["location"]).text
    assert (
        "none of the 11 records read concerns Peru, the State imported: the file is about other States, "
        "or is not the file meant; nothing was imported"
    ) in page
    # Options of a command the coordinator does not run (`nrtd import ... --allow-empty`, --country).
    assert "check --country" not in page and "--allow-empty" not in page and "--country" not in page
    assert runs(engine) == [("failed", 0, 0)]


def test_excels_unicode_text_is_offered_and_imported(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """Excel saves "Unicode Text" (UTF-16, tab-separated) as a .txt file, which both CSV imports read:
    the file chooser offered only .xlsx and .csv files, so the user could not pick it."""
    staff = committed_staff_login("coordinator")
    content = "mechanism\ttext\r\nACHPR\tProtéger les défenseurs\r\n".encode("utf-16")
    answer = upload(staff, content, kind="csv-template", name="recommendations.txt")
    assert answer.status_code == 303, answer.text
    assert runs(engine) == [("succeeded", 1, 0)]


def test_the_file_chooser_offers_a_download_saved_without_extension(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """The server reads a file by its bytes, not its name: the chooser's filter (accept=".xlsx,.csv,...")
    hid a download saved without extension, and a .txt file in a browser that maps no type to it. It
    filters nothing now; the hint names the formats read."""
    staff = committed_staff_login("coordinator")
    page = staff.get("/staff/imports").text
    field = re.search(r'<input id="field-file" name="file" type="file"[^>]*>', page)
    assert field is not None and "accept=" not in field.group(0)
    assert "An Excel workbook (.xlsx) or a CSV or tab-separated text file" in page
    content = b"mechanism,text\r\nACHPR,Protect human rights defenders\r\n"
    answer = upload(staff, content, kind="csv-template", name="export")
    assert answer.status_code == 303, answer.text
    assert runs(engine) == [("succeeded", 1, 0)]


def test_missing_kind_and_file_are_named(committed_staff_login: StaffLogin, engine: Engine) -> None:
    staff = committed_staff_login("coordinator")
    # Sign-out, upload and "start now": each form carries the session's token.
    assert staff.get("/staff/imports").text.count(f'name="csrf_token" value="{staff.csrf}"') == 3
    answer = staff.post("/staff/imports/upload", {"kind": "spreadsheet"})
    assert answer.status_code == 422
    assert 'href="#field-kind">Kind of file: Choose what kind of file this is.' in answer.text
    assert 'href="#field-file">File: Choose a file to upload.' in answer.text
    assert_refusal_reaches_its_fields(answer.text)
    assert runs(engine) == []


def test_without_the_csrf_token_nothing_is_imported(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    staff = committed_staff_login("coordinator")
    other = committed_staff_login("coordinator")
    before = snapshot(engine, skip=NOT_DATA)
    answer = upload(staff, workbook(tmp_path, [crc_row()]), csrf="")
    assert answer.status_code == 403
    assert "security token" in answer.text
    assert upload(staff, workbook(tmp_path, [crc_row()]), csrf=other.csrf).status_code == 403
    assert snapshot(engine, skip=NOT_DATA) == before


@pytest.mark.parametrize("role", ["focal_point", "reader"])
def test_only_managers_upload(
    role: str, committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    entity = accounts.create_entity(engine, "Ministry of uploads")
    staff = committed_staff_login(role, entity_id=entity if role == "focal_point" else None)
    assert upload(staff, workbook(tmp_path, [crc_row()])).status_code == 403
    assert staff.post("/staff/imports/run-scheduled").status_code == 403
    assert runs(engine) == []


def test_a_file_over_the_limit_is_a_413_page(make_app: MakeApp, engine: Engine, tmp_path: Path) -> None:
    staff = _signer(lambda: make_app(upload_max_bytes=2048), engine)("coordinator")
    before = snapshot(engine, skip=NOT_DATA)
    # Over the file limit, within the body's allowance for the form around it: the route refuses it.
    just_over = upload(staff, b"x" * 3000)
    # Far over: refused while the body is read, before the route runs.
    far_over = upload(staff, b"x" * 200_000)
    for answer in (just_over, far_over):
        assert answer.status_code == 413
        assert answer.headers["content-type"].startswith("text/html")
        assert "The file is too large" in answer.text
        assert "The file is larger than 2 KB, the largest upload this server accepts." in answer.text
        # What to do about it, not only what happened.
        assert (
            "Split it into smaller files and upload each, or ask an administrator to import it on the "
            "server with nrtd import." in answer.text
        )
    assert snapshot(engine, skip=NOT_DATA) == before
    # The limit written the page's way: "2 Ko" in French, a decimal comma for a limit of 1.5 MB.
    assert "2 Ko au maximum." in staff.get("/staff/imports?lang=fr").text
    larger = _signer(lambda: make_app(upload_max_bytes=1_572_864), engine)("coordinator")
    assert re.search(r"1,5 M[Bo] au maximum\.", larger.get("/staff/imports?lang=fr").text)
    # Other routes keep NRTD_MAX_REQUEST_BYTES (1 MB): the upload's allowance is its route's only.
    assert staff.post("/staff/password", {"current_password": "x" * 1_100_000}).status_code == 413


def test_an_upload_while_another_import_runs_is_refused(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    staff = committed_staff_login("coordinator")
    content = workbook(tmp_path, [crc_row()])
    with import_lock(engine, ttl_seconds=60):
        answer = upload(staff, content)
        assert "An import is running now" in staff.get("/staff/imports").text
    assert answer.status_code == 409
    assert "another import is running" in answer.text
    with import_lock(engine, ttl_seconds=60):
        french = staff.post("/staff/imports/run-scheduled?lang=fr")
    assert "une autre importation est en cours" in french.text and "another import" not in french.text
    assert runs(engine) == []


def test_a_file_whose_every_row_is_rejected_is_not_said_imported(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """Every row of a template rejected (its dates retyped by a spreadsheet): the page said "The file
    is imported", while nothing of it was. It now says that no record was imported, and why to look
    below; a file imported in part is still "imported"."""
    staff = committed_staff_login("coordinator")
    rows = (
        b"mechanism,text,publication_date\r\nIACHR,Adopt a law,10/05/2023\r\nIACHR,Ratify it,11/05/2023\r\n"
    )

    answer = upload(staff, rows, kind="csv-template", name="regional.csv")

    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.endswith("?done=import-all-rejected")
    assert runs(engine) == [("succeeded", 0, 2)]
    page = staff.get(location)
    assert "The file is imported." not in page.text
    assert "No record of the file was imported: every one was rejected." in page.text
    assert "row 3" in page.text
