"""The portal's Atom feed of actions: linked from the head and the open-data page, its entries pointing
at the portal's pages, in the language of the feed asked for."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from tests.portal.seed import (
    Seeded,
)

A = "{http://www.w3.org/2005/Atom}"


def test_the_feed_is_linked_and_points_at_the_portal_pages(portal: TestClient, seeded: Seeded) -> None:
    # The feed in the page's language, however it was chosen: a feed reader fetches it without the
    # browser's Accept-Language, and would otherwise get English.
    for path in ("/", "/actions", f"/actions/{seeded.action_id}", "/exports"):
        head = portal.get(path).text.split("</head>")[0]
        assert (
            '<link rel="alternate" type="application/atom+xml" href="/api/v1/public/feed.atom?lang=en"'
            in head
        )
        french = portal.get(path, headers={"Accept-Language": "fr"}).text.split("</head>")[0]
        assert 'type="application/atom+xml" href="/api/v1/public/feed.atom?lang=fr"' in french
    assert (
        '<a href="/api/v1/public/feed.atom?lang=en" type="application/atom+xml">'
        in portal.get("/exports").text
    )
    spanish = portal.get("/exports", params={"lang": "es"}).text
    assert '<a href="/api/v1/public/feed.atom?lang=es" type="application/atom+xml">' in spanish
    feed = portal.get("/api/v1/public/feed.atom")
    root = ET.fromstring(feed.content)
    (entry,) = root.iter(f"{A}entry")
    page_url = f"http://testserver/actions/{seeded.action_id}#progress-{seeded.progress_id}"
    assert entry.findtext(f"{A}id") == page_url
    html = entry.find(f"{A}link[@rel='alternate'][@type='text/html']")
    assert html is not None and html.get("href") == page_url
    data = entry.find(f"{A}link[@rel='alternate'][@type='application/json']")
    assert (
        data is not None and data.get("href") == f"http://testserver/api/v1/public/actions/{seeded.action_id}"
    )
    related = [link.get("href") for link in entry.findall(f"{A}link[@rel='related'][@type='text/html']")]
    assert related == [f"http://testserver/recommendations/{seeded.education_id}"]
    # Each link opens the page it names, which shows the update.
    opened = portal.get(page_url.removeprefix("http://testserver").split("#")[0])
    assert f'id="progress-{seeded.progress_id}"' in opened.text
    assert portal.get(related[0].removeprefix("http://testserver")).status_code == 200  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_a_language_s_feed_links_the_pages_in_that_language(
    portal: TestClient, seeded: Seeded, lang: str
) -> None:
    """A reader of the Spanish feed opens its entries in Spanish, whatever their browser's language
    (the entry's id stays the update's address, the same in every language's feed)."""
    feed = portal.get("/api/v1/public/feed.atom", params={"lang": lang}, headers={"Accept-Language": "en"})
    (entry,) = ET.fromstring(feed.content).iter(f"{A}entry")
    page_url = f"http://testserver/actions/{seeded.action_id}?lang={lang}#progress-{seeded.progress_id}"
    html = entry.find(f"{A}link[@rel='alternate'][@type='text/html']")
    assert html is not None and html.get("href") == page_url
    assert (
        entry.findtext(f"{A}id")
        == f"http://testserver/actions/{seeded.action_id}#progress-{seeded.progress_id}"
    )
    related = [link.get("href") for link in entry.findall(f"{A}link[@rel='related'][@type='text/html']")]
    assert related == [f"http://testserver/recommendations/{seeded.education_id}?lang={lang}"]
    opened = portal.get(
        page_url.removeprefix("http://testserver").split("#")[0], headers={"Accept-Language": "en"}
    )
    assert f'<html lang="{lang}">' in opened.text and f'id="progress-{seeded.progress_id}"' in opened.text
