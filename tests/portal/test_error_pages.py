"""The portal's answers that are no page of data, as pages in the reader's language: not found,
an invalid search naming its fields, a method not allowed, sign-in required, too many requests, the
portal switched off (NRTD_PUBLIC_ACCESS); and problem+json for an API client."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import accounts
from tests.conftest import MakeApp
from tests.portal.seed import Seeded
from tests.portal.test_pages import check_html, pages


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


def test_an_id_not_in_its_decimal_digits_names_no_page(portal: TestClient, seeded: Seeded) -> None:
    # /actions/01, /actions/+1, /actions/1.0 read as the id 1: they are not its page's address.
    pages = {
        "actions": seeded.action_id,
        "clusters": seeded.cluster_id,
        "recommendations": seeded.education_id,
    }
    for kind, row_id in pages.items():
        assert portal.get(f"/{kind}/{row_id}").status_code == 200, kind
        for odd in (f"0{row_id}", f"+{row_id}", f"{row_id}.0", f"%20{row_id}"):
            response = portal.get(f"/{kind}/{odd}")
            assert response.status_code == 404, (kind, odd)
            assert "Page not found" in response.text


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


def test_a_refused_address_value_is_named_in_words_fitting_its_page(
    portal: TestClient, seeded: Seeded
) -> None:
    """Every page's 422 said "Invalid search", naming nothing: a recommendation's, a cluster's, the
    statistics'. It now names each refused value and its reason, and links the page without them."""
    long = "x" * 20
    for path, refused, named, without in (
        ("/stats", {"lang": long}, "Language: Enter at most 16 characters", "/stats"),
        (
            f"/recommendations/{seeded.education_id}",
            {"lang": long, "x": "1"},
            "Language: Enter at most 16 characters",
            f"/recommendations/{seeded.education_id}?x=1",
        ),
        ("/clusters", {"cursor": "c" * 401}, "Page: Enter at most 400 characters", "/clusters"),
        ("/calendar", {"page": "9" * 17}, "Page: Enter at most 16 characters", "/calendar"),
    ):
        response = portal.get(path, params=refused)
        assert response.status_code == 422, path
        text = response.text
        assert "<h1>Invalid request</h1>" in text and "Invalid search" not in text, path
        assert "Some of the values in the address of this page are not valid." in text, path
        assert f"<li>{named}</li>" in text, path
        assert f'<a href="{without}">Open this page without these values</a>' in text, path
        check_html(text)
    # On the search, a search's: what was typed is kept in the link back, the refused value left out.
    searched = portal.get("/", params={"q": "girls", "cycle": "3", "page": "9" * 17})
    assert searched.status_code == 422
    assert "<h1>Invalid search</h1>" in searched.text
    assert "<li>Page: Enter at most 16 characters</li>" in searched.text
    assert 'href="/?q=girls&amp;cycle=3">' in searched.text
    # In the reader's language.
    french = portal.get("/stats", params={"lang": long}, headers={"Accept-Language": "fr"})
    assert "<li>Langue : Saisissez au plus 16 caractères</li>" in french.text


def test_unknown_urls_give_an_html_page_in_the_readers_language(portal: TestClient, seeded: Seeded) -> None:
    for path in ("/no-such-page", "/recommendation", "/clusters/1/nothing", "/static"):
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
    # It said "Page not found" over "This address cannot be used this way.": the page exists.
    assert "<h1>Not allowed</h1>" in posted.text and "Page not found" not in posted.text
    assert "This address cannot be used this way." in posted.text


def test_the_links_of_a_page_at_an_address_that_reads_as_another_site_stay_on_this_site(
    portal: TestClient, seeded: Seeded
) -> None:
    # "//evil.example/x" is a 404 page here, but its language links (and <link rel="alternate">) were
    # href="//evil.example/x?lang=fr": a browser follows that to evil.example (a backslash, and a tab,
    # which it drops, read the same): a link sent round led readers from the site to another one.
    for path in ("//evil.example/x", "/%2F%2Fevil.example", "/%5Cevil.example", "/%09/evil.example"):
        response = portal.get("http://testserver" + path)
        assert response.status_code == 404, path
        # The links to this page (in another language); the others are the site's own addresses.
        links = [link for link in re.findall(r'href="([^"]*)"', response.text) if "lang=" in link]
        assert any("lang=fr" in link for link in links), path
        for link in links:
            # As a browser reads a link: tabs and line breaks dropped, a backslash a slash.
            read = html.unescape(link).replace("\t", "").replace("\n", "").replace("\\", "/")
            assert urlsplit(urljoin("http://testserver/page", read)).netloc == "testserver", (path, link)
    # The link leads to the same address, in the other language.
    page = portal.get("http://testserver//evil.example/x")
    french = re.search(r'href="([^"]*lang=fr)"', page.text)
    assert french is not None
    assert portal.get("http://testserver" + html.unescape(french.group(1))).status_code == 404


def test_a_list_page_with_a_trailing_slash_leads_to_the_list(portal: TestClient, seeded: Seeded) -> None:
    # The recommendations' list is the search page: /recommendations/ was a 404.
    for path, target in (
        ("/recommendations/", "/"),
        ("/recommendations", "/"),
        ("/recommendations/?q=girls&cycle=3&lang=fr", "/?q=girls&cycle=3&lang=fr"),
    ):
        response = portal.get(path, follow_redirects=False)
        assert response.status_code == 308, path
        assert response.headers["location"] == target, path
    followed = portal.get("/recommendations/?q=education&lang=fr")
    assert followed.status_code == 200
    assert '<html lang="fr">' in followed.text and 'value="education"' in followed.text
    # Every other list page, with a slash added, leads to its own address, the query kept.
    lists = ("/actions/?q=x", "/clusters/?page=2", "/calendar/", "/stats/", "/exports/", "/accessibility/")
    for path in lists:
        response = portal.get(path, follow_redirects=False)
        assert response.is_redirect, path
        assert response.headers["location"].endswith(path.replace("/?", "?").rstrip("/")), path
        assert portal.get(path).status_code == 200, path


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
