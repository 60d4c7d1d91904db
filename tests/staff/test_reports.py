"""Reports and exports: every format of the API, downloaded with the session cookie, with the
recommendation list's filters carried over. The exports stream on connections of their own, so the
tests that read their content are in committed mode."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import Engine

from app.exports.writers import XLSX_MEDIA_TYPE
from app.reports.formats import DOCX
from tests import accounts
from tests.builder import building, imported
from tests.factories import record
from tests.staff.conftest import StaffClient, StaffLogin

ROUTES = """
GET    /staff/reports                          200 200 200 403 303
GET    /staff/reports/implementation           200 200 200 403 303
GET    /staff/reports/recommendations.csv      200 200 200 403 303
GET    /staff/reports/recommendations.xlsx     200 200 200 403 303
GET    /staff/reports/recommendations.json     200 200 200 403 303
GET    /staff/reports/statistics.json          200 200 200 403 303
"""

DOWNLOADS = {
    "/staff/reports/recommendations.csv": "text/csv",
    "/staff/reports/recommendations.csv?format=template": "text/csv",
    "/staff/reports/recommendations.xlsx": XLSX_MEDIA_TYPE,
    "/staff/reports/recommendations.json": "application/json",
    "/staff/reports/statistics.json": "application/json",
    "/staff/reports/implementation?format=docx": DOCX,
    "/staff/reports/implementation?format=xlsx": XLSX_MEDIA_TYPE,
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


@pytest.fixture
def coordinator(committed_staff_login: StaffLogin, engine: Engine) -> StaffClient:
    two_recommendations(engine)
    return committed_staff_login("coordinator")


def test_the_page_offers_every_format_with_the_list_filters(coordinator: StaffClient) -> None:
    page = coordinator.get("/staff/reports?status=in_progress&mechanism=CRC&mechanism=CAT")
    assert page.status_code == 200
    text = page.text
    for path in ("recommendations.csv", "recommendations.xlsx", "recommendations.json", "statistics.json"):
        assert (
            f'href="/staff/reports/{path}?status=in_progress&amp;mechanism=CRC&amp;mechanism=CAT&amp;lang=en"'
            in text
        )
    assert "format=template" in text
    for fmt in ("html", "docx", "xlsx"):
        assert f'name="format" value="{fmt}"' in text
    assert '<input type="hidden" name="mechanism" value="CAT">' in text
    assert "<strong>status</strong>: in_progress" in text


def test_a_filter_the_list_would_refuse_is_named(coordinator: StaffClient) -> None:
    page = coordinator.get("/staff/reports?status=sleeping")
    assert page.status_code == 422
    assert "<strong>status</strong>" in page.text
    assert coordinator.get("/staff/reports?colour=blue").status_code == 422
    download = coordinator.get("/staff/reports/recommendations.csv?priority=urgent")
    assert download.status_code == 422 and download.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("path", "media_type"), DOWNLOADS.items())
def test_each_download_is_an_attachment_of_its_type(
    coordinator: StaffClient, path: str, media_type: str
) -> None:
    answer = coordinator.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert "no-store" in answer.headers["cache-control"]


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
