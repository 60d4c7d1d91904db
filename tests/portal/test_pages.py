"""Every portal page: renders, is well-formed and accessible-ish HTML, shows only published data,
follows NRTD_PUBLIC_ACCESS, and speaks the reader's language."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, insert

from app.models import Mechanism, Recommendation
from app.web.i18n import format_number
from tests import accounts
from tests.builder import building
from tests.conftest import MakeApp
from tests.exports.files import xlsx_rows
from tests.portal.seed import (
    EDUCATION_EN,
    EDUCATION_FR,
    ENTITY,
    PUBLISHED_ACTION,
    PUBLISHED_CLUSTER,
    PUBLISHED_PROGRESS,
    SECRETS,
    TORTURE_EN,
    Seeded,
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FIELDS = {"input", "select", "textarea"}


class PageChecker(HTMLParser):
    """Balanced tags, one h1 and no skipped heading level, a label for every visible field (its
    ``for``, or around it), unique ids."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.labelled: set[str] = set()
        self.fields: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"] or "")
        if tag in FIELDS and attributes.get("type") != "hidden" and "label" not in self.stack:
            # A field inside its <label> is labelled by it (the search's checkboxes).
            self.fields.append(attributes.get("id") or f"<{tag} name={attributes.get('name')}> without id")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def problems(self) -> list[str]:
        found = list(self.errors)
        if self.stack:
            found.append(f"unclosed: {self.stack}")
        if self.headings.count(1) != 1:
            found.append(f"{self.headings.count(1)} h1")
        found += [
            f"h{level} after h{previous}"
            for previous, level in zip(self.headings, self.headings[1:], strict=False)
            if level > previous + 1
        ]
        found += [f"duplicate id {i}" for i in sorted({i for i in self.ids if self.ids.count(i) > 1})]
        found += [f"field {field} has no label" for field in self.fields if field not in self.labelled]
        if not self.html_lang:
            found.append("no lang on <html>")
        return found


