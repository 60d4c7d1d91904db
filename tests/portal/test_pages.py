"""Every portal page: renders, is well-formed and accessible-ish HTML, shows only published data,
and speaks the reader's language (its error pages and NRTD_PUBLIC_ACCESS: test_error_pages.py; its
counts: test_page_counts.py; the open-data page: test_exports_page.py)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.portal import views
from app.taxonomies.service import sdg_titles
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
    # "none", the API's value for recommendations outside the UPR, was no choice: the list showed it
    # bare and English ("none", without a count), and so did the printed summary.
    outside = portal.get("/", params={"cycle": "none", "lang": "fr"}).text
    count = re.search(r'<h2 id="results">(\d+) recommandations? trouvées?</h2>', outside)
    assert count and int(count.group(1)) > 0
    assert (
        '<input type="checkbox" name="cycle" value="none" checked> <span>Hors EPU</span> '
        f'<span class="count">({count.group(1)})</span>'
    ) in outside
    assert "EPU : Hors EPU</p>" in outside and "> none<" not in outside
    assert "1 recommendation found" in portal.get("/", params={"sdg": "4"}).text
    # A target, which the API takes (a dashboard's link), was shown bare ("4.1") among the goals; it
    # is named by its title, in the page's language, in the list and in the printed summary.
    target = portal.get("/", params={"sdg": "4.1", "lang": "fr"}).text
    assert "1 recommandation trouvée" in target
    titled = f"4.1. {sdg_titles('fr')['4.1']}"
    assert f'<input type="checkbox" name="sdg" value="4.1" checked> <span>{titled}' in target
    assert f"Objectif de développement durable : {titled}" in target and "> 4.1</label>" not in target
    in_cluster = portal.get("/", params={"cluster": str(seeded.cluster_id)}).text
    assert "1 recommendation found" in in_cluster
    # An unpublished cluster filters nothing in: it does not exist for the public.
    hidden = portal.get("/", params={"cluster": str(seeded.unpublished_cluster_id)}).text
    assert "0 recommendations found" in hidden
    # ... but the form said "Any cluster" beside no result (an old link to a cluster since withdrawn
    # from the public, a mistyped number): it keeps the number chosen, and the printed summary says it.
    gone = f"Cluster {seeded.unpublished_cluster_id} (not found)"
    assert f'<option value="{seeded.unpublished_cluster_id}" selected>{gone}</option>' in hidden
    assert '<option value="" selected' not in hidden
    assert f'<p class="print-only search-summary">Cluster: {gone}</p>' in hidden
    # A number written with a leading zero is the cluster it names, chosen by its name.
    padded = portal.get("/", params={"cluster": f"0{seeded.cluster_id}"}).text
    assert "1 recommendation found" in padded and "(not found)" not in padded
    assert re.search(rf'<option value="{seeded.cluster_id}" selected>', padded)

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


def test_a_regional_variant_is_its_language(portal: TestClient, seeded: Seeded) -> None:
    """?lang=fr-CA gave the English page: a regional or script variant is its base language."""
    path = f"/recommendations/{seeded.education_id}"
    for asked, lang in (("fr-CA", "fr"), ("es-419", "es"), ("ES_mx", "es"), ("en-GB", "en")):
        page = portal.get(path, params={"lang": asked}, headers={"Accept-Language": "de"})
        assert f'<html lang="{lang}">' in page.text, asked
        assert page.headers["content-language"] == lang
        assert f'href="/?lang={lang}"' in page.text, asked  # chosen: kept in every link, as named here
    for header, lang in (("es-419", "es"), ("zh-Hans, fr-CH;q=0.8", "fr"), ("zh-Hans", "en")):
        assert f'<html lang="{lang}">' in portal.get(path, headers={"Accept-Language": header}).text, header
    # A language we do not have is English, as before.
    for asked in ("de-DE", "pt-BR", "zh-Hans"):
        assert '<html lang="en">' in portal.get(path, params={"lang": asked}).text, asked


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


def test_the_theme_chart_says_it_shows_the_largest_themes_only(
    portal: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme chart and its table show the largest themes only (15 of a State's hundred or more),
    under "By theme" and "Number of recommendations, by theme.": a reader took them for every theme. The
    page says how many it shows of how many, in the chart's description too; a chart of every theme
    says nothing more."""
    themes = len(portal.get("/api/v1/public/stats").json()["by_theme"])
    assert themes > 1
    assert "themes with the most recommendations" not in portal.get("/stats").text
    monkeypatch.setattr(views, "TOP_THEMES", 1)
    text = portal.get("/stats").text
    said = f"The 1 theme with the most recommendations (of {themes})."
    assert f"<p>{said}</p>" in text
    assert f"Number of recommendations, by theme. {said}</desc>" in text
    section = text[text.index("chart-theme-heading") : text.index("chart-sdg-heading")]
    assert section.count('<th scope="row"') == 1


def test_a_chart_s_description_keeps_the_acronym_of_its_title(portal: TestClient, seeded: Seeded) -> None:
    """A screen reader read the UPR chart's description as "Number of recommendations, by upr cycle."
    ("por ciclo del epu" in Spanish): the title was lowercased whole. Only its first letter
    is, so the acronym stays one."""
    for lang, expected in (
        ("en", "Number of recommendations, by UPR cycle."),
        ("fr", "Nombre de recommandations, par cycle de l\u2019EPU."),
        ("es", "Número de recomendaciones, por ciclo del EPU."),
    ):
        text = html.unescape(portal.get("/stats", params={"lang": lang}).text)
        assert f'<desc id="chart-cycle-desc">{expected}</desc>' in text, lang
    status = "Number of recommendations, by implementation status."
    assert f'<desc id="chart-status-desc">{status}</desc>' in portal.get("/stats").text


def test_pages_are_cacheable(portal: TestClient, seeded: Seeded) -> None:
    first = portal.get("/clusters")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = portal.get("/clusters", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    css = portal.get("/static/portal.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text
