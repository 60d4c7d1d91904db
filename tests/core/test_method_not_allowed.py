"""A method a path does not take is a 405 whose Allow header names every method the path does take."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.conftest import MakeApp


def _allowed(header: str) -> set[str]:
    return {method.strip() for method in header.split(",")}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        # A list read and created on one path (two routes): both, and HEAD since GET is.
        ("PUT", "/api/v1/recommendations", {"GET", "HEAD", "POST"}),
        ("DELETE", "/api/v1/entities", {"GET", "HEAD", "POST"}),
        # A resource read and edited.
        ("PUT", "/api/v1/entities/1", {"GET", "HEAD", "PATCH"}),
        ("POST", "/api/v1/deadlines/1", {"GET", "HEAD", "PATCH", "DELETE"}),
        ("PUT", "/api/v1/clusters/1/recommendations", {"GET", "HEAD", "POST", "DELETE"}),
        # A write without GET: no HEAD either.
        ("GET", "/api/v1/auth/token", {"POST"}),
        ("PATCH", "/api/v1/public/recommendations", {"GET", "HEAD"}),
    ],
)
def test_allow_names_every_method_of_the_path(
    make_app: MakeApp, db: Connection, method: str, path: str, allowed: set[str]
) -> None:
    response = TestClient(make_app()).request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert _allowed(response.headers["allow"]) == allowed


def test_the_refusal_names_the_method_and_those_the_path_takes(make_app: MakeApp, db: Connection) -> None:
    """Starlette's "Method Not Allowed" said neither which method nor which the path takes, where the
    other refusals name what they refuse."""
    response = TestClient(make_app()).request("DELETE", "/api/v1/recommendations/1")
    assert response.status_code == 405
    reason = "DELETE is not allowed here; this path takes GET, HEAD, PATCH"
    assert response.json()["detail"] == f"method: {reason}"
    assert response.json()["errors"] == [{"field": "method", "reason": reason}]
    # OPTIONS, which no route answers, is named as any other.
    options = TestClient(make_app()).options("/api/v1/public/recommendations")
    assert options.json()["errors"] == [
        {"field": "method", "reason": "OPTIONS is not allowed here; this path takes GET, HEAD"}
    ]


def test_an_unknown_address_says_where_the_routes_are(make_app: MakeApp, db: Connection) -> None:
    """Starlette's bare "Not Found" did not say whether the route or the resource was missing."""
    for path in ("/api/v1/recomendations", "/api/v1/public/nothing-here"):
        response = TestClient(make_app()).get(path)
        assert response.status_code == 404
        reason = "no route at this address; every route is listed at /docs (and /openapi.json)"
        assert response.json()["detail"] == f"path: {reason}"
        assert response.json()["errors"] == [{"field": "path", "reason": reason}]
