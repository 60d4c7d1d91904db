"""Every report format names its publisher: the site, the publishing body, the contact and the licence."""

from __future__ import annotations

import html
from collections.abc import Iterator
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

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
    body = site.get(PUBLIC, params={"format": "xlsx"}).content
    rows = xlsx_rows(body, "About this report")
    for line in LINES:
        name, value = line.split(": ", 1)
        assert [name, value] in rows
    # The workbook's author (Excel's File > Info) is the publisher, as the Word report's is: it said "NRTD".
    properties = load_workbook(BytesIO(body)).properties
    assert properties.creator == SETTINGS["publisher"]
    assert properties.lastModifiedBy == SETTINGS["publisher"]


DEFAULTS = {
    "fr": ("Site", "Suivi des recommandations", "Publié par", "À propos de ce rapport"),
    "es": ("Sitio", "Seguimiento de recomendaciones", "Publicado por", "Acerca de este informe"),
}
# The State as the language names it: "(Peru)" on a Spanish report and footer was English.
BODIES = {
    "fr": "Mécanisme national de mise en œuvre, d’établissement de rapports et de suivi (Pérou)",  # noqa: RUF001
    "es": "Mecanismo nacional de aplicación, presentación de informes y seguimiento (Perú)",
}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_defaults_are_worded_in_the_reports_language(
    make_app: MakeApp, world: ReportWorld, lang: str
) -> None:
    # Unset, the site and the publisher are the defaults in the reader's language, as in the portal's footer.
    site_label, site_name, body_label, about = DEFAULTS[lang]
    colon = " : " if lang == "fr" else ": "  # French puts a space before the colon
    lines = [f"{site_label}{colon}{site_name}", f"{body_label}{colon}{BODIES[lang]}"]
    with TestClient(make_app(site_name="", publisher="", country="Peru")) as client:
        footer = html.unescape(client.get(PUBLIC, params={"lang": lang}).text.split("<footer>")[1])
        portal = html.unescape(client.get("/", params={"lang": lang}).text.split("<footer")[1])
        docx = client.get(PUBLIC, params={"lang": lang, "format": "docx"}).content
        xlsx = client.get(PUBLIC, params={"lang": lang, "format": "xlsx"}).content
    text = docx_text(docx)
    for line in lines:
        assert line in footer
        assert line in text
    assert f'class="publisher-name">{BODIES[lang]}<' in portal
    assert Document(BytesIO(docx)).core_properties.author == BODIES[lang]
    rows = xlsx_rows(xlsx, about)
    assert [site_label, site_name] in rows and [body_label, BODIES[lang]] in rows
    assert load_workbook(BytesIO(xlsx)).properties.creator == BODIES[lang]
    assert "Recommendation tracker" not in footer + text


def test_the_state_is_named_the_same_however_the_setting_spells_it(
    make_app: MakeApp, world: ReportWorld
) -> None:
    """NRTD_COUNTRY=PER (an ISO code, as the settings allow) gave "... and follow-up (PER)" in every
    footer and report; the portal's footer and the report name the State as NRTD_COUNTRY=Peru does."""
    with TestClient(make_app(site_name="", publisher="", country="PER")) as client:
        portal = html.unescape(client.get("/").text.split('class="publisher-name">')[1].split("<")[0])
        report = docx_text(client.get(PUBLIC, params={"format": "docx"}).content)
    assert portal == "National mechanism for implementation, reporting and follow-up (Peru)"
    assert f"Published by: {portal}" in report
