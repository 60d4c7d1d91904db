"""Reports and exports: every format of the API, downloaded with the session cookie, with the
recommendation list's filters carried over. The exports stream on connections of their own, so the
tests that read their content are in committed mode."""

from __future__ import annotations

import html
import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.core.time_zone import local_today
from app.exports.writers import XLSX_MEDIA_TYPE
from app.models import Recommendation
from app.models.local import RecommendationLocal
from app.reports import download
from app.reports.formats import DOCX
from tests import accounts
from tests.builder import building, imported
from tests.factories import import_records, record
from tests.reports.conftest import assert_own_style_applies
from tests.reports.word_templates import HEADING, document_xml, state_template
from tests.staff.conftest import StaffClient, StaffLogin

ROUTES = """
GET    /staff/reports                          200 200 200 403 303
GET    /staff/reports/implementation           200 200 200 403 303
GET    /staff/reports/public                   200 200 200 403 303
GET    /staff/reports/recommendations.csv      200 200 200 403 303
GET    /staff/reports/recommendations.xlsx     200 200 200 403 303
GET    /staff/reports/recommendations.json     200 200 200 403 303
GET    /staff/reports/statistics.json          200 200 200 403 303
GET    /staff/reports/template.docx            200 200 200 403 303
POST   /staff/reports/template                 422 422 403 403 303
POST   /staff/reports/template/remove          404 404 403 403 303
"""

DOWNLOADS = {
    "/staff/reports/recommendations.csv": "text/csv",
    "/staff/reports/recommendations.csv?format=template": "text/csv",
    "/staff/reports/recommendations.xlsx": XLSX_MEDIA_TYPE,
    "/staff/reports/recommendations.json": "application/json",
    "/staff/reports/statistics.json": "application/json",
    "/staff/reports/implementation?format=docx": DOCX,
    "/staff/reports/implementation?format=xlsx": XLSX_MEDIA_TYPE,
    "/staff/reports/public?format=docx": DOCX,
    "/staff/reports/template.docx": DOCX,
}


def two_recommendations(engine: Engine) -> dict[str, int]:
    ids = imported(
        engine,
        [
            record(
                "crc-1", "<p>1. Protect children from violence.</p>", mechanism="CRC", symbol="CRC/C/PER/1"
            ),
            record("cat-1", "<p>2. Prevent torture in detention.</p>", mechanism="CAT", symbol="CAT/C/PER/1"),
        ],
    )
    with building(engine) as build:
        build.local(ids["crc-1"], status="in_progress", priority="high")
    return ids


def _recommendations(engine: Engine) -> list[Recommendation]:
    with Session(engine) as session:
        return list(session.scalars(select(Recommendation)))


@pytest.fixture
def coordinator(committed_staff_login: StaffLogin, engine: Engine) -> StaffClient:
    two_recommendations(engine)
    return committed_staff_login("coordinator")


def test_the_page_offers_every_format_with_the_list_filters(coordinator: StaffClient, engine: Engine) -> None:
    page = coordinator.get("/staff/reports?status=in_progress&mechanism=CRC&mechanism=CAT")
    assert page.status_code == 200
    text = page.text
    for path in ("recommendations.csv", "recommendations.xlsx", "recommendations.json", "statistics.json"):
        assert (
            f'href="/staff/reports/{path}?status=in_progress&amp;mechanism=CRC&amp;mechanism=CAT&amp;lang=en"'
            in text
        )
    assert "format=template" in text
    # Excel in French or Spanish opens a comma-separated file in one column: the page says so.
    semicolons = "/staff/reports/recommendations.csv?status=in_progress&amp;mechanism=CRC&amp;mechanism=CAT"
    assert f'href="{semicolons}&amp;lang=en&amp;separator=semicolon"' in text
    assert "opens a comma-separated CSV with everything in the first column" in text
    for fmt in ("html", "docx", "xlsx"):
        assert f'name="format" value="{fmt}"' in text
    for grouping in ("cluster", "mechanism", "theme", "sdg", "entity"):
        assert f'<option value="{grouping}">' in text
    assert '<input type="hidden" name="mechanism" value="CAT">' in text
    # The filters as the report names them: a label and values in the page's language, not the codes.
    assert "<strong>Status</strong>: In progress" in text
    mechanisms = "Committee on the Rights of the Child, Committee against Torture"
    assert f"<strong>Mechanism</strong>: {mechanisms}" in text
    with building(engine) as build:
        entity = build.entity("Ministry of Justice", acronym="MOJ").id
    french = coordinator.get(f"/staff/reports?status=in_progress&entity={entity}&lang=fr").text
    assert "<strong>État</strong> : En cours" in french
    assert "<strong>Entité responsable</strong> : Ministry of Justice (MOJ)" in french
    assert "<strong>status</strong>" not in french and "<strong>entity</strong>" not in french


