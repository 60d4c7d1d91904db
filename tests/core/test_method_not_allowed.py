"""A method a path does not take is a 405 whose Allow header names every method the path does take;
OPTIONS, which asks for that list, is answered with it."""

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
        ("PUT", "/api/v1/recommendations", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("DELETE", "/api/v1/entities", {"GET", "HEAD", "POST", "OPTIONS"}),
        # A resource read and edited.
        ("PUT", "/api/v1/entities/1", {"GET", "HEAD", "PATCH", "OPTIONS"}),
        ("POST", "/api/v1/deadlines/1", {"GET", "HEAD", "PATCH", "DELETE", "OPTIONS"}),
        ("PUT", "/api/v1/clusters/1/recommendations", {"GET", "HEAD", "POST", "DELETE", "OPTIONS"}),
        # A write without GET: no HEAD either.
        ("GET", "/api/v1/auth/token", {"POST", "OPTIONS"}),
        ("PATCH", "/api/v1/public/recommendations", {"GET", "HEAD", "OPTIONS"}),
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
    reason = "DELETE is not allowed here; this path takes GET, HEAD, PATCH, OPTIONS"
    assert response.json()["detail"] == f"method: {reason}"
    assert response.json()["errors"] == [{"field": "method", "reason": reason}]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/public/recommendations", "GET, HEAD, OPTIONS"),
        ("/api/v1/recommendations", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/auth/token", "POST, OPTIONS"),
        ("/", "GET, HEAD, OPTIONS"),  # a portal page
        ("/staff/", "GET, HEAD, OPTIONS"),
        ("/static/portal.css", "GET, HEAD, OPTIONS"),  # a static file
    ],
)
def test_options_is_answered_with_the_methods_of_the_path(
    make_app: MakeApp, db: Connection, path: str, allowed: str
) -> None:
    """An OPTIONS that is not a CORS preflight was refused (405) with an Allow that did not name
    OPTIONS, though the public API answers it as a preflight: it is answered with the Allow now."""
    response = TestClient(make_app()).options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allowed
    assert not response.content


def test_an_unknown_address_says_where_the_routes_are(make_app: MakeApp, db: Connection) -> None:
    """Starlette's bare "Not Found" did not say whether the route or the resource was missing."""
    for path in ("/api/v1/recomendations", "/api/v1/public/nothing-here"):
        response = TestClient(make_app()).get(path)
        assert response.status_code == 404
        reason = "no route at this address; every route is listed at /docs (and /openapi.json)"
        assert response.json()["detail"] == f"path: {reason}"
        assert response.json()["errors"] == [{"field": "path", "reason": reason}]
