"""Publishing a recommendation's status and priority: one at a time and in bulk, audited, If-Match checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
PUBLIC = "/api/v1/public/recommendations"
Headers = Callable[..., dict[str, str]]


@pytest.fixture
def recs(engine: Engine) -> dict[str, int]:
    import_records(engine, [record(name, themes=["Health"]) for name in ("A", "B", "C")])
    return ids_by_external_id(engine)


def _patch(client: TestClient, rec_id: int, **body: str) -> None:
    etag = client.get(f"{URL}/{rec_id}").headers["ETag"]
    response = client.patch(f"{URL}/{rec_id}", json=body, headers={"If-Match": etag})
    assert response.status_code == 200, response.text


def _events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        query = (
            select(AuditEvent).where(AuditEvent.action == "recommendation.publish").order_by(AuditEvent.id)
        )
        return list(session.scalars(query))


def _public(client: TestClient, rec_id: int) -> tuple[str, str | None]:
    body = client.get(f"{PUBLIC}/{rec_id}").json()
    return body["status"], body["priority"]


def test_a_change_is_public_only_once_published(
    client: TestClient, engine: Engine, recs: dict[str, int]
) -> None:
    rec_id = recs["A"]
    _patch(client, rec_id, status="in_progress", priority="high")
    local = client.get(f"{URL}/{rec_id}").json()["local"]
    assert (local["status"], local["priority"]) == ("in_progress", "high")
    assert (local["published_status"], local["published_priority"], local["published_at"]) == (
        "not_started",
        None,
        None,
    )
    assert local["unpublished_changes"] is True
    assert _public(client, rec_id) == ("not_started", None)
    assert client.get(PUBLIC, params={"status": "in_progress"}).json()["total"] == 0

    etag = client.get(f"{URL}/{rec_id}").headers["ETag"]
    published = client.post(f"{URL}/{rec_id}/publish", headers={"If-Match": etag})
    assert published.status_code == 200, published.text
    assert published.headers["ETag"] != etag
    local = published.json()["local"]
    assert (local["published_status"], local["published_priority"]) == ("in_progress", "high")
    assert local["published_at"] is not None and local["unpublished_changes"] is False
    assert _public(client, rec_id) == ("in_progress", "high")
    assert client.get(PUBLIC, params={"status": "in_progress"}).json()["total"] == 1
    [event] = _events(engine)
    assert (event.object_id, event.before, event.after) == (
        rec_id,
        {"status": "not_started", "priority": None},
        {"status": "in_progress", "priority": "high"},
    )

    # A later working change leaves the public one alone until it too is published.
    _patch(client, rec_id, status="implemented")
    assert _public(client, rec_id) == ("in_progress", "high")
    again = client.post(f"{URL}/{rec_id}/publish")
    assert again.status_code == 200
    assert _public(client, rec_id) == ("implemented", "high")
    assert _events(engine)[-1].before == {"status": "in_progress"}


def test_publishing_what_is_public_writes_nothing(
    client: TestClient, engine: Engine, recs: dict[str, int]
) -> None:
    untouched = client.post(f"{URL}/{recs['B']}/publish")
    assert untouched.status_code == 200 and untouched.json()["local"]["published_at"] is None
    _patch(client, recs["A"], priority="low")
    first = client.post(f"{URL}/{recs['A']}/publish")
    second = client.post(f"{URL}/{recs['A']}/publish")
    assert second.headers["ETag"] == first.headers["ETag"]
    assert len(_events(engine)) == 1


def test_publish_checks_if_match_and_role(
    client: TestClient,
    anonymous_client: TestClient,
    headers_for: Headers,
    engine: Engine,
    recs: dict[str, int],
) -> None:
    rec_id = recs["A"]
    stale = client.get(f"{URL}/{rec_id}").headers["ETag"]
    _patch(client, rec_id, status="in_progress")
    refused = client.post(f"{URL}/{rec_id}/publish", headers={"If-Match": stale})
    assert refused.status_code == 412
    assert client.post(f"{URL}/{rec_id}/publish", headers={"If-Match": "*"}).status_code == 428
    for role in ("focal_point", "reader"):
        response = anonymous_client.post(f"{URL}/{rec_id}/publish", headers=headers_for(role))
        assert response.status_code == 403, role
    assert anonymous_client.post(f"{URL}/999999/publish", headers=headers_for("admin")).status_code == 404
    assert _events(engine) == []
    assert _public(client, rec_id) == ("not_started", None)


def test_bulk_publish_by_ids_and_filter(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    for name in ("A", "B"):
        _patch(client, recs[name], status="in_progress")
    unknown = client.post(f"{URL}/publish", json={"ids": [recs["A"], 999_999]})
    assert unknown.status_code == 422 and _events(engine) == []
    assert client.post(f"{URL}/publish", json={}).status_code == 422

    by_ids = client.post(f"{URL}/publish", json={"ids": [recs["A"], recs["C"]]})
    assert by_ids.json() == {"updated": 1, "unchanged": 1}
    assert [_public(client, recs[n])[0] for n in "ABC"] == ["in_progress", "not_started", "not_started"]

    by_filter = client.post(f"{URL}/publish", json={"filter": {"status": ["in_progress"]}})
    assert by_filter.status_code == 200, by_filter.text
    assert by_filter.json() == {"updated": 1, "unchanged": 1}
    assert [_public(client, recs[n])[0] for n in "ABC"] == ["in_progress", "in_progress", "not_started"]
    assert sorted(event.object_id or 0 for event in _events(engine)) == sorted([recs["A"], recs["B"]])
