"""A report names things as the rest of the service does: a source as the staff pages name it, and
itself (its file and title) after what it reports, in its language."""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine

from app.core.time_zone import local_today
from tests import accounts
from tests.reports.conftest import ReportWorld, docx_text

STAFF = "/api/v1/reports/implementation"
PUBLIC = "/api/v1/public/reports/implementation"


@pytest.mark.parametrize(("lang", "manual"), [("en", "Manual"), ("fr", "Saisie manuelle"), ("es", "Manual")])
def test_a_manual_source_is_named_as_the_staff_pages_name_it(
    client: TestClient, world: ReportWorld, lang: str, manual: str
) -> None:
    """The report's filters said "Entered by hand" ("Saisi à la main") where the recommendation list's
    Source filter, a recommendation's badge and the import runs say "Manual" ("Saisie manuelle")."""
    params = {"source": "manual", "lang": lang}
    page = client.get(STAFF, params=params).text
    text = docx_text(client.get(STAFF, params={**params, "format": "docx"}).content)
    assert f"<dd>{manual}</dd>" in page
    assert manual in text
    for shown in (page, text):
        assert "by hand" not in shown and "à la main" not in shown and "a mano" not in shown


def test_one_mapping_names_the_sources() -> None:
    from app.reports.labels import FILTER_VALUE_LABELS
    from app.staff.labels import SOURCE_LABELS

    assert FILTER_VALUE_LABELS["source"] is SOURCE_LABELS


def _name(answer: Response) -> str:
    """The file name a browser saves the answer under (RFC 6266's filename*, UTF-8)."""
    disposition = answer.headers["content-disposition"]
    return unquote(disposition.split("filename*=UTF-8''")[1])


def test_a_reports_file_is_named_after_what_it_reports_in_its_language(
    client: TestClient, world: ReportWorld
) -> None:
    """The CRC's report and the UPR's of one day were both implementation-report-public-by-theme-
    fr-<day>.docx: the second replaced the first in the Downloads folder (or became "(1)"), and
    neither name said which mechanism, State or period it covered, nor was it in French."""
    day = local_today().isoformat()
    crc = {"mechanism": "CRC", "country": "Peru", "lang": "fr", "format": "docx", "group_by": "theme"}
    answer = client.get(PUBLIC, params=crc)
    assert answer.status_code == 200, answer.text
    assert _name(answer) == f"rapport-public-de-mise-en-œuvre-CRC_Pérou-regroupé-par-thème-fr-{day}.docx"
    assert _name(client.head(PUBLIC, params=crc)) == _name(answer)
    upr = {"mechanism": "upr", "cycle": "3", "published_from": "2020-01-01", "lang": "es", "format": "xlsx"}
    name = _name(client.get(STAFF, params=upr))
    assert name == (
        f"informe-de-aplicación-interno-UPR_Ciclo-del-EPU-3_Publicada-el-o-después-del-2020-01-01-"
        f"agrupado-por-grupo-es-{day}.xlsx"
    )
    every = _name(client.get(PUBLIC, params={"format": "html"}))
    assert every == f"public-implementation-report-grouped-by-cluster-en-{day}.html"
    # The ASCII name old clients take says the same, its accents spelt out.
    assert (
        'inline; filename="public-implementation-report-grouped-by-cluster-en-'
        in client.get(PUBLIC).headers["content-disposition"]
    )
    ascii_name = answer.headers["content-disposition"].split('filename="')[1].split('"')[0]
    assert ascii_name == f"rapport-public-de-mise-en-oeuvre-CRC_Perou-regroupe-par-theme-fr-{day}.docx"


def test_a_long_search_is_cut_in_the_name_not_the_report(client: TestClient, world: ReportWorld) -> None:
    q = " ".join(["justice"] * 60)
    answer = client.get(PUBLIC, params={"q": q, "format": "docx"})
    assert answer.status_code == 200, answer.text
    name = _name(answer)
    assert len(name.encode()) < 200
    assert name.startswith("public-implementation-report-justice-justice-")
    title = Document(BytesIO(answer.content)).core_properties.title
    assert len(title) == 255 and title.endswith("…")


