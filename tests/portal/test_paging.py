"""The pages of the portal's lists: the first, previous and next pages' links, in every order of
the search (relevance's included) and on the action list."""

# The titles join their parts with an en dash and quote the words with curly quotes, as the pages do.
# ruff: noqa: RUF001

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.core.pagination import encode_cursor
from app.plans.actions.service import ACTIONS
from app.portal import search_filters, views
from app.portal.pages import PageContext
from app.portal.paging import MAX_BACK, Paging
from tests.builder import building
from tests.conftest import MakeApp
from tests.portal.seed import FILLER_COUNT, Seeded

RELS = {"Next page": "next", "Page suivante": "next", "Previous page": "prev", "Page précédente": "prev"}


def _links(body: str) -> dict[str, str]:
    """The pager's links by their text ("Next page": its address), checking its markup: the next
    and previous pages' links say which they are (``rel``)."""
    nav = re.search(r'<nav class="pager" aria-label="Pages">(.*?)</nav>', body, re.S)
    assert nav, "the pager is a navigation landmark named Pages"
    links = {}
    for attrs, text in re.findall(r"<a ([^>]*)>([^<]*)</a>", nav.group(1)):
        href = html.unescape(re.search(r'href="([^"]*)"', attrs).group(1))  # type: ignore[union-attr]
        rel = re.search(r'rel="([^"]*)"', attrs)
        expected = RELS.get(text)
        assert (rel.group(1) if rel else None) == expected, text
        links[text] = href
    return links


def _ids(body: str) -> list[str]:
    return re.findall(r'<h3><a href="/recommendations/(\d+)[^"]*">', body)


@pytest.mark.parametrize("query", [{"sort": "newest"}, {"sort": "oldest"}, {"q": "maternal health"}])
def test_the_search_pages_lead_back_as_they_lead_forward(
    portal: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]
) -> None:
    monkeypatch.setattr(search_filters, "PAGE_SIZE", 10)  # three pages of the 25 filler records
    first = portal.get("/", params={"theme": "Right to health", "lang": "fr", **query})
    pages, bodies, address = [_ids(first.text)], [first.text], None
    while "Page suivante" in (links := _links(bodies[-1])):
        address = links["Page suivante"]
        assert "lang=fr" in address and "theme=Right+to+health" in address
        bodies.append(portal.get(address).text)
        pages.append(_ids(bodies[-1]))
    assert [len(ids) for ids in pages] == [10, 10, FILLER_COUNT - 20]
    assert len({id_ for ids in pages for id_ in ids}) == FILLER_COUNT

    # From the last page back to the first, each page as it was on the way forward.
    assert set(_links(bodies[0])) == {"Page suivante"}
    assert set(_links(bodies[1])) == {"Page précédente", "Page suivante"}
    assert set(_links(bodies[2])) == {"Première page", "Page précédente"}
    body = bodies[2]
    for ids in reversed(pages[:-1]):
        back = portal.get(_links(body)["Page précédente"])
        assert back.status_code == 200
        body = back.text
        assert _ids(body) == ids
    assert "cursor" not in _links(bodies[1])["Page précédente"]
    assert _ids(portal.get(_links(bodies[2])["Première page"]).text) == pages[0]


def test_the_action_list_leads_back_to_its_previous_pages(portal: TestClient, seeded: Seeded) -> None:
    second = encode_cursor(ACTIONS, seeded.action_id + 1000)
    third = encode_cursor(ACTIONS, seeded.action_id + 500)
    body = portal.get("/actions", params={"status": "in_progress", "cursor": third, "back": second}).text
    links = _links(body)
    assert links["First page"] == "/actions?status=in_progress"
    previous = links["Previous page"]
    assert f"cursor={second}" in previous and "back=" not in previous and "status=in_progress" in previous
    assert _links(portal.get(previous).text)["Previous page"] == "/actions?status=in_progress"


