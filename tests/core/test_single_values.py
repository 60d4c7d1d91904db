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
