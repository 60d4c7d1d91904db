"""A date range whose start is after its end (`from` after `to`, `since` after `until`...) is a 422
naming its end and the start it must follow, on every route and page that takes one: it selected
nothing, and an empty list read as "nothing was due then". And a date filter is a date written
YYYY-MM-DD on every route, nothing laxer."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import app_for
from tests.factories import import_records, record
from tests.plans.test_actions import problem_fields

Headers = Callable[..., dict[str, str]]

# Each range's start and end parameter, and a start after the end.
RANGES = {
    ("from", "to"): ("2026-05-01", "2026-01-31"),
    ("due_after", "due_before"): ("2026-05-01", "2026-01-31"),
    ("due_from", "due_to"): ("2026-05-01", "2026-01-31"),
    ("published_from", "published_to"): ("2026-05-01", "2026-01-31"),
    ("reported_from", "reported_to"): ("2026-05-01", "2026-01-31"),
    ("since", "until"): ("2026-05-01T10:00:00", "2026-05-01T09:59:59"),
}


def _range_routes(settings: Settings) -> list[tuple[str, str, str]]:
    """Every GET route taking both ends of a range: its path and the range's two names."""
    paths = app_for(settings).openapi()["paths"]
    found = []
    for path, item in paths.items():
        names = {parameter["name"] for parameter in item.get("get", {}).get("parameters", [])}
        found += [(path, start, end) for start, end in RANGES if {start, end} <= names]
    return sorted(found)


def test_every_reversed_range_is_a_422_naming_its_end(
    client: TestClient, engine: Engine, settings: Settings, headers_for: Headers
) -> None:
    import_records(engine, [record("R1")])
    admin = headers_for("admin")
    routes = _range_routes(settings)
    paths = {path for path, _start, _end in routes}
    # The lists, their public twins, the exports, the reports and the statistics.
    assert {
        "/api/v1/deadlines",
        "/api/v1/public/deadlines",
        "/api/v1/public/calendar.ics",
        "/api/v1/actions",
        "/api/v1/follow-up",
        "/api/v1/recommendations",
        "/api/v1/public/recommendations",
        "/api/v1/progress",
        "/api/v1/audit",
        "/api/v1/reports/implementation",
        "/api/v1/exports/recommendations.csv",
        "/api/v1/stats",
    } <= paths, paths
    assert len(routes) == 21, routes
    for path, start, end in routes:
        first, last = RANGES[(start, end)]
        response = client.get(path, params={start: first, end: last}, headers=admin)
        assert response.status_code == 422, (path, response.status_code, response.text[:300])
        assert problem_fields(response) == [end], (path, response.text)
        [error] = response.json()["errors"]
        assert f"must be on or after `{start}`" in error["reason"], (path, error)
        # The same day (or time) at both ends is a range of one day, not reversed.
        same = client.get(path, params={start: last, end: last}, headers=admin)
        assert same.status_code != 422, (path, same.text[:300])


def test_a_bulk_edit_filter_with_a_reversed_range_is_named_in_the_body(client: TestClient) -> None:
    response = client.post(
        "/api/v1/recommendations/bulk",
        json={
            "filter": {"published_from": "2026-05-01", "published_to": "2026-01-31"},
            "set": {"priority": "high"},
        },
    )
    assert response.status_code == 422, response.text
    assert problem_fields(response) == ["filter.published_to"]


def _date_parameters(settings: Settings, kind: str = "date") -> list[tuple[str, str]]:
    """Every GET route's query parameters that take a date (or a ``date-time``): the path and the name."""
    paths = app_for(settings).openapi()["paths"]
    found = []
    for path, item in paths.items():
        for parameter in item.get("get", {}).get("parameters", []):
            schema = parameter.get("schema", {})
            formats = {choice.get("format") for choice in [schema, *schema.get("anyOf", [])]}
            if parameter["in"] == "query" and kind in formats:
                found.append((path, parameter["name"]))
    return sorted(found)


def test_a_date_filter_is_a_date_written_yyyy_mm_dd_everywhere(
    client: TestClient, settings: Settings, headers_for: Headers
) -> None:
    """The recommendations and the follow-up refused `published_from=0`; the deadlines, the actions and
    the progress updates read `0` (or `0.0`) as a Unix time, 1970-01-01, and listed what that selected."""
    admin = headers_for("admin")
    parameters = _date_parameters(settings)
    assert ("/api/v1/actions", "due_after") in parameters and ("/api/v1/deadlines", "from") in parameters
    assert len(parameters) == 40, parameters
    for path, name in parameters:
        for lax in ("0", "0.0", "1700000000", "2026-03-01T00:00:00"):
            response = client.get(path, params={name: lax}, headers=admin)
            assert response.status_code == 422, (path, name, lax, response.text[:300])
            [error] = response.json()["errors"]
            assert error["field"] == name and "must be a date written YYYY-MM-DD" in error["reason"], error


def test_a_time_filter_is_a_date_and_time_written_iso_everywhere(
    client: TestClient, settings: Settings, headers_for: Headers
) -> None:
    """`since=0` or `updated_since=-1` was read as a Unix time (1970-01-01T00:00:00, or the second
    before) and listed every event; a time is written as the date filters are, the date first."""
    admin = headers_for("admin")
    parameters = _date_parameters(settings, "date-time")
    assert parameters == [
        ("/api/v1/audit", "since"),
        ("/api/v1/audit", "until"),
        ("/api/v1/progress", "updated_since"),
    ]
    for path, name in parameters:
        for lax in ("0", "-1", "0.5", "1700000000", " 1700000000 "):
            response = client.get(path, params={name: lax}, headers=admin)
            assert response.status_code == 422, (path, name, lax, response.text[:300])
            [error] = response.json()["errors"]
            assert error["field"] == name and "YYYY-MM-DDTHH:MM:SS" in error["reason"], error
        for written in ("2026-03-01T10:00:00", "2026-03-01T10:00", "2026-03-01T10:00:00+02:00", "2026-03-01"):
            response = client.get(path, params={name: written}, headers=admin)
            assert response.status_code == 200, (path, name, written, response.text[:300])
