"""A cursor is the next page of one list in one order: sent to the list in another order (a
`sort=oldest` page's cursor with `sort=newest`, or with a search in relevance order), or to another
list, it is refused saying so and what to do, on the staff and the public API alike."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import import_records, record

URL = "/api/v1/recommendations"
PUBLIC = "/api/v1/public/recommendations"
RESTART = "start again from the first page, without cursor"


def _next(client: TestClient, url: str, **params: str) -> str:
    response = client.get(url, params={"limit": "1", **params})
    assert response.status_code == 200, response.text
    cursor: str = response.json()["next_cursor"]
    assert cursor
    return cursor


def _refusal(client: TestClient, url: str, cursor: str, **params: str) -> str:
    response = client.get(url, params={"limit": "1", "cursor": cursor, **params})
    assert response.status_code == 422, response.text
    problem = response.json()
    (error,) = problem["errors"]
    assert error["field"] == "cursor"
    assert problem["detail"] == f"cursor: {error['reason']}"
    reason: str = error["reason"]
    return reason


@pytest.mark.parametrize("url", [URL, PUBLIC])
def test_a_cursor_of_another_order_says_so(client: TestClient, engine: Engine, url: str) -> None:
    import_records(
        engine,
        [
            record(
                f"T{n}", f"<p>{n}. Prevent torture {'in custody ' * n}</p>", publication_date=date(2024, 1, n)
            )
            for n in range(1, 4)
        ],
    )
    oldest = _next(client, url, sort="oldest")
    newest = _next(client, url, sort="newest")
    ranked = _next(client, url, q="torture")
    for cursor, sent_with, issued in (
        (oldest, {"sort": "newest"}, "sort=oldest"),
        (oldest, {}, "sort=oldest"),  # newest is the default without a query
        (oldest, {"q": "torture"}, "sort=oldest"),  # relevance is the default with one
        (newest, {"sort": "oldest"}, "sort=newest"),
        (ranked, {"q": "torture", "sort": "oldest"}, "sort=relevance"),
    ):
        reason = _refusal(client, url, cursor, **sent_with)
        assert reason == f"this cursor belongs to another order of the list ({issued}): {RESTART}"
    # In its own order it still pages on.
    assert client.get(url, params={"limit": "1", "sort": "oldest", "cursor": oldest}).status_code == 200


def test_a_cursor_of_another_list_says_so(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("A1", publication_date=date(2024, 1, 1)), record("A2")])
    for title in ("First", "Second"):
        assert client.post("/api/v1/actions", json={"title": title}).status_code == 201
    actions = _next(client, "/api/v1/actions")
    recommendations = _next(client, URL)
    expected = f"this cursor belongs to another list: {RESTART}"
    assert _refusal(client, URL, actions) == expected
    assert _refusal(client, PUBLIC, actions) == expected
    # Same shape (an id), another list: not read as an import run's or a user's id.
    assert _refusal(client, "/api/v1/import-runs", actions) == expected
    assert _refusal(client, "/api/v1/actions", recommendations) == expected
    assert _refusal(client, "/api/v1/public/actions", recommendations) == expected
