"""Every report format names its publisher: the site, the publishing body, the contact and the licence."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient

from tests.conftest import MakeApp
from tests.reports.conftest import ReportWorld, docx_text, xlsx_rows

PUBLIC = "/api/v1/public/reports/implementation"
STAFF = "/api/v1/reports/implementation"
SETTINGS = {
    "site_name": "Lesotho — Recommendations Tracking",
    "publisher": "Ministry of Justice, Human Rights Unit",
    "contact_email": "nrtd@justice.example.org",
}
LINES = [
    "Site: Lesotho — Recommendations Tracking",
    "Published by: Ministry of Justice, Human Rights Unit",
    "Contact: nrtd@justice.example.org",
    "Licence of the data: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
]


@pytest.fixture
def site(make_app: MakeApp) -> Iterator[TestClient]:
    with TestClient(make_app(**SETTINGS)) as client:
        yield client


def test_html_footer(site: TestClient, world: ReportWorld) -> None:
    page = site.get(PUBLIC).text
    footer = page.split("<footer>")[1]
    for line in LINES:
        assert line in footer


def test_docx_title_page_and_author(site: TestClient, world: ReportWorld) -> None:
    body = site.get(PUBLIC, params={"format": "docx"}).content
    text = docx_text(body)
    for line in LINES:
        assert line in text
    assert text.index(LINES[0]) < text.index("Filters used")  # on the first page, before the tables
    assert Document(BytesIO(body)).core_properties.author == SETTINGS["publisher"]


def test_xlsx_about_sheet(site: TestClient, world: ReportWorld) -> None:
    rows = xlsx_rows(site.get(PUBLIC, params={"format": "xlsx"}).content, "About this report")
    for line in LINES:
        name, value = line.split(": ", 1)
        assert [name, value] in rows
