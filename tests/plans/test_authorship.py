"""Whose entity wrote a draft: what an entity's API key writes has no author, and stays its entity's.

A draft with no author (written with an API key) is the lead entity's, like the action it reports on:
a supporting entity's focal point reads it but does not edit, submit or delete it, as for a draft a
person of the lead entity wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.plans.test_actions import make_action

Headers = Callable[..., dict[str, str]]
REPORT = {"reported_on": "2025-06-30", "narrative": "Written by the ministry's script."}
VALUE = {"measured_on": "2025-06-30", "value": 4}


@pytest.fixture
def world(client: TestClient, engine: Engine, headers_for: Headers) -> dict[str, Any]:
    lead = create_entity(engine, "Ministry of Justice")
    supporting = create_entity(engine, "Ministry of Education")
    action = make_action(client, lead_entity_id=lead, supporting_entity_ids=[supporting])
    key = client.post(
        "/api/v1/api-keys",
        json={"name": "justice script", "role": "focal_point", "entity_id": lead, "scope": "write"},
        headers=headers_for("admin"),
    )
    assert key.status_code == 201, key.text
    script = {"Authorization": f"Bearer {key.json()['key']}"}
    indicator = client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Schools"}).json()
    return {
        "action": action,
        "indicator": indicator,
        "script": script,
        "lead": headers_for("focal_point", entity_id=lead),
        "helper": headers_for("focal_point", entity_id=supporting),
    }


def _etag(client: TestClient, url: str, headers: dict[str, str]) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.headers["ETag"])


def test_a_supporting_entity_does_not_take_over_a_progress_draft_an_api_key_wrote(
    client: TestClient, world: dict[str, Any]
) -> None:
    created = client.post(
        f"/api/v1/actions/{world['action']['id']}/progress", json=REPORT, headers=world["script"]
    )
    assert created.status_code == 201, created.text
    assert created.json()["author_id"] is None
    url = f"/api/v1/progress/{created.json()['id']}"
    helper = world["helper"]
    tag = _etag(client, url, helper)  # the supporting entity reads it
    assert client.patch(url, json={"narrative": "x"}, headers={**helper, "If-Match": tag}).status_code == 403
    assert client.post(f"{url}/submit", headers=helper).status_code == 403
    assert client.get(url).json()["narrative"] == REPORT["narrative"]
    # Their work queue lists the drafts they may go on with: not this one; the lead entity's does.
    drafts = {"state": "draft"}
    assert client.get("/api/v1/progress", params=drafts, headers=helper).json()["total"] == 0
    assert client.get("/api/v1/progress", params=drafts, headers=world["lead"]).json()["total"] == 1
    # The lead entity's people, and the script itself, go on with it.
    for headers in (world["lead"], world["script"]):
        tag = _etag(client, url, headers)
        edited = client.patch(url, json={"narrative": "Edited."}, headers={**headers, "If-Match": tag})
        assert edited.status_code == 200, edited.text
    assert client.post(f"{url}/submit", headers=world["lead"]).status_code == 200


def test_a_supporting_entity_does_not_take_over_a_value_an_api_key_recorded(
    client: TestClient, world: dict[str, Any]
) -> None:
    created = client.post(
        f"/api/v1/indicators/{world['indicator']['id']}/values", json=VALUE, headers=world["script"]
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/indicator-values/{created.json()['id']}"
    helper = world["helper"]
    tag = _etag(client, url, helper)
    assert client.patch(url, json={"value": 999}, headers={**helper, "If-Match": tag}).status_code == 403
    assert client.post(f"{url}/submit", headers=helper).status_code == 403
    assert client.delete(url, headers=helper).status_code == 403
    assert client.get(url).json()["value"] == 4
    tag = _etag(client, url, world["lead"])
    assert client.patch(url, json={"value": 5}, headers={**world["lead"], "If-Match": tag}).status_code == 200
    assert client.post(f"{url}/submit", headers=world["script"]).status_code == 200


@pytest.fixture
def helper_script(client: TestClient, world: dict[str, Any], headers_for: Headers) -> dict[str, str]:
    """A write key of the supporting entity (the Ministry of Education's own tool)."""
    supporting = world["action"]["supporting_entity_ids"][0]
    key = client.post(
        "/api/v1/api-keys",
        json={"name": "education script", "role": "focal_point", "entity_id": supporting, "scope": "write"},
        headers=headers_for("admin"),
    )
    assert key.status_code == 201, key.text
    return {"Authorization": f"Bearer {key.json()['key']}"}


def test_a_supporting_entitys_key_writes_nothing_it_could_not_go_on_with(
    client: TestClient, world: dict[str, Any], helper_script: dict[str, str]
) -> None:
    """What a key writes has no author, so it would be the lead entity's: the supporting entity's
    key could not edit, submit or delete its own draft, and the lead entity's people took it over as
    theirs. It is refused at once, saying why, and nothing is written."""
    action_id = world["action"]["id"]
    for body in (REPORT, {**REPORT, "submit": True}):
        created = client.post(f"/api/v1/actions/{action_id}/progress", json=body, headers=helper_script)
        assert created.status_code == 403, created.text
        assert "lead entity" in created.json()["detail"]
    recorded = client.post(
        f"/api/v1/indicators/{world['indicator']['id']}/values", json=VALUE, headers=helper_script
    )
    assert recorded.status_code == 403, recorded.text
    assert client.get(f"/api/v1/actions/{action_id}/progress").json()["total"] == 0
    assert client.get(f"/api/v1/indicators/{world['indicator']['id']}/values").json()["total"] == 0
    # The supporting entity's focal points write there in their own name, as before.
    by_person = client.post(f"/api/v1/actions/{action_id}/progress", json=REPORT, headers=world["helper"])
    assert by_person.status_code == 201, by_person.text