def test_a_filter_the_list_would_refuse_is_named(coordinator: StaffClient) -> None:
    page = coordinator.get("/staff/reports?status=sleeping")
    assert page.status_code == 422
    assert "<strong>Status</strong>" in page.text  # as the list's form names it
    assert coordinator.get("/staff/reports?colour=blue").status_code == 422
    download = coordinator.get("/staff/reports/recommendations.csv?priority=urgent")
    assert download.status_code == 422 and download.headers["content-type"].startswith("text/html")
    # In Spanish: the filter named in Spanish, not its code, and no English sentence beside the reason.
    spanish = coordinator.get("/staff/reports/recommendations.csv?mechanism=XYZ&lang=es")
    assert spanish.status_code == 422
    assert "<strong>Mecanismo</strong>" in spanish.text and "<strong>mechanism</strong>" not in spanish.text
    assert "is not a known" not in spanish.text.split("<main", 1)[1], spanish.text


@pytest.mark.parametrize(
    ("query", "field"),
    [("mechanism=XYZ", "Mechanism"), ("theme=Nope", "Theme"), ("entity=99999", "Responsible entity")],
)
def test_a_filter_value_that_names_nothing_is_named_on_the_page(
    coordinator: StaffClient, query: str, field: str
) -> None:
    """The page showed "Mechanism: XYZ" and offered its downloads, every one of which then failed
    with a 422: it now answers as its downloads and the list do, naming the filter."""
    page = coordinator.get(f"/staff/reports?{query}")
    assert page.status_code == 422, page.text
    assert f"<strong>{field}</strong>" in page.text
    assert "/staff/reports/recommendations.csv" not in page.text


@pytest.mark.parametrize(("path", "media_type"), DOWNLOADS.items())
def test_each_download_is_an_attachment_of_its_type(
    coordinator: StaffClient, path: str, media_type: str
) -> None:
    answer = coordinator.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert "no-store" in answer.headers["cache-control"]


