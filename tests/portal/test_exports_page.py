"""The portal's open-data page: the public exports it links, its example answers, and the search
page's export link (the rest of the pages: test_pages.py)."""

from __future__ import annotations

import csv
import html
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.exports.files import xlsx_rows
from tests.factories import import_records, record
from tests.portal.seed import (
    Seeded,
)


def test_exports_page_links_the_public_exports(portal: TestClient, seeded: Seeded) -> None:
    text = portal.get("/exports").text
    for extension in ("csv", "xlsx", "json"):
        href = f"/api/v1/public/exports/recommendations.{extension}"
        assert f'href="{href}"' in text
        assert portal.get(href).status_code == 200
    # Excel in French or Spanish opens a comma-separated file in one column: a CSV with semicolons.
    semicolons = portal.get("/exports", params={"lang": "es"}).text
    href = "/api/v1/public/exports/recommendations.csv?separator=semicolon&amp;lang=es"
    assert f'href="{href}"' in semicolons
    assert portal.get(html.unescape(href)).content.startswith("\ufeffid;".encode())
    assert "opens a comma-separated CSV with everything in the first column" in text
    search = portal.get("/", params={"theme": "Right to education", "lang": "fr"}).text
    assert 'href="/api/v1/public/exports/recommendations.csv?theme=Right+to+education&amp;lang=fr"' in search


def test_exports_page_example_answers_and_links_keep_the_language(portal: TestClient, seeded: Seeded) -> None:
    text = portal.get("/exports").text
    found = re.search(r'<a href="([^"]+)" download><code>\1</code></a>', text)
    assert found is not None
    example = html.unescape(found.group(1))
    # A theme the data holds (the first by name), never a made-up one that answers 422.
    assert example == "/api/v1/public/exports/recommendations.csv?theme=Right+to+education&status=in_progress"
    assert portal.get(example).status_code == 200
    spanish = portal.get("/exports", params={"lang": "es"}).text
    for extension in ("csv", "xlsx", "json"):
        assert f'href="/api/v1/public/exports/recommendations.{extension}?lang=es"' in spanish
    assert (
        "recommendations.csv?theme=Right+to+education&amp;status=in_progress&amp;lang=es</code></a>"
        in spanish
    )


def test_the_implementation_report_and_the_api_docs_are_linked(portal: TestClient, seeded: Seeded) -> None:
    """The public implementation report is where a reader looks for it (open data, statistics), in
    each of its formats, and the open-data page's "Public API" links the API's documentation."""
    report = "/api/v1/public/reports/implementation"
    text = portal.get("/exports").text
    for extension in ("html", "docx", "xlsx"):
        href = f"{report}?format={extension}"
        assert f'href="{href}"' in text, extension
        assert portal.get(href).status_code == 200
    assert f'href="{report}?format=html"' in portal.get("/stats").text
    assert f'href="{report}?format=docx&amp;lang=es"' in portal.get("/exports", params={"lang": "es"}).text
    assert '<a href="/docs">' in text and portal.get("/docs").status_code == 200


def test_exports_page_example_without_themes(portal: TestClient) -> None:
    text = portal.get("/exports").text
    example = "/api/v1/public/exports/recommendations.csv?status=not_started"
    assert f'<a href="{example}" download><code>{example}</code></a>' in text


def test_exports_page_example_gives_rows_on_a_fresh_instance(portal: TestClient, engine: Engine) -> None:
    """Just imported, every recommendation is not started: the example's status=in_progress gave a
    file of headers only, which reads as a broken download. Its status is the one its theme's have."""
    import_records(engine, [record("fresh-1", themes=["Right to health"])])
    text = portal.get("/exports").text
    example = "/api/v1/public/exports/recommendations.csv?theme=Right+to+health&amp;status=not_started"
    assert f'<a href="{example}" download><code>{example}</code></a>' in text
    rows = portal.get(html.unescape(example)).text.splitlines()
    assert len(rows) == 2, rows


def test_search_csv_link_carries_the_filters_the_export_takes(portal: TestClient, seeded: Seeded) -> None:
    # The form always sends the order, which the exports do not take: the link leaves it out, and the
    # file holds every result of the search (here the 25 maternal-health recommendations, two pages).
    shown = portal.get("/api/v1/public/recommendations", params={"q": "maternal health", "limit": 200}).json()
    for sort in ("relevance", "newest", "oldest"):
        search = portal.get("/", params={"q": "maternal health", "sort": sort, "lang": "fr"}).text
        href = "/api/v1/public/exports/recommendations.csv?q=maternal+health&lang=fr"
        assert f'href="{href.replace("&", "&amp;")}"' in search
        answer = portal.get(href)
        assert answer.status_code == 200
        rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
        assert len(rows) == shown["total"] > 20
    # Beside it, the same results for Excel: the Open data page says a French or Spanish Excel opens
    # that CSV in one column, and the search offered nothing else.
    workbook = href.replace(".csv?", ".xlsx?")
    assert f'<a href="{workbook.replace("&", "&amp;")}" download>Excel (XLSX)</a>' in search
    answer = portal.get(workbook)
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    _, every = xlsx_rows(answer.content)
    assert len(every) == shown["total"]


def test_a_page_in_the_browser_s_language_links_the_files_in_it(portal: TestClient, seeded: Seeded) -> None:
    """The public API reads ``lang`` alone, never Accept-Language: a page shown in Spanish because the
    browser prefers it linked the English files and report, which a page chosen with ?lang=es does not."""
    spanish = {"Accept-Language": "es-419,es;q=0.9"}
    text = portal.get("/exports", headers=spanish).text
    assert '<html lang="es"' in text
    for extension in ("csv", "xlsx", "json"):
        assert f'href="/api/v1/public/exports/recommendations.{extension}?lang=es"' in text, extension
    assert 'href="/api/v1/public/reports/implementation?format=docx&amp;lang=es"' in text
    assert 'href="/api/v1/public/reports/implementation?format=html&amp;lang=es"' in (
        portal.get("/stats", headers=spanish).text
    )
    search = portal.get("/", params={"theme": "Right to education"}, headers=spanish).text
    assert 'href="/api/v1/public/exports/recommendations.csv?theme=Right+to+education&amp;lang=es"' in search
    report = portal.get("/api/v1/public/reports/implementation?format=html&lang=es")
    assert '<html lang="es"' in report.text