def test_a_long_name_is_cut_between_two_filters_never_inside_one(
    client: TestClient, world: ReportWorld
) -> None:
    """Past 80 characters the name was cut at a word, inside a filter: "..._Publiée-le" of a report on
    the recommendations published since 2020, which said neither since when nor that it was a date."""
    day = local_today().isoformat()
    params = {
        "mechanism": "CRC",
        "country": "Peru",
        "theme": "Right to justice",
        "status": ["in_progress", "partially_implemented"],
        "published_from": "2020-01-01",
        "lang": "fr",
        "format": "docx",
    }
    answer = client.get(PUBLIC, params=params)
    assert answer.status_code == 200, answer.text
    assert _name(answer) == (
        "rapport-public-de-mise-en-œuvre-CRC_Right-to-justice_Pérou_État-En-cours-Partiellement-mise-en-"
        f"œuvre-regroupé-par-groupe-fr-{day}.docx"
    )


def test_a_reports_title_says_what_it_reports(client: TestClient, world: ReportWorld) -> None:
    """Its tab, and so the name a browser's "Save as PDF" offers, and the Word and Excel files' title."""
    params = {"mechanism": "CRC", "country": "Peru", "lang": "fr"}
    page = client.get(PUBLIC, params=params).text
    title = "Mise en œuvre des recommandations"
    # French writes a space before ";" (the catalogue's "%(filters)s ; %(filter)s"), as before ":".
    assert re.search(rf"<title>{title}[^<]* — CRC ?; Pérou</title>", page), page[:600]
    docx = Document(BytesIO(client.get(PUBLIC, params={**params, "format": "docx"}).content))
    assert re.search(" — CRC ?; Pérou$", docx.core_properties.title)
    workbook = load_workbook(BytesIO(client.get(PUBLIC, params={**params, "format": "xlsx"}).content))
    assert workbook.properties.title is not None and re.search(" — CRC ?; Pérou$", workbook.properties.title)


@pytest.mark.parametrize(
    ("lang", "title", "name"),
    [
        (
            "en",
            "Right to justice; Status: In progress, Partially implemented",
            "Right-to-justice_Status-In-progress-Partially-implemented",
        ),
        # French writes a space before ";" as before ":" (the catalogue's "%(filters)s ; %(filter)s").
        (
            "fr",
            "Right to justice ?; État : En cours, Partiellement mise en œuvre",
            "Right-to-justice_État-En-cours-",
        ),
        (
            "es",
            "Right to justice; Estado: En curso, Aplicada parcialmente",
            "Right-to-justice_Estado-En-curso-",
        ),
    ],
)
def test_filters_are_apart_from_each_other_not_as_values_are(
    client: TestClient, world: ReportWorld, lang: str, title: str, name: str
) -> None:
    """The title and file name joined filters as one filter's values (", "): "Prevención de la tortura,
    État : En cours, Partiellement mise en œuvre" read as if a theme and a status were one filter."""
    params = {"status": ["in_progress", "partially_implemented"], "theme": "Right to justice", "lang": lang}
    page = client.get(PUBLIC, params=params)
    assert page.status_code == 200, page.text
    assert re.search(f" — {title}</title>", page.text), page.text[:600]
    assert f"-{name}" in _name(client.get(PUBLIC, params={**params, "format": "docx"}))


def test_the_public_report_names_no_entity_the_public_cannot_see(
    anonymous_client: TestClient, writer: Engine | Connection, world: ReportWorld
) -> None:
    """``entity=<id>`` named any entity in the public report's file name, title and filters, so counting
    ids up listed every entity's name, those nothing public names (a unit of a ministry, archived
    ones) included: the public is shown only those the portal offers; another is refused as an id
    that does not exist (``app.recommendations.filter_values``), never named."""
    hidden = accounts.create_entity(writer, "Planted Hidden Unit", acronym="PHU")
    answer = anonymous_client.get(PUBLIC, params={"entity": hidden, "format": "docx"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [{"field": "entity", "reason": f"'{hidden}' is not a known entity id"}]
    # The staff report names it; the public one names an entity the public sees (it leads one).
    coordinator = accounts.headers_for(writer, "coordinator")
    staff = anonymous_client.get(STAFF, params={"entity": hidden}, headers=coordinator)
    assert "Planted-Hidden-Unit" in _name(staff)
    seen = anonymous_client.get(PUBLIC, params={"entity": world.ids["justice"], "format": "docx"})
    assert "Ministry-of-Justice" in _name(seen)
