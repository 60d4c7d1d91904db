"""A query parameter that takes one value, given twice, is a 422 naming it, on every API route; the
filters that take several values still take them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from tests.conftest import ROOT, MakeApp
from tests.factories import import_records, record

DOCUMENT = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
REASON = "given 2 times; this parameter takes one value"


def _takes_several(schema: dict[str, object]) -> bool:
    options = schema.get("anyOf", [schema])
    assert isinstance(options, list)
    return any(option.get("type") == "array" for option in options)


def _one_value_parameters() -> list[tuple[str, str]]:
    """(path, name) of every GET operation's query parameter that takes one value."""
    found = []
    for path, item in DOCUMENT["paths"].items():
        operation = item.get("get")
        if not path.startswith("/api/v1/") or operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not _takes_several(parameter["schema"]):
                found.append((path, parameter["name"]))
    return found


def test_every_one_value_parameter_given_twice_is_422_naming_it(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]]
) -> None:
    admin = headers_for("admin")
    parameters = _one_value_parameters()
    assert len(parameters) > 60 and ("/api/v1/public/feed.atom", "entity") in parameters
    for path, name in parameters:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = anonymous_client.get(url, params=[(name, "1"), (name, "2")], headers=admin)
        assert response.status_code == 422, (path, name, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"] == [{"field": name, "reason": REASON}], (path, name)


def test_several_values_stay_welcome_where_a_filter_takes_them(
    anonymous_client: TestClient, client: TestClient, engine: Engine
) -> None:
    # Refused before the credentials are looked at, as a NUL in the query is (app/core/query_guard.py).
    twice = anonymous_client.get("/api/v1/recommendations?limit=5&limit=6")
    assert twice.status_code == 422 and twice.json()["errors"] == [{"field": "limit", "reason": REASON}]
    import_records(
        engine, [record("r-1", "Protect children."), record("r-2", "Prevent torture.", mechanism="CAT")]
    )
    both = client.get("/api/v1/recommendations?mechanism=CRC&mechanism=CAT&limit=5")
    assert both.status_code == 200 and both.json()["total"] == 2
    refused = client.get("/api/v1/recommendations?mechanism=CRC&limit=5&sort=newest&sort=oldest")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "sort", "reason": REASON}]


def test_an_unknown_parameter_is_named_as_one_with_the_closest_known_name(
    make_app: MakeApp, db: Connection
) -> None:
    """A typo'd parameter was refused as if its value were wrong ("'CRC' is not accepted: extra
    inputs are not permitted"), though CRC is a fine mechanism code."""
    client = TestClient(make_app())
    for url, field, reason in (
        (
            "/api/v1/public/recommendations?mechanisms=CRC",
            "mechanisms",
            "unknown parameter (given 'CRC'); did you mean 'mechanism'?",
        ),
        ("/api/v1/public/clusters?pagesize=5", "pagesize", "unknown parameter (given '5')"),
        (
            "/api/v1/public/deadlines?form=2027-01-01",
            "form",
            "unknown parameter (given '2027-01-01'); did you mean 'from'?",
        ),
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["errors"] == [{"field": field, "reason": reason}], url


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation under /api/v1."""
    return [
        (method, path)
        for path, item in DOCUMENT["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_route_refuses_a_parameter_it_does_not_take(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]]
) -> None:
    """The lists refused an unknown parameter, but half the routes dropped it without a word:
    `/public/recommendations/6?language=fr` answered in English, `POST /progress/1/approve?publish=true`
    approved without publishing. Every API route now refuses what it does not take, naming it."""
    admin = headers_for("admin")
    operations = _operations()
    assert len(operations) > 100
    assert ("post", "/api/v1/progress/{progress_id}/approve") in operations
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = anonymous_client.request(method, url, params={"language": "fr"}, headers=admin)
        assert response.status_code == 422, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        [error] = response.json()["errors"]
        assert error["field"] == "language", (method, path)
        # ... and the closest name where the route takes one (`lang`).
        assert error["reason"] in (
            "unknown parameter (given 'fr')",
            "unknown parameter (given 'fr'); did you mean 'lang'?",
        ), (method, path)


def test_an_unknown_parameter_beside_known_ones_is_named_with_the_closest_one(
    anonymous_client: TestClient,
) -> None:
    response = anonymous_client.get("/api/v1/public/recommendations/1?lang=fr&lnag=fr")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "lnag", "reason": "unknown parameter (given 'fr'); did you mean 'lang'?"}
    ]
    both = anonymous_client.get("/api/v1/public/recommendations/1?lang=fr&lang=es&lnag=fr")
    assert [error["field"] for error in both.json()["errors"]] == ["lang", "lnag"]
