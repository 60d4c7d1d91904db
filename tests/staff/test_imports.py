"""The Imports pages: who may open them (ROUTES), the runs list, a run's page, the CSV template's
download and the pages in French. Uploading a file: test_import_uploads.py (and
test_import_upload_files.py); the scheduled import started now: test_import_now.py. Uploads commit on
connections of their own: these tests are in committed mode (``committed_staff_login``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert

from app.models import ImportRun
from tests import accounts
from tests.importers.test_uhri_xlsx import crc_row
from tests.staff.conftest import StaffLogin
from tests.staff.import_support import upload, workbook

ROUTES = """
GET    /staff/imports                  200 200 200 403 303
GET    /staff/imports/{id}             200 200 200 403 303
GET    /staff/imports/template.csv     200 200 200 403 303
POST   /staff/imports/upload           422 422 403 403 303
POST   /staff/imports/run-scheduled    303 303 403 403 303
"""


def test_the_runs_list_pages_by_keyset_and_filters(committed_staff_login: StaffLogin, engine: Engine) -> None:
    started = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(ImportRun),
            [
                {
                    "source": "uhri" if n % 2 else "manual",
                    "format": "json",
                    "location": f"export-{n}.json",
                    "languages": "en",
                    "full_export": False,
                    "started_at": started,
                    "finished_at": started,
                    "outcome": "succeeded",
                }
                for n in range(1, 56)
            ],
        )
    staff = committed_staff_login("focal_point", entity_id=accounts.create_entity(engine, "Ministry"))
    first = staff.get("/staff/imports")
    assert first.status_code == 200
    assert "Import runs found: 55" in first.text
    assert first.text.count('<th scope="row"><a href="/staff/imports/') == 50
    assert "Upload and import" not in first.text  # a focal point gets no form they would be refused
    older = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = staff.get(older)
    assert second.text.count('<th scope="row"><a href="/staff/imports/') == 5
    manual = staff.get("/staff/imports?source=manual")
    assert "Import runs found: 27" in manual.text
    assert staff.get("/staff/imports?outcome=exploded").status_code == 422


def test_a_bad_filter_of_the_runs_list_is_named_on_the_list(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    """A refused filter or page of the runs list gave an error page naming "outcome" and "cursor" as
    the address spells them: the list again (without them), each named by its box, its box marked."""
    with engine.begin() as conn:
        at = datetime(2025, 1, 1, tzinfo=UTC)
        conn.execute(
            insert(ImportRun),
            [
                {
                    "source": "uhri",
                    "format": "json",
                    "location": "export.json",
                    "languages": "en",
                    "full_export": False,
                    "started_at": at,
                    "finished_at": at,
                    "outcome": "succeeded",
                }
            ],
        )
    staff = committed_staff_login("coordinator")
    page = staff.get("/staff/imports", params={"source": "uhri", "outcome": "exploded", "cursor": "bad"})
    assert page.status_code == 422
    summary = page.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#field-outcome">Outcome: ' in summary and '<a href="#runs-title">Page: ' in summary
    assert 'id="field-outcome"' in page.text and "Import runs found: 1" in page.text
    assert '<option value="uhri" selected>' in page.text  # the valid filter kept
    french = staff.get("/staff/imports", params={"outcome": "exploded", "lang": "fr"})
    assert '<a href="#field-outcome">Résultat' in french.text


def test_the_template_downloads_with_the_staff_session_and_the_page_speaks_french(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    coordinator = committed_staff_login("coordinator")
    location = upload(coordinator, workbook(tmp_path, [crc_row()])).headers["location"].split("?")[0]
    page = coordinator.get("/staff/imports?lang=fr").text
    # The State as French names it ("Peru" was English), on the list and on the run's page.
    assert "seuls les enregistrements concernant Pérou sont conservés" in page
    assert "<dd>Pérou</dd>" in coordinator.get(f"{location}?lang=fr").text
    # The link works with the session a browser has (the API's route needs a token).
    link = page.split("download>")[0].rsplit('href="', 1)[1].split('"')[0]
    template = coordinator.get(link)
    assert template.status_code == 200 and template.headers["content-type"].startswith("text/csv")
    assert template.headers["content-disposition"].startswith("attachment;")
    assert template.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with its byte-order mark, for spreadsheets
    # The runs' outcomes and the kinds of file in the page's language.
    assert ">réussi<" in page and ">succeeded<" not in page
    # A count of records, not a date: "Créés", not "Créé le".
    assert '<th scope="col" class="numeric">Créés</th>' in page
    # A filter value refused is named in the page's language too.
    refused = coordinator.get("/staff/imports?source=bogus&lang=fr")
    assert refused.status_code == 422
    assert "Choisissez l’une des options." in refused.text and "Choose one of the options" not in refused.text  # noqa: RUF001


def test_a_run_page_for_each_staff_role_and_a_missing_run(
    committed_staff_login: StaffLogin, engine: Engine, tmp_path: Path
) -> None:
    coordinator = committed_staff_login("coordinator")
    location = upload(coordinator, workbook(tmp_path, [crc_row()])).headers["location"].split("?")[0]
    entity = accounts.create_entity(engine, "Ministry")
    assert committed_staff_login("admin").get(location).status_code == 200
    focal = committed_staff_login("focal_point", entity_id=entity).get(location)
    assert focal.status_code == 200 and "This run rejected no record." in focal.text
    assert "nrtd-upload-" not in focal.text  # a focal point sees the file's name only
    assert committed_staff_login("reader").get(location).status_code == 403
    missing = coordinator.get("/staff/imports/999999")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_the_template_is_named_for_both_its_files(committed_staff_login: StaffLogin) -> None:
    """The kind of file the template is read from is a CSV file or an Excel workbook (.xlsx, what
    Excel's Save writes): the page named it "CSV template of manual recommendations", as if a workbook
    had to be saved as CSV first."""
    page = committed_staff_login("coordinator").get("/staff/imports").text
    assert "Template of manual recommendations (CSV or Excel)" in page
    assert "CSV template of manual recommendations" not in page
    assert ">Manual</option>" in page  # the runs' source, in the filter


def test_the_runs_list_tells_a_template_workbook_from_a_uhri_export(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    started = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for source, fmt in (("manual", "template-xlsx"), ("manual", "xlsx"), ("uhri", "xlsx")):
            conn.execute(
                insert(ImportRun).values(
                    source=source,
                    format=fmt,
                    location="file.xlsx",
                    languages="en",
                    full_export=False,
                    started_at=started,
                    outcome="succeeded",
                )
            )
    page = committed_staff_login("coordinator").get("/staff/imports").text
    # An old run of the template's workbook (stored as "xlsx") reads as one too.
    assert page.count("<td>Manual, Excel workbook</td>") == 2
    assert page.count("<td>UHRI, XLSX search export</td>") == 1


def test_the_menu_and_the_imports_page_name_imports_alike_in_french(staff_login: StaffLogin) -> None:
    """The French menu said « Importations » where the page's own labels say « Imports » (its runs:
    « Imports trouvés », « Imports les plus récents »): one word for both."""
    page = staff_login("coordinator").get("/staff/imports?lang=fr").text
    assert '<a href="/staff/imports" aria-current="page">Imports</a>' in page
    assert "<h1>Imports</h1>" in page and "Importations" not in page
