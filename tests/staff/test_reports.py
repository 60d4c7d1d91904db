"""Reports and exports: every format of the API, downloaded with the session cookie, with the
recommendation list's filters carried over. The exports stream on connections of their own, so the
tests that read their content are in committed mode."""

from __future__ import annotations

import json
from io import BytesIO
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
from app.reports import service as report_service
from app.reports.formats import DOCX
from tests import accounts
from tests.builder import building
from tests.factories import import_records, record
from tests.reports.conftest import assert_own_style_applies
from tests.staff.conftest import StaffClient, StaffLogin
from tests.staff.report_world import two_recommendations

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
GET    /staff/reports/template/remove          303 303 403 403 303
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


def _recommendations(engine: Engine) -> list[Recommendation]:
    with Session(engine) as session:
        return list(session.scalars(select(Recommendation)))


def test_the_page_offers_every_format_with_the_list_filters(
    reports_coordinator: StaffClient, engine: Engine
) -> None:
    page = reports_coordinator.get("/staff/reports?status=in_progress&mechanism=CRC&mechanism=CAT")
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
    french = reports_coordinator.get(f"/staff/reports?status=in_progress&entity={entity}&lang=fr").text
    assert "<strong>État</strong> : En cours" in french
    assert "<strong>Entité responsable</strong> : Ministry of Justice (MOJ)" in french
    assert "<strong>status</strong>" not in french and "<strong>entity</strong>" not in french


def test_a_filter_the_list_would_refuse_is_named(reports_coordinator: StaffClient) -> None:
    page = reports_coordinator.get("/staff/reports?status=sleeping")
    assert page.status_code == 422
    assert "<strong>Status</strong>" in page.text  # as the list's form names it
    assert reports_coordinator.get("/staff/reports?colour=blue").status_code == 422
    download = reports_coordinator.get("/staff/reports/recommendations.csv?priority=urgent")
    assert download.status_code == 422 and download.headers["content-type"].startswith("text/html")
    # In Spanish: the filter named in Spanish, not its code, and no English sentence beside the reason.
    spanish = reports_coordinator.get("/staff/reports/recommendations.csv?mechanism=XYZ&lang=es")
    assert spanish.status_code == 422
    assert "<strong>Mecanismo</strong>" in spanish.text and "<strong>mechanism</strong>" not in spanish.text
    assert "is not a known" not in spanish.text.split("<main", 1)[1], spanish.text


@pytest.mark.parametrize(
    ("query", "field"),
    [("mechanism=XYZ", "Mechanism"), ("theme=Nope", "Theme"), ("entity=99999", "Responsible entity")],
)
def test_a_filter_value_that_names_nothing_is_named_on_the_page(
    reports_coordinator: StaffClient, query: str, field: str
) -> None:
    """The page showed "Mechanism: XYZ" and offered its downloads, every one of which then failed
    with a 422: it now answers as its downloads and the list do, naming the filter."""
    page = reports_coordinator.get(f"/staff/reports?{query}")
    assert page.status_code == 422, page.text
    assert f"<strong>{field}</strong>" in page.text
    assert "/staff/reports/recommendations.csv" not in page.text


@pytest.mark.parametrize(("path", "media_type"), DOWNLOADS.items())
def test_each_download_is_an_attachment_of_its_type(
    reports_coordinator: StaffClient, path: str, media_type: str
) -> None:
    answer = reports_coordinator.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert "no-store" in answer.headers["cache-control"]