def check_html(text: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(text)
    checker.close()
    assert text.startswith("<!doctype html>")
    assert checker.problems() == []
    return checker


def pages(seeded: Seeded) -> list[str]:
    return [
        "/",
        "/?q=girls",
        "/?theme=Right+to+health&status=not_started&mechanism=CEDAW&sdg=3&cycle=&cluster=",
        f"/?cluster={seeded.cluster_id}",
        "/?cycle=3",
        f"/recommendations/{seeded.education_id}",
        f"/recommendations/{seeded.torture_id}",
        "/clusters",
        f"/clusters/{seeded.cluster_id}",
        "/actions",
        "/actions?status=completed&q=x",
        f"/actions/{seeded.action_id}",
        "/stats",
        "/exports",
    ]


@pytest.fixture
def app_with(make_app: MakeApp) -> Iterator[object]:
    """``app_with(**overrides)``: a client on the app with other settings."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        client = TestClient(make_app(**overrides))
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_page_renders_valid_html(portal: TestClient, seeded: Seeded, lang: str) -> None:
    for path in pages(seeded):
        response = portal.get(path, params={"lang": lang})
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-language"] == lang
        checker = check_html(response.text)
        assert checker.html_lang == lang, path


def test_nothing_internal_on_any_page(portal: TestClient, seeded: Seeded) -> None:
    shown = []
    for path in pages(seeded):
        for lang in ("en", "fr"):
            text = portal.get(path, params={"lang": lang}).text
            shown += [(path, name) for name, secret in SECRETS.items() if secret in text]
            assert "987654" not in text  # the budget amount
    assert shown == []
    # The planted values are there, next to published ones the pages do show.
    detail = portal.get(f"/recommendations/{seeded.education_id}").text
    for published in (EDUCATION_EN, PUBLISHED_ACTION, PUBLISHED_PROGRESS, PUBLISHED_CLUSTER, ENTITY):
        assert published.replace("'", "&#39;") in detail


def test_a_recommendations_publication_date_reads_published_on(portal: TestClient, seeded: Seeded) -> None:
    # Its own catalogue entry: "Published" alone is a state elsewhere (Publié, Publicado).
    for lang, label in (("fr", "<dt>Publiée le</dt>"), ("es", "<dt>Publicada el</dt>")):
        page = portal.get(f"/recommendations/{seeded.education_id}", params={"lang": lang}).text
        assert label in page


def test_unpublished_withdrawn_and_unknown_are_404_pages(portal: TestClient, seeded: Seeded) -> None:
    for path in (
        f"/recommendations/{seeded.withdrawn_id}",
        "/recommendations/2147483647",
        f"/clusters/{seeded.unpublished_cluster_id}",
        f"/clusters/{seeded.archived_cluster_id}",
        "/clusters/999999",
        f"/actions/{seeded.unpublished_action_id}",
        "/static/nothing.css",
    ):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        check_html(response.text)
        assert "Page not found" in response.text
    french = portal.get("/recommendations/2147483647?lang=fr")
    assert french.status_code == 404
    assert "Page introuvable" in french.text


def test_invalid_parameters_give_an_html_page(portal: TestClient, seeded: Seeded) -> None:
    for path in ("/?cycle=abc", "/?sdg=99.9", "/?status=done", "/?cursor=garbage"):
        response = portal.get(path)
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        assert "There is a problem" in response.text, path
        check_html(response.text)
    # A malformed id in the address names no page: not found, as an id that does not exist.
    for path in ("/recommendations/abc", "/clusters/1.5", "/actions/-"):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text and "Invalid search" not in response.text
        check_html(response.text)
    assert portal.get("/recommendations/abc", headers={"Accept": "application/json"}).status_code == 422


def test_invalid_search_names_each_field_and_keeps_what_was_typed(portal: TestClient, seeded: Seeded) -> None:
    response = portal.get("/", params={"q": "girls", "sdg": "99", "cycle": "abc", "status": "done"})
    assert response.status_code == 422
    text = response.text
    assert "<title>Error: Recommendations" in text
    summary = text.split('<div class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#sdg">Sustainable Development Goal: &#34;99&#34; is not a goal (1 to 17)' in summary
    assert '<a href="#cycle">UPR cycle: &#34;abc&#34; is not one of the choices</a>' in summary
    assert '<a href="#status">Implementation status: &#34;done&#34; is not one of the choices</a>' in summary
    assert "#q" not in summary  # a valid value is not an error
    # What was typed is still in the form, the refused values selected in their lists.
    assert 'name="q" value="girls"' in text
    assert 'name="sdg" value="99" checked aria-invalid="true"> 99</label>' in text
    assert 'name="cycle" value="abc" checked aria-invalid="true"> abc</label>' in text
    assert '<details class="choices" open>\n  <summary>UPR cycle' in text
    assert '<fieldset id="cycle" tabindex="-1" aria-describedby="cycle-error">' in text
    assert '<p class="error-message" id="cycle-error">' in text
    assert 'id="results"' not in text  # no results for a search that was not made
    check_html(text)

    french = portal.get("/", params={"cycle": "abc"}, headers={"Accept-Language": "fr"})
    assert french.status_code == 422
    assert "Il y a un problème" in french.text
    assert "Cycle de l’EPU : « abc » ne fait pas partie des choix proposés" in french.text  # noqa: RUF001

    too_long = portal.get("/", params={"q": "x" * 501})
    assert too_long.status_code == 422
    assert "Enter at most 500 characters" in too_long.text
    # The search box is described by its syntax hint, and by its error when it has one.
    assert 'aria-describedby="q-hint q-error" aria-invalid="true"' in too_long.text
    assert 'id="q-hint"' in too_long.text and 'id="q-error"' in too_long.text
    plain = portal.get("/").text
    assert 'maxlength="500" aria-describedby="q-hint">' in plain
    assert "a symbol such as A/HRC/22/15" in plain
    assert "une cote telle que A/HRC/22/15" in portal.get("/", params={"lang": "fr"}).text

    # An API client asking the same URL for JSON gets problem+json naming the fields.
    as_json = portal.get("/?sdg=99&cycle=abc", headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    assert as_json.headers["content-type"] == "application/problem+json"
    assert {error["field"] for error in as_json.json()["errors"]} == {"sdg", "cycle"}


def test_unknown_urls_give_an_html_page_in_the_readers_language(portal: TestClient, seeded: Seeded) -> None:
    for path in ("/no-such-page", "/recommendations", "/clusters/1/nothing", "/static"):
        response = portal.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "Page not found" in response.text
        check_html(response.text)
    french = portal.get("/no-such-page", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.status_code == 404
    assert '<html lang="fr">' in french.text
    assert "Page introuvable" in french.text
    assert french.headers["content-language"] == "fr"
    assert "Página no encontrada" in portal.get("/nothing?lang=es").text
    # Another method on a page: 405, still a page.
    posted = portal.post("/stats")
    assert posted.status_code == 405
    assert posted.headers["content-type"].startswith("text/html")
    assert "GET" in posted.headers["allow"]


def test_api_clients_keep_problem_json(portal: TestClient, seeded: Seeded) -> None:
    for path, headers in (
        ("/api/v1/no-such-thing", {"Accept": "text/html"}),
        ("/api/v1/public/recommendations/2147483647", {"Accept": "text/html"}),
        ("/no-such-page", {"Accept": "application/json"}),
        ("/recommendations/2147483647", {"Accept": "application/problem+json"}),
        ("/staff/no-such-page", {"Accept": "application/json"}),
        ("/docs/assets/nothing.js", {}),
    ):
        response = portal.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json", path
        assert response.json()["status"] == 404


def test_favicon(portal: TestClient) -> None:
    response = portal.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/vnd.microsoft.icon"
    assert response.headers["cache-control"] == "public, max-age=604800"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert portal.get("/favicon.ico", headers={"If-None-Match": response.headers["etag"]}).status_code == 304
    assert '<link rel="icon" href="/favicon.ico"' in portal.get("/exports").text


def test_search_filters_and_next_page(portal: TestClient, seeded: Seeded) -> None:
    found = portal.get("/", params={"q": "torture"}).text
    assert "1 recommendation found" in found
    # The text as a snippet, the matched word marked.
    assert TORTURE_EN.replace("torture", "<mark>torture</mark>") in found
    assert EDUCATION_EN not in found
    # The choices count within the search: the only match is not started (the education one is in progress).
    counted = r'name="status" value="%s"> <span>[^<]*</span> <span class="count">\(%d\)</span></label>'
    assert re.search(counted % ("not_started", 1), found)
    assert re.search(counted % ("in_progress", 0), found)
    assert "selected>Newest first</option>" in portal.get("/", params={"q": "torture", "sort": "newest"}).text
    assert "1 recommendation found" in portal.get("/", params={"status": "in_progress"}).text
    assert "1 recommendation found" in portal.get("/", params={"cycle": "3", "mechanism": "UPR"}).text
    assert "1 recommendation found" in portal.get("/", params={"sdg": "4"}).text
    in_cluster = portal.get("/", params={"cluster": str(seeded.cluster_id)}).text
    assert "1 recommendation found" in in_cluster
    # An unpublished cluster filters nothing in: it does not exist for the public.
    hidden = portal.get("/", params={"cluster": str(seeded.unpublished_cluster_id)}).text
    assert "0 recommendations found" in hidden

    # A recommendation's document links to every recommendation of that document.
    detail = portal.get(f"/recommendations/{seeded.education_id}").text
    document = detail.split('<dt>Document</dt><dd><a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert document == "/?q=CRC%2FC%2FPER%2FCO%2F6"
    of_document = portal.get(document).text
    assert "1 recommendation found" in of_document and EDUCATION_EN in of_document
    assert "1 recommendation found" in portal.get("/", params={"q": "A/HRC/37/8"}).text

    first = portal.get("/", params={"theme": "Right to health", "lang": "es"})
    assert "25 recomendaciones encontradas" in first.text
    checker = check_html(first.text)
    assert checker.html_lang == "es"
    next_link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "theme=Right+to+health" in next_link
    assert "lang=es" in next_link
    second = portal.get(next_link)
    assert second.status_code == 200
    assert second.text.count("<li>\n    <article>") == 5
    assert 'rel="next"' not in second.text
    # Records without a document symbol were all "Committee on the Elimination of Discrimination
    # against Women": each is named after its id now, as on the staff pages.
    names = re.findall(r'<h3><a href="/recommendations/(\d+)\?lang=es">([^<]+)</a></h3>', first.text)
    assert len(names) == 20 and len({name for _id, name in names}) == 20
    assert all(f" · Recomendación {id_} · " in name for id_, name in names)
    heading = (
        f"<h1>Committee on the Elimination of Discrimination against Women · Recommendation {names[0][0]} · "
    )
    assert heading in portal.get(f"/recommendations/{names[0][0]}").text


def test_language_from_query_then_accept_language_then_english(portal: TestClient, seeded: Seeded) -> None:
    path = f"/recommendations/{seeded.education_id}"
    french = portal.get(path, headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text
    assert EDUCATION_FR.replace("'", "&#39;") in french.text
    assert "Mise en œuvre" in french.text
    assert "Accept-Language" in french.headers["vary"]
    # Negotiated, not chosen: links stay without ?lang= (the browser keeps asking in French).
    assert 'href="/?lang=fr"' not in french.text

    spanish_first = portal.get(path, headers={"Accept-Language": "de, es;q=0.8, fr;q=0.3"})
    assert '<html lang="es">' in spanish_first.text
    # No Spanish text: the English one, marked with its language.
    assert f'<blockquote class="text" lang="en">12. {EDUCATION_EN}' in spanish_first.text

    assert '<html lang="en">' in portal.get(path, headers={"Accept-Language": "de, ja"}).text
    assert '<html lang="en">' in portal.get(path, params={"lang": "xx"}).text
    chosen = portal.get(path, params={"lang": "es"}, headers={"Accept-Language": "fr"})
    assert '<html lang="es">' in chosen.text
    assert 'href="/?lang=es"' in chosen.text  # chosen explicitly: kept in every link
    # The States in the page's language ("Peru" and "Norway" stayed as the English feed has them).
    assert "<dd>Perú</dd>" in chosen.text
    upr = portal.get(f"/recommendations/{seeded.torture_id}", params={"lang": "fr"}).text
    assert "<dd>Norvège</dd>" in upr and "<dd>Pérou</dd>" in upr


def test_stats_page_has_accessible_charts_and_tables(portal: TestClient, seeded: Seeded) -> None:
    text = portal.get("/stats").text
    assert text.count('<svg class="chart" role="img"') == 6
    assert '<title id="chart-status-title">By implementation status</title>' in text
    assert 'aria-labelledby="chart-status-title chart-status-desc"' in text
    assert "<caption>Data of the chart: By implementation status</caption>" in text
    # 27 current recommendations: 1 in progress, 26 never edited (the withdrawn one is not counted).
    assert '<th scope="row">In progress</th><td class="number">1</td>' in text
    assert '<th scope="row">Not started</th><td class="number">26</td>' in text
    assert "27 recommendations are followed." in text
    assert '<th scope="row">Cycle 3</th><td class="number">1</td>' in text
    french = portal.get("/stats", params={"lang": "fr"}).text
    assert '<th scope="row">Non commencée</th><td class="number">26</td>' in french


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
    found = re.search(r"<code>(/api/v1/public/exports/[^<]+)</code>", text)
    assert found is not None
    example = html.unescape(found.group(1))
    # A theme the data holds (the first by name), never a made-up one that answers 422.
    assert example == "/api/v1/public/exports/recommendations.csv?theme=Right+to+education&status=in_progress"
    assert portal.get(example).status_code == 200
    spanish = portal.get("/exports", params={"lang": "es"}).text
    for extension in ("csv", "xlsx", "json"):
        assert f'href="/api/v1/public/exports/recommendations.{extension}?lang=es"' in spanish
    assert "recommendations.csv?theme=Right+to+education&amp;status=in_progress&amp;lang=es</code>" in spanish


def test_exports_page_example_without_themes(portal: TestClient) -> None:
    text = portal.get("/exports").text
    assert "<code>/api/v1/public/exports/recommendations.csv?status=in_progress</code>" in text


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


def test_pages_are_cacheable(portal: TestClient, seeded: Seeded) -> None:
    first = portal.get("/clusters")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = portal.get("/clusters", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    css = portal.get("/static/portal.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text


def test_public_access_off_hides_every_page(app_with: object, seeded: Seeded) -> None:
    client = app_with(public_access="off")  # type: ignore[operator]
    for path in pages(seeded):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Page not found" in response.text


def test_public_access_key_needs_credentials(app_with: object, seeded: Seeded, engine: Engine) -> None:
    client = app_with(public_access="key")  # type: ignore[operator]
    response = client.get("/")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "Sign-in required" in response.text
    reader = accounts.headers_for(engine, "reader")
    assert client.get("/", headers=reader).status_code == 200
    assert client.get(f"/recommendations/{seeded.education_id}", headers=reader).status_code == 200


def test_rate_limit_gives_a_429_page(app_with: object, seeded: Seeded) -> None:
    client = app_with(public_rate_limit=3)  # type: ignore[operator]
    statuses = [client.get("/exports").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/exports")
    assert int(limited.headers["retry-after"]) >= 1
    assert "Too many requests" in limited.text


def _crc(db: Connection) -> int:
    """The Committee on the Rights of the Child as a mechanism, for rows written straight into the table."""
    return db.execute(
        insert(Mechanism)
        .values(code="CRC", name="Committee on the Rights of the Child", family="treaty-body")
        .returning(Mechanism.id)
    ).scalar_one()


def test_a_thousand_recommendations_are_counted_the_same_way_on_every_page(
    db: Connection, make_app: MakeApp
) -> None:
    """The search's heading and every choice's count, and the statistics' charts and their tables,
    write 1 001 the reader's way ("1 001" in French, "1.001" in Spanish), not "1001" here and there."""
    mechanism = _crc(db)
    day = date(2024, 1, 1)
    db.execute(
        insert(Recommendation),
        [
            {
                "source": "uhri",
                "external_id": f"many-{n}",
                "type": "recommendation",
                "mechanism_id": mechanism,
                "position": "none",
                "sort_date": day,
                "publication_date": day,
                "content_hash": "x",
                "needs_review": False,
                "withdrawn": False,
            }
            for n in range(1001)
        ],
    )
    client = TestClient(make_app())
    for lang in ("fr", "es"):
        written = format_number(1001, lang)
        assert written != "1001"
        search = client.get("/", params={"lang": lang}).text
        heading = re.search(r'<h2 id="results">([^<]*)</h2>', search)
        assert heading and written in heading.group(1)
        counted = f'<span class="count">({written})</span></label>'
        assert counted in next(line for line in search.splitlines() if 'value="CRC"' in line)
        assert counted in next(line for line in search.splitlines() if 'value="not_started"' in line)
        stats = client.get("/stats", params={"lang": lang}).text
        assert f'<td class="number">{written}</td>' in stats  # the table under the status chart
        charted = re.findall(r'<text class="chart-value"[^>]*>([^<]*)</text>', stats)
        assert written in charted and "1001" not in charted


def test_the_statistics_page_counts_the_overdue_actions_the_actions_list_shows(
    db: Connection, make_app: MakeApp
) -> None:
    """A published action past due whose recommendation the feed withdrew: the actions list shows it
    overdue, and the statistics page's "N published actions are overdue" counts it too."""
    mechanism = _crc(db)
    day = date(2024, 1, 1)
    current, gone = (
        db.execute(
            insert(Recommendation)
            .values(
                source="uhri",
                external_id=f"overdue-{n}",
                type="recommendation",
                mechanism_id=mechanism,
                position="none",
                sort_date=day,
                content_hash="x",
                needs_review=False,
                withdrawn=n == 1,
            )
            .returning(Recommendation.id)
        ).scalar_one()
        for n in range(2)
    )
    with building(db) as build:
        for title, rec in (("Train judges", current), ("Open shelters", gone)):
            build.action(title, recommendations=[rec], status="in_progress", due_date=day, published=True)
    client = TestClient(make_app())
    listed = client.get("/api/v1/public/actions", params={"overdue": "true"}).json()["total"]
    assert listed == 2
    assert f"{listed} published actions are overdue." in client.get("/stats").text
