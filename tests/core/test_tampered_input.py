"""Tampered input is a 422 naming the field, never a 500, on SQLite and PostgreSQL alike: cursors
holding numbers no id column can hold, and NUL characters in bodies, forms, queries and paths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import InvalidInput
from app.core.pagination import ORDERS, IdOrNone, decode_cursor, encode_cursor
from app.models import Cluster
from app.recommendations.ordering import ORDERS as RECOMMENDATION_ORDERS
from app.recommendations.ordering import search_digest
from app.recommendations.schemas import RecommendationListParams
from tests.accounts import PASSWORD, create_user
from tests.apps import app_for
from tests.factories import import_records, record
from tests.plans.test_actions import problem_fields

Headers = Callable[..., dict[str, str]]

# The cursor of the report: ["2024-01-01", 2**63].
REPORTED = "WyIyMDI0LTAxLTAxIiw5MjIzMzcyMDM2ODU0Nzc1ODA4XQ"
# Past SQLite's 64 bits, past PostgreSQL's 32-bit INTEGER, below it, and ids no row has (they start
# at 1): a page after "id 0" of a newest-first list was empty, as if the list were.
OUT_OF_RANGE = (2**63, 2**31, -(2**31) - 1, 0, -1)
# A page of the recommendation list's newest first, without words or filters: the search its cursors hold.
NEWEST = RECOMMENDATION_ORDERS["newest"]
EVERY_RECOMMENDATION = search_digest(RecommendationListParams())


def _cursor_routes(settings: Settings) -> list[str]:
    paths = app_for(settings).openapi()["paths"]
    return sorted(
        path
        for path, item in paths.items()
        if any(p["name"] == "cursor" for p in item.get("get", {}).get("parameters", []))
    )


def _tampered() -> list[str]:
    """Cursors of every shape the API uses (sort date and id, name and id, id), ids out of range, and
    of no list (none of them is refused for its list before its values are read)."""
    cursors = [REPORTED]
    for number in OUT_OF_RANGE:
        cursors += [encode_cursor(ORDERS["recommendations:sort=newest"], "2024-01-01", number)]
        cursors += [
            encode_cursor(ORDERS["entities"], "Name", number),
            encode_cursor(ORDERS["actions"], number),
        ]
    return cursors


def _out_of_range() -> list[tuple[str, str]]:
    """A cursor of every list and order, holding an id out of range, and the order's name."""
    samples = {int: 1, IdOrNone: 0, float: 1.5, str: "Name", date: "2024-01-01"}
    cursors = []
    for order in ORDERS.values():
        values: list[object] = [samples[kind] for kind in order.shape]
        for number in OUT_OF_RANGE:
            values[max(i for i, kind in enumerate(order.shape) if kind is int)] = number
            cursors.append((order.name, encode_cursor(order, *values)))  # type: ignore[arg-type]
    return cursors


def test_every_order_refuses_an_id_out_of_range(client: TestClient) -> None:
    """Whichever list takes it (the app built: every list's order is known)."""
    assert len(ORDERS) >= 16
    for name, cursor in _out_of_range():
        with pytest.raises(InvalidInput) as refused:
            decode_cursor(cursor, ORDERS[name])
        assert refused.value.errors == [{"field": "cursor", "reason": "holds a number out of range"}]


def test_a_cursor_slot_that_may_name_no_row_takes_0_only() -> None:
    """The review queue's cursor holds the import run of its last row, 0 for a row no run changed."""
    order = ORDERS["review-queue"]
    assert decode_cursor(encode_cursor(order, 0, 7), order) == (0, 7)
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor(order, -1, 7), order)


def test_out_of_range_cursors_are_422(
    client: TestClient, engine: Engine, settings: Settings, headers_for: Headers
) -> None:
    import_records(engine, [record("C1")])
    with Session(engine) as session, session.begin():
        cluster = Cluster(name="Cursor cluster")
        session.add(cluster)
        session.flush()
        cluster_id = cluster.id
    admin = headers_for("admin")
    routes = _cursor_routes(settings)
    assert len(routes) == 17  # and the portal's search page, below
    for path in routes:
        url = path.format(cluster_id=cluster_id)
        for cursor in _tampered():
            response = client.get(url, params={"cursor": cursor}, headers=admin)
            assert response.status_code == 422, (url, cursor, response.text)
            assert problem_fields(response) == ["cursor"], (url, response.text)
    # A cursor of the right shape within range still works.
    assert (
        client.get(
            "/api/v1/recommendations",
            params={"cursor": encode_cursor(NEWEST, "2024-01-01", 2**31 - 1, search=EVERY_RECOMMENDATION)},
        ).json()["total"]
        == 1
    )