@pytest.mark.parametrize(
    "path", ["/staff/reports/implementation?format=docx", "/staff/reports/public?format=html"]
)
def test_a_head_on_a_report_builds_nothing(
    reports_coordinator: StaffClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    got = reports_coordinator.get(path)
    monkeypatch.setattr(download, "report_file", _never_built)
    head = reports_coordinator.client.head(path)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "content-security-policy", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert reports_coordinator.client.head(path + "&mechanism=XYZ").status_code == 422


def _never_built(*args: object, **kwargs: object) -> Any:
    raise AssertionError("a HEAD builds no report")


def test_the_filters_reach_the_file(reports_coordinator: StaffClient) -> None:
    every = reports_coordinator.get("/staff/reports/recommendations.csv").text
    assert "CRC/C/PER/1" in every and "CAT/C/PER/1" in every
    filtered = reports_coordinator.get("/staff/reports/recommendations.csv?status=in_progress").text
    assert "CRC/C/PER/1" in filtered and "CAT/C/PER/1" not in filtered
    rows = json.loads(reports_coordinator.get("/staff/reports/recommendations.json?mechanism=CAT").content)
    assert [row["symbol"] for row in rows] == ["CAT/C/PER/1"]
    sheet = load_workbook(
        BytesIO(reports_coordinator.get("/staff/reports/recommendations.xlsx").content)
    ).active
    assert sheet is not None and sheet.max_row == 3  # the header and two recommendations
    stats = json.loads(reports_coordinator.get("/staff/reports/statistics.json?priority=high").content)
    assert stats["total"] == 1
    report = Document(
        BytesIO(reports_coordinator.get("/staff/reports/implementation?format=docx&mechanism=CRC").content)
    )
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    words = "\n".join([paragraph.text for paragraph in report.paragraphs] + cells)
    assert "CRC/C/PER/1" in words and "CAT/C/PER/1" not in words


def test_the_report_opens_as_a_page(reports_coordinator: StaffClient) -> None:
    answer = reports_coordinator.get("/staff/reports/implementation?format=html&group_by=mechanism&lang=fr")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-disposition"].startswith("inline;")
    assert "CRC/C/PER/1" in answer.text
    assert_own_style_applies(answer)
    assert_own_style_applies(reports_coordinator.get("/staff/reports/public?format=html"))


def test_the_public_report_for_the_un_is_one_click_away(
    reports_coordinator: StaffClient, engine: Engine
) -> None:
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
    page = reports_coordinator.get("/staff/reports?mechanism=CRC&lang=es").text
    assert '<form method="get" action="/staff/reports/public">' in page
    public = reports_coordinator.get("/staff/reports/public?mechanism=CRC&format=html&lang=es")
    assert public.status_code == 200 and "no-store" in public.headers["cache-control"]
    assert "Open child courts" in public.text and "CRC/C/PER/1" in public.text
    for internal in ("Draft a secret plan", "Minister to decide", "CAT/C/PER/1"):
        assert internal not in public.text
    staff_report = reports_coordinator.get("/staff/reports/implementation?mechanism=CRC&format=html").text
    assert "Draft a secret plan" in staff_report
    assert (
        'action="/staff/reports/public"'
        not in reports_coordinator.get("/staff/reports?needs_review=true").text
    )
    assert reports_coordinator.get("/staff/reports/public?needs_review=true").status_code == 422
    # UPR Info issues are staff-only: the public report refuses the filter, so the page does not offer it.
    import_records(engine, [record("UI1", issues=["Women's rights"])], source="upr-info")
    page = reports_coordinator.get("/staff/reports", params={"issue": "Women's rights", "lang": "en"}).text
    assert 'action="/staff/reports/public"' not in page and "UPR Info issues are staff-only" in page
    assert 'action="/staff/reports/implementation"' in page


def test_the_public_report_is_not_offered_for_a_cluster_the_public_cannot_see(
    reports_coordinator: StaffClient, engine: Engine
) -> None:
    """Filtered on a cluster not published yet (or archived), the page offered the public report, an
    empty one ("No recommendation matches these filters") to send to the UN; it now says why it is
    not offered, and offers it again once the cluster is published. It said the public report "would
    hold none of its recommendations", when that report is refused (422): it says so."""
    ids = {rec.symbol: rec.id for rec in _recommendations(engine)}
    with building(engine) as build:
        draft = build.cluster("Children in detention", [ids["CRC/C/PER/1"]]).id
        archived = build.cluster("Old plan", [ids["CRC/C/PER/1"]], published=True, archived=True).id
        shown = build.cluster("Child justice", [ids["CRC/C/PER/1"]], published=True).id
        unit = build.entity("Unit of nothing published").id
        ministry = build.entity("Ministry of Justice").id
        build.responsible(ids["CRC/C/PER/1"], ministry)
    for cluster, name in ((draft, "Children in detention"), (archived, "Old plan")):
        page = reports_coordinator.get(f"/staff/reports?cluster={cluster}")
        assert page.status_code == 200
        assert 'action="/staff/reports/public"' not in page.text
        assert (
            f"the public does not see the cluster {name} (it is not published, or it is archived), and the "
            "public report, which names its filters, refuses it as a cluster that does not exist" in page.text
        )
        assert 'action="/staff/reports/implementation"' in page.text  # the internal report still is
    assert 'action="/staff/reports/public"' in reports_coordinator.get(f"/staff/reports?cluster={shown}").text
    # An entity nothing public names, which the public report refuses as an unknown id, alike: the page
    # offered a public report that answered 422.
    page = reports_coordinator.get(f"/staff/reports?entity={unit}").text
    assert 'action="/staff/reports/public"' not in page and 'action="/staff/reports/implementation"' in page
    assert "nothing the public sees names the entity Unit of nothing published" in page
    assert (
        'action="/staff/reports/public"' in reports_coordinator.get(f"/staff/reports?entity={ministry}").text
    )


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


def test_the_lists_current_or_withdrawn_choice_reaches_reports_that_work(
    reports_coordinator: StaffClient,
) -> None:
    """The recommendation list's filter form always sends withdrawn=false (its "Current" choice), and
    its link to this page carries it: the page listed "withdrawn: false" among the filters, the
    internal report answered every button with a 422 (a report takes no withdrawn), and the public
    report was "not offered" for an import filter nobody had chosen. Current recommendations are what
    every download holds anyway: the choice is no filter; withdrawn ones are in the exports alone."""
    page = reports_coordinator.get("/staff/reports?q=torture&withdrawn=false&mechanism=&status=")
    assert page.status_code == 200
    assert "<strong>withdrawn</strong>" not in page.text and 'name="withdrawn"' not in page.text
    assert 'action="/staff/reports/public"' in page.text and "“Changed by an import”" not in page.text
    assert reports_coordinator.get("/staff/reports/implementation?q=torture&format=html").status_code == 200
    withdrawn = reports_coordinator.get("/staff/reports?withdrawn=true").text
    assert "<strong>Current or withdrawn</strong>: Withdrawn" in withdrawn
    assert 'action="/staff/reports/implementation"' not in withdrawn
    assert 'action="/staff/reports/public"' not in withdrawn
    assert "a report holds current recommendations only" in withdrawn
    assert "/staff/reports/recommendations.csv?withdrawn=true&amp;lang=en" in withdrawn


def test_the_statistics_file_is_named_after_its_filters_language_and_day(
    reports_coordinator: StaffClient,
) -> None:
    """Every statistics download was saved as statistics.json, so the CRC's counts and the UPR's (or
    the French and English ones) replaced each other, and nothing in the file said which filters it
    counted; it is now named as the exports are: its filters, its labels' language and the day."""
    today = local_today().isoformat()
    crc = reports_coordinator.get("/staff/reports/statistics.json?mechanism=CRC&lang=fr")
    assert crc.headers["content-disposition"] == (
        f'attachment; filename="nrtd-statistics-mechanism-CRC-fr-{today}.json"; '
        f"filename*=UTF-8''nrtd-statistics-mechanism-CRC-fr-{today}.json"
    )
    every = reports_coordinator.get("/staff/reports/statistics.json")
    assert f'filename="nrtd-statistics-en-{today}.json"' in every.headers["content-disposition"]


def test_a_selection_too_large_for_a_report_is_said_before_the_click(
    reports_coordinator: StaffClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unfiltered at a State's scale (100,000 recommendations), the page offered both reports, and each
    button led to an error page ("Some values are not valid") with a way back to the dashboard only. It
    now says how many match, the most a report holds, and where to narrow them, and offers the
    exports, which hold them all."""
    monkeypatch.setattr(report_service, "MAX_RECOMMENDATIONS", 1)
    page = reports_coordinator.get("/staff/reports?lang=en").text
    assert 'action="/staff/reports/implementation"' not in page
    assert 'action="/staff/reports/public"' not in page
    assert "2 recommendations match, more than the 1 a report holds" in page
    assert '<a href="/staff/recommendations">narrow them on the recommendation list</a>' in page
    assert "/staff/reports/recommendations.xlsx" in page
    filtered = reports_coordinator.get("/staff/reports?type=recommendation&lang=en").text
    assert '<a href="/staff/recommendations?type=recommendation">narrow them' in filtered
    narrowed = reports_coordinator.get("/staff/reports?mechanism=CRC&lang=en").text
    assert 'action="/staff/reports/implementation"' in narrowed
    assert 'action="/staff/reports/public"' in narrowed
