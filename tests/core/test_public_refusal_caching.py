"""A public refusal (an unknown or unpublished record, a bad filter, a wrong key) is never kept by a
cache: once the record is published, or the key fixed, the next request is answered afresh."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests.conftest import MakeApp


def test_a_public_refusal_is_not_stored(make_app: MakeApp, db: Connection) -> None:
    client = TestClient(make_app())
    for path in (
        "/api/v1/public/recommendations/999999",  # unknown, or not published yet
        "/api/v1/public/actions/999999",
        "/api/v1/public/recommendations?limit=abc",
        "/api/v1/public/nothing-here",
    ):
        refused = client.get(path)
        assert refused.status_code in (404, 422), path
        assert refused.headers.get("cache-control") == "no-store", path
    # With credentials asked for (NRTD_PUBLIC_ACCESS=key), the 401 neither.
    keyed = TestClient(make_app(public_access="key")).get("/api/v1/public/recommendations")
    assert keyed.status_code == 401 and keyed.headers.get("cache-control") == "no-store"
    # An answer keeps its public caching.
    listed = client.get("/api/v1/public/recommendations")
    assert listed.status_code == 200 and listed.headers["cache-control"] == "public, max-age=60"