def test_portal_search_with_a_tampered_cursor(anonymous_client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("C2")])
    for cursor in (REPORTED, encode_cursor(NEWEST, "2024-01-01", 2**31, search=EVERY_RECOMMENDATION)):
        response = anonymous_client.get("/", params={"cursor": cursor})
        assert response.status_code == 422, response.text[:500]
        assert response.headers["content-type"].startswith("text/html")
        assert "cursor" in response.text


def test_a_cursor_name_holding_nul_is_422(client: TestClient) -> None:
    response = client.get(
        "/api/v1/entities", params={"cursor": encode_cursor(ORDERS["entities"], "Mini\x00stry", 3)}
    )
    assert response.status_code == 422 and problem_fields(response) == ["cursor"]


@pytest.mark.parametrize(
    ("method", "path", "body", "fields"),
    [
        ("POST", "/api/v1/clusters", {"name": "Access\x00to justice"}, ["name"]),
        ("POST", "/api/v1/entities", {"name": "Ministry\x00", "kind": "ministry"}, ["name"]),
        (
            "POST",
            "/api/v1/users",
            {"email": "nul@example.org", "full_name": "A\x00B", "role": "reader", "password": "x" * 20},
            ["full_name"],
        ),
        (
            "POST",
            "/api/v1/actions",
            {"title": "Plan", "budget": {"amount": "1", "currency": "USD", "source": "\x00"}},
            ["budget.source"],
        ),
        ("POST", "/api/v1/clusters", {"name": "Fine", "descr\x00iption": "x"}, ["descr\\0iption"]),
        ("POST", "/api/v1/recommendations/reviewed", {"ids": [1, "\x00"]}, ["ids.1"]),
    ],
)
def test_nul_in_a_json_body_is_422(
    client: TestClient,
    engine: Engine,
    headers_for: Headers,
    method: str,
    path: str,
    body: dict[str, object],
    fields: list[str],
) -> None:
    headers = headers_for("admin")
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert problem_fields(response) == fields
    assert "must not contain NUL characters" in response.json()["detail"]
    with Session(engine) as session:
        assert session.query(Cluster).count() == 0


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (
            b'{"name": "A", }',
            "application/json",
            "not valid JSON at character 14: Expecting property name enclosed in double quotes",
        ),
        (b'["A"]', "application/json", "Input should be a valid dictionary or object to extract fields from"),
        (b'{"name": "A}', "application/json", "not valid JSON at character 9: Unterminated string"),
        (
            b'{"name": "A\nB"}',
            "application/json",
            "not valid JSON at character 11: Invalid control character: a line break, a tab or another "
            "control character in a string is written escaped (\\n, \\t, \\u0001)",
        ),
        (
            b'{"name": "A"}',
            "text/plain",
            "Input should be a valid dictionary or object to extract fields from; "
            "send a JSON object with Content-Type: application/json",
        ),
        (b"", "", "Field required; send a JSON object with Content-Type: application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_named_body(
    client: TestClient, engine: Engine, headers_for: Headers, content: bytes, content_type: str, reason: str
) -> None:
    headers = {**headers_for("admin"), **({"Content-Type": content_type} if content_type else {})}
    response = client.post("/api/v1/clusters", content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": "body", "reason": reason}]
    assert response.json()["detail"] == f"body: {reason}"
    with Session(engine) as session:
        assert session.query(Cluster).count() == 0


@pytest.mark.parametrize(
    ("content", "fields"),
    [
        (b'{"name": "Torture", "name": "Health"}', ["name"]),
        (
            b'{"name": "A", "description": "x", "description": "y", "name": "B", "name": "C"}',
            ["description", "name"],
        ),
        (b'{"name": "A", "extra": [{"k": 1}, {"k": 1, "k": 2}]}', ["extra.1.k"]),
    ],
)
def test_a_json_key_given_twice_is_422_naming_it(
    client: TestClient, engine: Engine, headers_for: Headers, content: bytes, fields: list[str]
) -> None:
    """Which of the two values counts is up to each parser (Python's keeps the last, others the first):
    the write is refused rather than guessed, as a query parameter given twice is."""
    headers = {**headers_for("admin"), "Content-Type": "application/json"}
    response = client.post("/api/v1/clusters", content=content, headers=headers)
    assert response.status_code == 422, response.text
    assert problem_fields(response) == fields
    assert "given 2 times; a JSON object names each field once" in response.json()["detail"]
    with Session(engine) as session:
        assert session.query(Cluster).count() == 0


def test_a_body_that_is_not_utf8_is_a_bad_request_naming_body(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    # Latin-1 "é" from a script that did not encode its JSON as UTF-8.
    headers = {**headers_for("admin"), "Content-Type": "application/json"}
    latin1 = '{"name": "Sant\xe9"}'.encode("latin-1")
    response = client.post("/api/v1/clusters", content=latin1, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["title"]) == ("https://nrtd.dev/problems/bad-request", "Bad request")
    reason = "not valid UTF-8 at byte 14: send JSON encoded as UTF-8"
    assert problem["errors"] == [{"field": "body", "reason": reason}]
    assert problem["detail"] == f"body: {reason}"
    with Session(engine) as session:
        assert session.query(Cluster).count() == 0


def test_nul_in_the_anonymous_login_form_is_422(anonymous_client: TestClient, engine: Engine) -> None:
    create_user(engine, "nul-login@example.org", "reader")
    for form, field in (
        ({"username": "nul-login@example.org\x00", "password": PASSWORD}, "username"),
        ({"username": "nul-login@example.org", "password": PASSWORD + "\x00"}, "password"),
    ):
        response = anonymous_client.post("/api/v1/auth/token", data=form)
        assert response.status_code == 422, response.text
        assert problem_fields(response) == [field]
    ok = anonymous_client.post(
        "/api/v1/auth/token", data={"username": "nul-login@example.org", "password": PASSWORD}
    )
    assert ok.status_code == 200, ok.text


def test_nul_in_a_path_or_query_is_422(client: TestClient) -> None:
    for url in (
        "/api/v1/taxonomies/the%00mes",
        "/api/v1/recommendations/1%00",
        "/api/v1/public/clusters/%00",
    ):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        assert problem_fields(response) == ["path"]
    response = client.get("/api/v1/entities", params={"q": "Mini\x00stry"})
    assert response.status_code == 422 and problem_fields(response) == ["q"]


def test_text_that_only_looks_like_nul_is_kept(client: TestClient) -> None:
    """An escaped backslash before `u0000` is six ordinary characters, stored as sent."""
    created = client.post("/api/v1/clusters", json={"name": "Literally \\u0000"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Literally \\u0000"


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/json", b'{"username": "a@example.org", "password": "secret"}'),
        ("text/plain", b"username=a@example.org&password=secret"),
    ],
)
def test_a_login_not_sent_as_a_form_says_to_send_a_form(
    anonymous_client: TestClient, engine: Engine, content_type: str, content: bytes
) -> None:
    """A client sending its login as JSON (as most APIs take it) was told only "username: Field
    required; password: Field required", though it had sent both."""
    response = anonymous_client.post(
        "/api/v1/auth/token", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    hint = "Field required; send it as a form field (Content-Type: application/x-www-form-urlencoded)"
    assert response.json()["errors"] == [
        {"field": "username", "reason": hint},
        {"field": "password", "reason": hint},
    ]
    # A form that lacks a field is told that alone.
    form = anonymous_client.post("/api/v1/auth/token", data={"username": "a@example.org"})
    assert form.json()["errors"] == [{"field": "password", "reason": "Field required"}]


def test_an_upload_not_sent_as_multipart_says_to_send_multipart(
    client: TestClient, headers_for: Headers
) -> None:
    response = client.put(
        "/api/v1/reports/template", json={"file": "report.docx"}, headers=headers_for("admin")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "file", "reason": "Field required; send it as a field of a multipart/form-data form"}
    ]
