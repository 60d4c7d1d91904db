"""The plan a list page takes from its known total never changes the page.

With many matches SQLite walks the newest-first index (``+id IN``) and PostgreSQL starts a single
cycle's walk at that cycle's newest date and reads a mechanism's ids from an array; with few,
PostgreSQL collects a single taxonomy value's matches as an array (``id = ANY(ARRAY(...))``);
otherwise the planner chooses. Whichever is taken, the pages hold the same recommendations in the
same order, with the same cursors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.recommendations import kept, ordering, search, service
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
# (external id, mechanism, publication date, countries, themes, SDGs): equal dates on purpose.
# The UPR rows (every third) are of sessions 30, 20, 36, 20 and 30: cycles 3 and 2, their dates
# interleaved, so that a cycle's newest date is not the newest of all.
ROWS = [
    (f"P{n:02}", "CRC" if n % 3 else "UPR", date(2024, 1 + n % 4, 1 + n % 2), countries, themes, sdgs)
    for n, (countries, themes, sdgs) in enumerate(
        [
            (["Peru"], ["Right to health"], ["3", "3.8"]),
            (["Chile"], ["Right to health"], ["5.2"]),
            (["Peru"], ["Women's rights"], ["3.8"]),
            (["Peru", "Chile"], ["Right to health", "Women's rights"], ["16"]),
            (["Chile"], ["Women's rights"], ["3"]),
        ]
        * 3
    )
]
QUERIES: list[dict[str, Any]] = [
    {"country": "Peru"},
    {"theme": "Right to health"},
    {"sdg": "3"},
    {"sdg": "3.8"},
    {"country": ["Peru", "Chile"]},
    {"country": "Peru", "theme": "Women's rights"},
    {"country": "Chile", "mechanism": "CRC"},
    {"mechanism": "CRC"},
    {"mechanism": ["CRC", "UPR"], "sort": "oldest"},
    {"country": "Peru", "sort": "oldest"},
    {"cycle": 3},
    {"cycle": 2, "country": "Chile"},
    {"cycle": [2, 3]},
]
SESSIONS = {0: 30, 3: 20, 6: 36, 9: 20, 12: 30}
CYCLES = {30: 3, 36: 3, 20: 2}  # as the parsers derive them (cycle_for_session)


def _pages(client: TestClient, query: dict[str, Any]) -> list[tuple[list[int], str | None]]:
    pages: list[tuple[list[int], str | None]] = []
    cursor: str | None = None
    while True:
        params = {**query, "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(([item["id"] for item in body["items"]], body["next_cursor"]))
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def _expected(ids: dict[str, int], query: dict[str, Any]) -> set[int]:
    def wanted(value: Any) -> list[Any]:
        return value if isinstance(value, list) else [value]

    found = set()
    for n, (external_id, mechanism, _day, countries, themes, sdgs) in enumerate(ROWS):
        cycle = CYCLES.get(SESSIONS.get(n, 0))
        goals = {code.split(".")[0] for code in sdgs} | set(sdgs)
        if (
            ("country" not in query or set(wanted(query["country"])) & set(countries))
            and ("theme" not in query or set(wanted(query["theme"])) & set(themes))
            and ("sdg" not in query or query["sdg"] in goals)
            and ("mechanism" not in query or mechanism in wanted(query["mechanism"]))
            and ("cycle" not in query or cycle in wanted(query["cycle"]))
        ):
            found.add(ids[external_id])
    return found


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items()))
def test_every_plan_gives_the_same_pages(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, query: dict[str, Any]
) -> None:
    import_records(
        engine,
        [
            record(
                external_id,
                mechanism=mechanism,
                publication_date=day,
                countries=c,
                themes=t,
                sdgs=s,
                upr_session=SESSIONS.get(n),
                upr_cycle=CYCLES.get(SESSIONS.get(n, 0)),
            )
            for n, (external_id, mechanism, day, c, t, s) in enumerate(ROWS)
        ],
    )
    ids = ids_by_external_id(engine)
    monkeypatch.setattr(service, "MANY_MATCHES", 0)  # "many": SQLite walks the date index
    walked = _pages(client, query)
    monkeypatch.setattr(service, "MANY_MATCHES", 10**9)  # "few": PostgreSQL collects a single value's
    collected = _pages(client, query)
    assert walked == collected
    listed = [rec_id for page, _ in walked for rec_id in page]
    assert len(listed) == len(set(listed))
    assert set(listed) == _expected(ids, query) != set()


def test_a_ranked_search_from_its_best_matches_gives_the_same_pages(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search with no other filter is ranked on SQLite from its best-scored matches first
    (``ordering._among_best``: 2 x limit + 100 of them). Walked two at a time through 150 matches
    of two scores (30 say the word twice, 120 once in the same words), its pages are those of a
    ranking of every match. Among the 120 equal scores, more than the best matches kept, the
    pages are ranked from every match instead."""
    import_records(
        engine,
        [
            record(
                f"T{n:03}",
                "<p>1. End torture and torture.</p>" if n < 30 else "<p>1. End torture in prisons.</p>",
                publication_date=date(2020 + n % 4, 1 + n % 12, 1),
            )
            for n in range(150)
        ]
        + [record(f"other{n}", "<p>1. Protect human rights defenders.</p>") for n in range(150)],
    )
    calls: dict[str, int] = {"best": 0, "every": 0}

    def counted(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(ordering, "best_matches", counted("best", search.best_matches))
    monkeypatch.setattr(ordering, "relevance", counted("every", search.relevance))
    first = client.get(URL, params={"q": "torture", "limit": 2}).json()
    sqlite = engine.dialect.name == "sqlite"
    # The first page is proven from the best matches alone (PostgreSQL always ranks every match).
    assert calls == ({"best": 1, "every": 0} if sqlite else {"best": 0, "every": 1})
    kept.clear_all()  # pages are kept per data version: each walk below reads its own
    from_best = _pages(client, {"q": "torture"})
    assert from_best[0] == ([item["id"] for item in first["items"]], first["next_cursor"])
    if sqlite:
        assert calls["best"] == len(from_best) + 1
        assert 1 < calls["every"] < calls["best"]  # the pages among equal scores, not the first ones
    monkeypatch.setattr(ordering, "_among_best", lambda *args, **kwargs: None)
    kept.clear_all()
    assert _pages(client, {"q": "torture"}) == from_best
    listed = [rec_id for page, _ in from_best for rec_id in page]
    ids = ids_by_external_id(engine)
    assert len(listed) == len(set(listed)) == 150
    assert set(listed) == {rec_id for external_id, rec_id in ids.items() if external_id.startswith("T")}