@pytest.mark.parametrize(
    "path", ["/staff/reports/implementation?format=docx", "/staff/reports/public?format=html"]
)
def test_a_head_on_a_report_builds_nothing(
    coordinator: StaffClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    got = coordinator.get(path)
    monkeypatch.setattr(download, "report_file", _never_built)
    head = coordinator.client.head(path)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "content-security-policy", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert coordinator.client.head(path + "&mechanism=XYZ").status_code == 422


def _never_built(*args: object, **kwargs: object) -> Any:
    raise AssertionError("a HEAD builds no report")


def test_the_filters_reach_the_file(coordinator: StaffClient) -> None:
    every = coordinator.get("/staff/reports/recommendations.csv").text
    assert "CRC/C/PER/1" in every and "CAT/C/PER/1" in every
    filtered = coordinator.get("/staff/reports/recommendations.csv?status=in_progress").text
    assert "CRC/C/PER/1" in filtered and "CAT/C/PER/1" not in filtered
    rows = json.loads(coordinator.get("/staff/reports/recommendations.json?mechanism=CAT").content)
    assert [row["symbol"] for row in rows] == ["CAT/C/PER/1"]
    sheet = load_workbook(BytesIO(coordinator.get("/staff/reports/recommendations.xlsx").content)).active
    assert sheet is not None and sheet.max_row == 3  # the header and two recommendations
    stats = json.loads(coordinator.get("/staff/reports/statistics.json?priority=high").content)
    assert stats["total"] == 1
    report = Document(
        BytesIO(coordinator.get("/staff/reports/implementation?format=docx&mechanism=CRC").content)
    )
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    words = "\n".join([paragraph.text for paragraph in report.paragraphs] + cells)
    assert "CRC/C/PER/1" in words and "CAT/C/PER/1" not in words


def test_the_report_opens_as_a_page(coordinator: StaffClient) -> None:
    answer = coordinator.get("/staff/reports/implementation?format=html&group_by=mechanism&lang=fr")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-disposition"].startswith("inline;")
    assert "CRC/C/PER/1" in answer.text
    assert_own_style_applies(answer)
    assert_own_style_applies(coordinator.get("/staff/reports/public?format=html"))


def test_the_public_report_for_the_un_is_one_click_away(coordinator: StaffClient, engine: Engine) -> None:
    """The report to send to the UN holds published data only; the page offers it with the same filters
    (no address to build by hand), except for the internal "changed by an import" filter."""
    with building(engine) as build:
        crc = build.session.execute(
            select(Recommendation.id).where(Recommendation.symbol == "CRC/C/PER/1")
        ).scalar_one()
        notes = update(RecommendationLocal).where(RecommendationLocal.recommendation_id == crc)
        build.session.execute(notes.values(internal_notes="Minister to decide"))
        build.action("Open child courts", recommendations=[crc], published=True)
        build.action("Draft a secret plan", recommendations=[crc])
    page = coordinator.get("/staff/reports?mechanism=CRC&lang=es").text
    assert '<form method="get" action="/staff/reports/public">' in page
    public = coordinator.get("/staff/reports/public?mechanism=CRC&format=html&lang=es")
    assert public.status_code == 200 and "no-store" in public.headers["cache-control"]
    assert "Open child courts" in public.text and "CRC/C/PER/1" in public.text
    for internal in ("Draft a secret plan", "Minister to decide", "CAT/C/PER/1"):
        assert internal not in public.text
    staff_report = coordinator.get("/staff/reports/implementation?mechanism=CRC&format=html").text
    assert "Draft a secret plan" in staff_report
    assert 'action="/staff/reports/public"' not in coordinator.get("/staff/reports?needs_review=true").text
    assert coordinator.get("/staff/reports/public?needs_review=true").status_code == 422
    # UPR Info issues are staff-only: the public report refuses the filter, so the page does not offer it.
    import_records(engine, [record("UI1", issues=["Women's rights"])], source="upr-info")
    page = coordinator.get("/staff/reports", params={"issue": "Women's rights", "lang": "en"}).text
    assert 'action="/staff/reports/public"' not in page and "UPR Info issues are staff-only" in page
    assert 'action="/staff/reports/implementation"' in page


def test_the_public_report_is_not_offered_for_a_cluster_the_public_cannot_see(
    coordinator: StaffClient, engine: Engine
) -> None:
    """Filtered on a cluster not published yet (or archived), the page offered the public report, an
    empty one ("No recommendation matches these filters") to send to the UN; it now says why it is
    not offered, and offers it again once the cluster is published."""
    ids = {rec.symbol: rec.id for rec in _recommendations(engine)}
    with building(engine) as build:
        draft = build.cluster("Children in detention", [ids["CRC/C/PER/1"]]).id
        archived = build.cluster("Old plan", [ids["CRC/C/PER/1"]], published=True, archived=True).id
        shown = build.cluster("Child justice", [ids["CRC/C/PER/1"]], published=True).id
    for cluster, name in ((draft, "Children in detention"), (archived, "Old plan")):
        page = coordinator.get(f"/staff/reports?cluster={cluster}")
        assert page.status_code == 200
        assert 'action="/staff/reports/public"' not in page.text
        assert (
            f"the public does not see the cluster {name} (it is not published, or it is archived)"
            in page.text
        )
        assert 'action="/staff/reports/implementation"' in page.text  # the internal report still is
    assert 'action="/staff/reports/public"' in coordinator.get(f"/staff/reports?cluster={shown}").text


def test_a_focal_point_downloads_like_the_api_lets_them(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    two_recommendations(engine)
    entity = accounts.create_entity(engine, "Ministry of reports")
    focal = committed_staff_login("focal_point", entity_id=entity)
    assert focal.get("/staff/reports").status_code == 200
    assert "CRC/C/PER/1" in focal.get("/staff/reports/recommendations.csv").text


@pytest.mark.parametrize("path", ["/staff/reports", *DOWNLOADS])
def test_readers_and_strangers_get_no_file(staff_login: StaffLogin, path: str) -> None:
    reader = staff_login("reader")
    refused = reader.get(path)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    reader.client.cookies.clear()
    stranger = reader.get(path)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/staff/login?next=")


def _hidden_version(page: str) -> str:
    found = re.search(r'<input type="hidden" name="etag" value="([^"]*)">', page)
    assert found is not None
    return html.unescape(found.group(1))


def _shown_version(staff: StaffClient) -> str:
    """The template's version the page's upload form sends back (its hidden ``etag`` field)."""
    return _hidden_version(staff.get("/staff/reports").text)


def _upload(staff: StaffClient, content: bytes, name: str = "lesotho.docx", lang: str = "") -> Any:
    """The upload form sent as the page shows it: the file, and the version of the template it showed."""
    path = "/staff/reports/template" + (f"?lang={lang}" if lang else "")
    return staff.post(path, {"etag": _shown_version(staff)}, files={"file": (name, content, DOCX)})


def test_a_stale_upload_form_gets_the_conflict_page_naming_the_file_chosen(coordinator: StaffClient) -> None:
    """The page sends the version of the template it showed: someone else's upload since is not
    replaced unseen, and the conflict page names the file this user chose."""
    shown = _shown_version(coordinator)
    assert _upload(coordinator, state_template(), "colleague.docx").status_code == 303
    mine = state_template(body=("Mine.",))
    stale = coordinator.post(
        "/staff/reports/template", {"etag": shown}, files={"file": ("mine.docx", mine, DOCX)}
    )
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("text/html")
    assert "Your changes were not saved, so nothing was overwritten." in stale.text
    assert "<dt>Word template (.docx)</dt><dd>mine.docx</dd>" in stale.text
    assert 'href="/staff/reports#template-title"' in stale.text
    assert "<strong>colleague.docx</strong>" in coordinator.get("/staff/reports").text
    # A refused file keeps the version the form showed, not the one stored since.
    refused = coordinator.post("/staff/reports/template", {"etag": shown}, files={"file": ("", b"", DOCX)})
    assert refused.status_code == 422 and _hidden_version(refused.text) == shown


def test_the_coordinator_uploads_replaces_and_removes_the_word_template(coordinator: StaffClient) -> None:
    page = coordinator.get("/staff/reports").text
    assert "follow the template shipped with the application" in page
    assert 'enctype="multipart/form-data"' in page and 'name="template"' not in page
    shipped = coordinator.get("/staff/reports/template.docx?template=default").content
    assert "{{ group.heading }}" in document_xml(shipped)

    template = state_template()
    stored = _upload(coordinator, template)
    assert stored.status_code == 303 and stored.headers["location"] == "/staff/reports?done=template-uploaded"
    page = coordinator.get("/staff/reports?done=template-uploaded").text
    assert "Word and PDF reports now follow it." in page
    assert "<strong>lesotho.docx</strong>" in page
    assert '<option value="default">The shipped template</option>' in page
    report = coordinator.get("/staff/reports/implementation?format=docx&mechanism=CRC").content
    assert HEADING in document_xml(report) and "CRC/C/PER/1" in document_xml(report)
    shipped_report = coordinator.get("/staff/reports/implementation?format=docx&template=default").content
    assert HEADING not in document_xml(shipped_report)
    assert coordinator.get("/staff/reports/template.docx").content == template

    # Removed for good: it asks first, naming the file, and removes nothing until confirmed.
    asked = coordinator.post("/staff/reports/template/remove")
    assert (
        asked.status_code == 200
        and "<h1>Remove the State&#39;s Word template lesotho.docx?</h1>" in asked.text
    )
    assert (
        'name="confirmed" value="yes"' in asked.text and '<a href="/staff/reports">Cancel</a>' in asked.text
    )
    assert coordinator.get("/staff/reports/template.docx").content == template
    removed = coordinator.post("/staff/reports/template/remove", {"confirmed": "yes"})
    assert (
        removed.status_code == 303 and removed.headers["location"] == "/staff/reports?done=template-removed"
    )
    assert "follow the template shipped with the application" in coordinator.get("/staff/reports").text


def test_a_bad_template_is_refused_on_the_page_naming_the_field(coordinator: StaffClient) -> None:
    refused = _upload(coordinator, state_template(cell="{{ rec.symbl }}"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert 'href="#field-file">Word template (.docx): the template cannot be filled' in refused.text
    assert 'id="field-file"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "has no attribute &#39;symbl&#39;" in refused.text
    empty = coordinator.post("/staff/reports/template", files={"file": ("", b"", DOCX)})
    assert empty.status_code == 422 and "Choose a Word file (.docx) to upload." in empty.text
    assert "follow the template shipped with the application" in coordinator.get("/staff/reports").text


def test_a_file_that_is_no_word_document_is_refused_in_the_pages_language(coordinator: StaffClient) -> None:
    for lang, reason in (
        ("fr", "pas un document Word (.docx) : le fichier n’est pas un paquet zip"),  # noqa: RUF001
        ("es", "no es un documento Word (.docx): el archivo no es un paquete zip"),
    ):
        refused = _upload(coordinator, b"%PDF-1.4", "report.pdf", lang=lang)
        assert refused.status_code == 422 and reason in refused.text, refused.text


def test_pdf_is_offered_only_where_libreoffice_is_installed(
    coordinator: StaffClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    page = coordinator.get("/staff/reports").text
    assert 'value="pdf"' not in page and "LibreOffice is not installed on this server" in page
    refused = coordinator.get("/staff/reports/implementation?format=pdf")
    assert refused.status_code == 422 and "LibreOffice" in refused.text
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(0o755)
    assert 'name="format" value="pdf"' in coordinator.get("/staff/reports").text


def test_a_focal_point_may_download_the_template_but_not_change_it(
    committed_staff_login: StaffLogin, engine: Engine
) -> None:
    entity = accounts.create_entity(engine, "Ministry of templates")
    focal = committed_staff_login("focal_point", entity_id=entity)
    page = focal.get("/staff/reports").text
    assert "Download the shipped template" in page and 'action="/staff/reports/template"' not in page
    upload = focal.post("/staff/reports/template", files={"file": ("t.docx", state_template(), DOCX)})
    assert upload.status_code == 403


def test_a_template_over_the_pages_limit_gets_the_413_page(coordinator: StaffClient) -> None:
    refused = _upload(coordinator, b"x" * (2 * 1024 * 1024))
    assert refused.status_code == 413 and refused.headers["content-type"].startswith("text/html")
    assert "The file is too large" in refused.text
    assert "follow the template shipped with the application" in coordinator.get("/staff/reports").text


def test_the_lists_current_or_withdrawn_choice_reaches_reports_that_work(coordinator: StaffClient) -> None:
    """The recommendation list's filter form always sends withdrawn=false (its "Current" choice), and
    its link to this page carries it: the page listed "withdrawn: false" among the filters, the
    internal report answered every button with a 422 (a report takes no withdrawn), and the public
    report was "not offered" for an import filter nobody had chosen. Current recommendations are what
    every download holds anyway: the choice is no filter; withdrawn ones are in the exports alone."""
    page = coordinator.get("/staff/reports?q=torture&withdrawn=false&mechanism=&status=")
    assert page.status_code == 200
    assert "<strong>withdrawn</strong>" not in page.text and 'name="withdrawn"' not in page.text
    assert 'action="/staff/reports/public"' in page.text and "“Changed by an import”" not in page.text
    assert coordinator.get("/staff/reports/implementation?q=torture&format=html").status_code == 200
    withdrawn = coordinator.get("/staff/reports?withdrawn=true").text
    assert "<strong>Current or withdrawn</strong>: Withdrawn" in withdrawn
    assert 'action="/staff/reports/implementation"' not in withdrawn
    assert 'action="/staff/reports/public"' not in withdrawn
    assert "a report holds current recommendations only" in withdrawn
    assert "/staff/reports/recommendations.csv?withdrawn=true&amp;lang=en" in withdrawn


def test_the_statistics_file_is_named_after_its_filters_language_and_day(coordinator: StaffClient) -> None:
    """Every statistics download was saved as statistics.json, so the CRC's counts and the UPR's (or
    the French and English ones) replaced each other, and nothing in the file said which filters it
    counted; it is now named as the exports are: its filters, its labels' language and the day."""
    today = local_today().isoformat()
    crc = coordinator.get("/staff/reports/statistics.json?mechanism=CRC&lang=fr")
    assert crc.headers["content-disposition"] == (
        f'attachment; filename="nrtd-statistics-mechanism-CRC-fr-{today}.json"; '
        f"filename*=UTF-8''nrtd-statistics-mechanism-CRC-fr-{today}.json"
    )
    every = coordinator.get("/staff/reports/statistics.json")
    assert f'filename="nrtd-statistics-en-{today}.json"' in every.headers["content-disposition"]


def test_the_states_template_downloads_under_its_own_name_as_from_the_api(coordinator: StaffClient) -> None:
    """The workspace saved the State's template as report-template-state.docx whatever it was called
    (the page names it "Plantilla Perú.docx", the API sends it so), and the shipped one under another
    name than the API's; both now come as the API sends them."""
    shipped = coordinator.get("/staff/reports/template.docx?template=default")
    assert shipped.headers["content-disposition"] == (
        'attachment; filename="implementation-report-template.docx"; '
        "filename*=UTF-8''implementation-report-template.docx"
    )
    assert shipped.headers["x-report-template"] == "default"
    assert _upload(coordinator, state_template(), "Plantilla Perú.docx").status_code == 303
    own = coordinator.get("/staff/reports/template.docx")
    assert own.headers["content-disposition"] == (
        "attachment; filename=\"Plantilla Peru.docx\"; filename*=UTF-8''Plantilla%20Per%C3%BA.docx"
    )
    assert own.headers["x-report-template"] == "state" and "no-store" in own.headers["cache-control"]
