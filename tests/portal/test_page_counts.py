"""Numbers the portal counts: written the reader's way on every page, and the same count where two
pages show one (the statistics page and the actions list)."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Connection, insert

from app.models import Mechanism, Recommendation
from app.web.i18n import format_number, translations
from tests.builder import bare_recommendation, building
from tests.conftest import MakeApp


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
    current, gone = (bare_recommendation(db, mechanism, f"overdue-{n}", withdrawn=n == 1) for n in range(2))
    with building(db) as build:
        for title, rec in (("Train judges", current), ("Open shelters", gone)):
            build.action(title, recommendations=[rec], status="in_progress", due_date=day, published=True)
    client = TestClient(make_app())
    listed = client.get("/api/v1/public/actions", params={"overdue": "true"}).json()["total"]
    assert listed == 2
    assert f"{listed} published actions are overdue." in client.get("/stats").text
    # French and Spanish wrote "overdue" as the action status "Delayed" is written ("En retard",
    # "atrasada"): the list marked an action in progress "En retard", which the status filter's "En
    # retard" did not find. The two words differ now, on the list and in the statistics' sentence.
    for lang in ("fr", "es"):
        delayed = translations(lang).gettext("Delayed")
        assert delayed != "Delayed"
        listing = client.get("/actions", params={"lang": lang}).text
        assert f'<option value="delayed">{delayed}</option>' in listing
        markers = re.findall(r"<strong>([^<]*)</strong>", listing)
        assert len(markers) == 2 and delayed not in markers, (lang, markers)
        stats = re.search(r"</h1>\s*<p>(.*?)</p>", client.get("/stats", params={"lang": lang}).text, re.S)
        assert stats and format_number(2, lang) in stats.group(1)
        assert delayed.lower() not in stats.group(1).lower(), (lang, stats.group(1))


def test_an_instance_with_nothing_public_says_so_rather_than_blame_the_filters(make_app: MakeApp) -> None:
    """No recommendation and no published action at all: the search and the action list, asked for
    without a filter, said "No ... matches these filters." (none was chosen) under an empty list (a
    screen reader's "list, 0 items"). They say there is nothing yet; a search that finds nothing
    still names its filters."""
    client = TestClient(make_app())
    for path, nothing_yet, no_match in (
        ("/", "No recommendation is tracked yet.", "No recommendation matches these filters."),
        ("/actions", "No action has been published yet.", "No published action matches these filters."),
    ):
        page = client.get(path).text
        assert nothing_yet in page and no_match not in page, path
        assert '<ol class="results">' not in page, path
        searched = client.get(path, params={"q": "water"}).text
        assert no_match in searched and nothing_yet not in searched, path
        assert '<ol class="results">' not in searched, path
