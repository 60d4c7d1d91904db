"""NUL characters in query parameters are refused with 422 naming the parameter, on every route."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_nul_in_a_staff_filter_is_422(client: TestClient) -> None:
    response = client.get("/api/v1/recommendations", params={"theme": "health\x00", "limit": 5})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "theme", "reason": "must not contain NUL characters"}]
    # Without the NUL the value is read: a theme no recommendation has is refused for what it is.
    unknown = client.get("/api/v1/recommendations", params={"theme": "health"})
    assert unknown.json()["errors"] == [{"field": "theme", "reason": "'health' is not a known theme label"}]