def test_a_tampered_back_in_the_address_leads_to_no_error_page(
    portal: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``back`` that is no cursor of the list (edited, cut short, of another order) is ignored: the
    page links to the first page, never to a page refused for its cursor."""
    third = encode_cursor(ACTIONS, seeded.action_id + 500)
    for back in ("not-a-cursor", encode_cursor(ACTIONS, seeded.action_id + 1000)[:-3]):
        body = portal.get("/actions", params={"status": "in_progress", "cursor": third, "back": back}).text
        links = _links(body)
        assert links.get("Previous page", links.get("First page")) == "/actions?status=in_progress"
    monkeypatch.setattr(search_filters, "PAGE_SIZE", 10)
    first = portal.get("/", params={"theme": "Right to health", "sort": "newest"})
    second = portal.get(_links(first.text)["Next page"])
    third_address = _links(second.text)["Next page"]
    query = parse_qs(urlsplit(third_address).query)
    oldest = portal.get("/", params={"theme": "Right to health", "sort": "oldest"})
    other_order = parse_qs(urlsplit(_links(oldest.text)["Next page"]).query)["cursor"][0]
    for back in ("x" + query["back"][0], other_order):
        body = portal.get("/", params={**query, "back": back}).text
        links = _links(body)
        way_back = links.get("Previous page", links.get("First page"))
        assert way_back and "cursor" not in way_back and portal.get(way_back).status_code == 200, back


def _title(body: str) -> str:
    found = re.search(r"<title>(.*?)</title>", body, re.S)
    assert found
    return html.unescape(found.group(1))


def test_the_title_and_heading_say_which_search_and_which_page(
    portal: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_filters, "PAGE_SIZE", 10)
    first = portal.get("/", params={"q": "maternal health"}).text
    assert _title(first).startswith("Recommendations – Search for “maternal health” · ")
    assert "<h1>Recommendations</h1>" in first
    second = portal.get(_links(first)["Next page"]).text
    assert _title(second).startswith("Recommendations – Search for “maternal health” – Page 2 · ")
    assert re.search(r"<h1>Recommendations <span[^>]*>– Page 2</span></h1>", second)
    third = portal.get(_links(second)["Next page"]).text
    assert _title(third).startswith("Recommendations – Search for “maternal health” – Page 3 · ")
    # Without words, the page number alone; a refused search says so first.
    assert _title(portal.get("/", params={"theme": "Right to health", "sort": "oldest"}).text).startswith(
        "Recommendations · "
    )
    refused = portal.get("/", params={"q": "maternal", "sort": "upside-down"}).text
    assert _title(refused).startswith("Error: Recommendations – Search for “maternal” · ")
    # A refused cursor is no page 2: the first page is shown, and called so.
    for cursor in (" ", "not-a-cursor"):
        no_page = portal.get("/", params={"q": "maternal", "cursor": cursor, "page": "2"})
        assert no_page.status_code == 422
        assert _title(no_page.text).startswith("Error: Recommendations – Search for “maternal” · "), cursor
        assert "<h1>Recommendations</h1>" in no_page.text

    actions = portal.get("/actions", params={"q": "schools"}).text
    assert _title(actions).startswith("Actions – Search for “schools” · ")
    cursor = encode_cursor(ACTIONS, seeded.action_id + 1000)
    later = portal.get("/actions", params={"cursor": cursor, "back": cursor, "page": "7"}).text
    assert _title(later).startswith("Actions – Page 7 · ")
    assert re.search(r"<h1>Actions <span[^>]*>– Page 7</span></h1>", later)


def test_a_long_search_is_cut_short_in_the_title(portal: TestClient, seeded: Seeded) -> None:
    """The title held the whole search, up to 500 characters."""
    words = " ".join(["torture", "prevention", "detention", "monitoring"] * 20)[:490]
    for path in ("/", "/actions"):
        body = portal.get(path, params={"q": words}).text
        title = _title(body)
        searched = title.split("Search for “")[1].split("”")[0]
        assert len(searched) <= 60 and searched.endswith("…"), title
        # At a space, on a whole word.
        assert words.startswith(searched.removesuffix("…")) and words[len(searched) - 1] == " ", title
        # The form keeps every word.
        assert f'value="{words}"' in body
    # Spaces and line breaks are one space; a short search is whole.
    spaced = portal.get("/", params={"q": " torture\n prevention "}).text
    assert "Search for “torture prevention”" in _title(spaced)
    assert "Search for “maternal health”" in _title(portal.get("/", params={"q": "maternal health"}).text)


def test_every_published_cluster_is_reached_page_by_page(
    db: Connection, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cluster list showed its first 200 clusters and no link to the others."""
    names = [f"Cluster {letter}" for letter in "ABCDE"]
    with building(db) as build:
        for name in names:
            build.cluster(name, published=True)
        build.cluster("Cluster Z (draft)")
    monkeypatch.setattr(views, "CLUSTER_LIST_SIZE", 2)
    client = TestClient(make_app())

    def shown(body: str) -> list[str]:
        return re.findall(r'<td><a href="/clusters/\d+[^"]*"[^>]*>([^<]*)</a></td>', body)

    bodies = [client.get("/clusters", params={"lang": "en"}).text]
    while "Next page" in (links := _links(bodies[-1])):
        assert "lang=en" in links["Next page"]
        bodies.append(client.get(links["Next page"]).text)
    assert [shown(body) for body in bodies] == [names[:2], names[2:4], names[4:]]
    # A cluster without a lead entity: the cell said nothing (a screen reader's "blank"), where the
    # cluster's own page says "Not assigned".
    assert bodies[0].count("<td>Not assigned</td>") == 2 and "<td></td>" not in bodies[0]
    assert _title(bodies[2]).startswith("Clusters – Page 3 · ")
    assert shown(client.get(_links(bodies[2])["Previous page"]).text) == names[2:4]
    assert shown(client.get(_links(bodies[1])["Previous page"]).text) == names[:2]


def test_a_cluster_page_link_cut_short_opens_the_first_page(
    db: Connection, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared link to a later page of the cluster list whose cursor was cut short (a mail
    program wrapping the long address) or tampered with was a 422 page "Invalid search" leading
    "Back to the recommendations"; it is the list's first page, as the calendar's is."""
    with building(db) as build:
        for letter in "ABC":
            build.cluster(f"Cluster {letter}", published=True)
    monkeypatch.setattr(views, "CLUSTER_LIST_SIZE", 2)
    client = TestClient(make_app())
    second = _links(client.get("/clusters", params={"lang": "fr"}).text)["Page suivante"]
    cursor = parse_qs(urlsplit(second).query)["cursor"][0]
    for broken in (cursor[:-4], "tampered"):
        response = client.get("/clusters", params={"cursor": broken, "page": "2", "lang": "fr"})
        assert response.status_code == 200
        assert _title(response.text).startswith("Groupes · ")
        assert "Cluster A" in response.text and "Page suivante" in _links(response.text)


def test_a_deep_page_keeps_its_number_and_a_short_address() -> None:
    """Only the last MAX_BACK cursors travel in the address; the page's number is kept beside them,
    and a number the cursors contradict (or none at all) is read from their count."""
    context = PageContext("en", False, "search", "/", ())
    cursors = [encode_cursor(ACTIONS, 1000 - n) for n in range(2, 41)]  # the cursors of pages 2 to 40
    deep = Paging.of(cursors[-1], cursors[:-1], "40")
    assert deep.number == 40 and len(deep.back) == MAX_BACK
    links = deep.links(context, "/", {"q": "water"}, encode_cursor(ACTIONS, 1000 - 41))
    assert links["page_number"] == 40 and links["first_url"] == "/?q=water"
    following = parse_qs(urlsplit(links["next_url"]).query)
    assert following["page"] == ["41"] and following["back"] == cursors[-MAX_BACK:]
    previous = parse_qs(urlsplit(links["prev_url"]).query)
    assert previous["cursor"] == [cursors[-2]] and previous["page"] == ["39"]
    assert Paging.of(cursors[1], cursors[:1], "1").number == 3  # fewer than the cursors count: theirs
    assert Paging.of(cursors[1], cursors[:1], "x").number == 3
    assert Paging.of(None, cursors[:1], "7").number == 1  # no cursor: the first page
