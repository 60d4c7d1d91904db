"""A query value longer than its parameter takes is refused naming the parameter, its limit and the
length sent, whatever the length (pydantic's "String should have at most 200 characters" named neither
the length sent nor, beyond 100 characters, the value)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests import accounts
from tests.conftest import MakeApp


@pytest.mark.parametrize(
    ("path", "name", "limit"),
    [
        ("/api/v1/public/recommendations", "cursor", 200),
        ("/api/v1/public/recommendations", "q", 500),
        ("/api/v1/public/actions", "q", 200),
        ("/api/v1/actions", "q", 200),
        ("/api/v1/recommendations", "cursor", 200),
    ],
)
@pytest.mark.parametrize("over", [1, 300])
def test_a_value_too_long_names_its_parameter_and_limit(
    make_app: MakeApp, db: Connection, path: str, name: str, limit: int, over: int
) -> None:
    client = TestClient(make_app())
    sent = "x" * (limit + over)
    answer = client.get(path, params={name: sent}, headers=accounts.headers_for(db, "coordinator"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    reason = f"must be at most {limit} characters ({limit + over} sent)"
    assert answer.json()["errors"] == [{"field": name, "reason": reason}]
    assert answer.json()["detail"] == f"{name}: {reason}"
