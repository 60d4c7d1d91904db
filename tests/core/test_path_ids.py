"""A row id in a path is refused as a query parameter's value is, on every route that takes one: a
422 naming the parameter and what was sent (``'abc' is not accepted: ...``), and a 404 for an id
nothing has naming the parameter too."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.openapi import OPENAPI_PATH

Headers = Callable[..., dict[str, str]]
UNUSED = 987654  # an id no test row has


def _operations() -> list[tuple[str, str, list[str]]]:
    """Every operation with integer path parameters: method, path and the parameters, from the
    committed OpenAPI document (which a test keeps in step with the routes)."""
    document = json.loads(Path(OPENAPI_PATH).read_text(encoding="utf-8"))
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = [
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
            ]
            if names:
                found.append((method.upper(), path, names))
    return sorted(found, key=lambda found: (found[1], found[0]))


OPERATIONS = _operations()
READS = [(path, names) for method, path, names in OPERATIONS if method == "GET"]


def test_every_route_family_is_covered() -> None:
    families = {
        path.split("/")[3] if path.split("/")[3] != "public" else path.split("/")[4]
        for _m, path, _n in OPERATIONS
    }
    assert families >= {
        "actions",
        "clusters",
        "recommendations",
        "indicators",
        "progress",
        "evidence",
        "users",
    }
    assert len(READS) >= 20


def _url(path: str, names: list[str], value: object, other: object = 1) -> str:
    """``value`` in the first parameter, ``other`` in the rest."""
    return path.format(**{name: value if i == 0 else other for i, name in enumerate(names)})


@pytest.mark.parametrize(
    ("sent", "why"),
    [
        ("abc", "input should be a valid integer, unable to parse string as an integer"),
        ("1.5", "input should be a valid integer, unable to parse string as an integer"),
        ("0", "input should be greater than or equal to 1"),
        ("-7", "input should be greater than or equal to 1"),
        ("99999999999", "input should be less than or equal to 2147483647"),
    ],
)
def test_a_path_id_is_refused_naming_the_parameter_and_the_value(
    client: TestClient, headers_for: Headers, sent: str, why: str
) -> None:
    admin = headers_for("admin")
    for method, path, names in OPERATIONS:
        url = _url(path, names, sent)
        response = client.request(method, url, headers={**admin, "If-Match": '"1"'}, json={})
        assert response.status_code == 422, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        error = {"field": names[0], "reason": f"{sent!r} is not accepted: {why}"}
        assert error in response.json()["errors"], (method, url, response.json())
        assert f"{names[0]}: {sent!r} is not accepted: {why}" in response.json()["detail"]


@pytest.mark.parametrize(("path", "names"), READS, ids=[path for path, _names in READS])
def test_an_unknown_path_id_is_a_404_naming_the_parameter(
    client: TestClient, headers_for: Headers, path: str, names: list[str]
) -> None:
    response = client.get(_url(path, names, UNUSED), headers=headers_for("admin"))
    assert response.status_code == 404, response.text
    problem = response.json()
    assert problem["detail"].endswith(f" {UNUSED} does not exist"), problem
    assert problem["errors"] == [{"field": names[0], "reason": problem["detail"]}]


ODD_FORMS = ("0{id}", "+{id}", "{id}.0", "%20{id}")  # read as the id by int(), not its address
ODD_REASON = (
    "{sent!r} does not exist: an id is written in its decimal digits (no sign, leading zero, point or space)"
)


def assert_odd_id_not_found(response: httpx.Response, field: str, sent: str) -> None:
    """As an id that does not exist is answered (a 404 naming the parameter), not as the id it reads as."""
    assert response.status_code == 404, (sent, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    reason = ODD_REASON.format(sent=sent)
    assert response.json()["errors"] == [{"field": field, "reason": reason}], response.json()
    assert response.json()["detail"] == f"{field}: {reason}"


@pytest.mark.parametrize(("path", "names"), READS, ids=[path for path, _names in READS])
def test_an_id_not_in_its_decimal_digits_is_a_404_naming_the_parameter(
    client: TestClient, headers_for: Headers, path: str, names: list[str]
) -> None:
    # /actions/01 was read as action 1 ("action 1 does not exist"; the action itself had it).
    response = client.get(_url(path, names, "01"), headers=headers_for("admin"))
    assert_odd_id_not_found(response, names[0], "01")
