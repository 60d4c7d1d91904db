"""Paging through a search in relevance order while imports change the data between two pages.

SQLite's ``bm25`` weighs a word by how rare it is among all the documents: an import that adds
documents moves the score of every match, also of those it did not touch, so a cursor holding the
last row's score from before the import no longer marks where that row now ranks.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import import_records, record

URL = "/api/v1/recommendations"
PUBLIC = "/api/v1/public/recommendations"


def _texts(prefix: str, count: int, *, torture: bool) -> list[tuple[str, str]]:
    # Texts of different lengths, so that their scores differ.
    word = "torture" if torture else "detention"
    return [
        (f"{prefix}-{n}", f"<p>{n}. Prevent {word} {' '.join(['in places of custody'] * (n % 9))}.</p>")
        for n in range(count)
    ]


def _import(engine: Engine, texts: list[tuple[str, str]], start: date) -> None:
    dated = [record(key, text, publication_date=start + timedelta(n)) for n, (key, text) in enumerate(texts)]
    import_records(engine, dated)


@pytest.mark.parametrize("url", [URL, PUBLIC])
def test_relevance_pages_stay_exact_while_imports_add_documents(
    client: TestClient, engine: Engine, url: str
) -> None:
    _import(engine, _texts("old", 30, torture=True), date(2020, 1, 1))
    before = {item["id"] for item in client.get(url, params={"q": "torture", "limit": "100"}).json()["items"]}
    assert len(before) == 30
    seen: list[int] = []
    cursor: str | None = None
    for page in range(100):
        params = {"q": "torture", "limit": "4", **({"cursor": cursor} if cursor else {})}
        body = client.get(url, params=params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        # Between pages: documents without the word (it grows rarer), then with it (more common).
        if page == 1:
            _import(engine, _texts("rare", 150, torture=False), date(2021, 1, 1))
        if page == 3:
            _import(engine, _texts("common", 60, torture=True), date(2022, 1, 1))
    counted = Counter(seen)
    assert [rec_id for rec_id, times in counted.items() if times > 1] == []  # none twice
    assert before - set(seen) == set()  # none missing
