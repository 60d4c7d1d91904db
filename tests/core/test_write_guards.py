"""Writes need the version the client read: `If-Match: *`, a weak tag or garbage never pass, on every
write route family; and a draft progress update is submitted by its author's entity only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record
from tests.plans.test_actions import make_action, problem_fields

Headers = Callable[..., dict[str, str]]


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture
def writable(
    client: TestClient, engine: Engine, headers_for: Headers
) -> dict[str, tuple[str, dict[str, Any]]]:
    """One object of each write family: its URL and a PATCH body that changes it."""
    import_records(engine, [record("W1")])
    rec_id = ids_by_external_id(engine)["W1"]
    entity = _created(client.post("/api/v1/entities", json={"name": "Ministry W", "kind": "ministry"}))
    cluster = _created(client.post("/api/v1/clusters", json={"name": "Guarded cluster"}))
    action = make_action(client)
    indicator = _created(client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Judges"}))
    progress = _created(
        client.post(
            f"/api/v1/actions/{action['id']}/progress",
            json={"reported_on": "2025-06-30", "narrative": "Two workshops held."},
        )
    )
    admin = headers_for("admin")
    user = _created(
        client.post(
            "/api/v1/users",
            json={"email": "guarded@example.org", "role": "reader", "password": "a long enough password"},
            headers=admin,
        )
    )
    return {
        "recommendations": (f"/api/v1/recommendations/{rec_id}", {"priority": "high"}),
        "clusters": (f"/api/v1/clusters/{cluster['id']}", {"description": "Changed"}),
        "actions": (f"/api/v1/actions/{action['id']}", {"title": "Renamed action"}),
        "indicators": (f"/api/v1/indicators/{indicator['id']}", {"unit": "%"}),
        "progress": (f"/api/v1/progress/{progress['id']}", {"narrative": "Edited"}),
        "entities": (f"/api/v1/entities/{entity['id']}", {"acronym": "MW"}),
        "users": (f"/api/v1/users/{user['id']}", {"full_name": "Renamed"}),
        "_admin": ("", admin),
    }


FAMILIES = ("recommendations", "clusters", "actions", "indicators", "progress", "entities", "users")


@pytest.mark.parametrize("family", FAMILIES)
def test_if_match_needs_a_real_version(
    client: TestClient, writable: dict[str, tuple[str, dict[str, Any]]], family: str
) -> None:
    url, body = writable[family]
    headers = writable["_admin"][1] if family == "users" else {}
    tag = client.get(url, headers=headers).headers["ETag"]
    assert tag.startswith('"'), tag
    for sent, status, reason in (
        ("*", 428, "* is not a version"),
        (f"{tag}, *", 428, "* is not a version"),
        ("3", 428, "not an ETag: 3"),
        ("garbage", 428, "not an ETag: garbage"),
        (f"W/{tag}", 412, f"weak ETag: current ETag is {tag}"),
    ):
        response = client.patch(url, json=body, headers={**headers, "If-Match": sent})
        assert response.status_code == status, (sent, response.text)
        assert problem_fields(response) == ["If-Match"]
        assert response.json()["errors"][0]["reason"] == reason
        assert client.get(url, headers=headers).headers["ETag"] == tag, "a refused write changed nothing"
    # The version read still works.
    assert client.patch(url, json=body, headers={**headers, "If-Match": tag}).status_code == 200


def test_optional_if_match_still_refuses_a_wildcard(
    client: TestClient, writable: dict[str, tuple[str, dict[str, Any]]], engine: Engine
) -> None:
    """Routes where If-Match is optional check it when sent: `*` is refused there too."""
    progress_url, _ = writable["progress"]
    assert client.post(f"{progress_url}/submit", headers={"If-Match": "*"}).status_code == 428
    cluster_url, _ = writable["clusters"]
    rec_id = ids_by_external_id(engine)["W1"]
    members = f"{cluster_url}/recommendations"
    assert client.post(members, json={"ids": [rec_id]}, headers={"If-Match": "*"}).status_code == 428
    assert client.post(members, json={"ids": [rec_id]}).status_code == 200
    removed = client.request("DELETE", members, json={"ids": [rec_id]}, headers={"If-Match": "*"})
    assert removed.status_code == 428


def test_only_the_authors_entity_submits_a_draft(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    lead = create_entity(engine, "Ministry of Justice")
    supporting = create_entity(engine, "Ministry of Labour")
    action = make_action(client, lead_entity_id=lead, supporting_entity_ids=[supporting])
    focal_lead = headers_for("focal_point", entity_id=lead)
    focal_supporting = headers_for("focal_point", entity_id=supporting)
    draft = _created(
        client.post(
            f"/api/v1/actions/{action['id']}/progress",
            json={"reported_on": "2025-06-30", "narrative": "Drafted by the lead entity."},
            headers=focal_lead,
        )
    )
    url = f"/api/v1/progress/{draft['id']}"
    # The supporting entity sees the action's draft, but may neither edit nor submit it.
    assert client.get(url, headers=focal_supporting).status_code == 200
    tag = client.get(url).headers["ETag"]
    edit = client.patch(url, json={"narrative": "x"}, headers={**focal_supporting, "If-Match": tag})
    assert edit.status_code == 403
    refused = client.post(f"{url}/submit", headers=focal_supporting)
    assert refused.status_code == 403, refused.text
    assert "another entity" in refused.json()["detail"]
    assert client.get(url).json()["state"] == "draft"
    # Its own drafts, the supporting entity submits; the author's entity and coordinators too.
    own = _created(
        client.post(
            f"/api/v1/actions/{action['id']}/progress",
            json={"reported_on": "2025-06-30", "narrative": "Drafted by the supporting entity."},
            headers=focal_supporting,
        )
    )
    assert client.post(f"/api/v1/progress/{own['id']}/submit", headers=focal_supporting).status_code == 200
    assert client.post(f"{url}/submit", headers=focal_lead).status_code == 200
    coordinator_draft = _created(
        client.post(
            f"/api/v1/actions/{action['id']}/progress",
            json={"reported_on": "2025-06-30", "narrative": "Drafted by a coordinator."},
            headers=focal_lead,
        )
    )
    assert client.post(f"/api/v1/progress/{coordinator_draft['id']}/submit").status_code == 200


def test_if_match_on_several_header_lines_is_one_list(
    client: TestClient, writable: dict[str, tuple[str, dict[str, Any]]]
) -> None:
    """RFC 9110 (5.3): `If-Match: "0"` and `If-Match: "1"` on two lines are the list `"0", "1"`, as a
    proxy may split it. Only the first line was read, so the version read, on the second, was 412."""
    url, body = writable["entities"]
    tag = client.get(url).headers["ETag"]
    two_lines = httpx.Headers([("If-Match", '"0"'), ("If-Match", tag)])
    assert client.patch(url, json=body, headers=two_lines).status_code == 200, "the version read is named"
    tag = client.get(url).headers["ETag"]
    wildcard = httpx.Headers([("If-Match", tag), ("If-Match", "*")])
    refused = client.patch(url, json={"acronym": "MZ"}, headers=wildcard)
    assert refused.status_code == 428 and refused.json()["errors"][0]["reason"] == "* is not a version"
