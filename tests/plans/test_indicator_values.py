"""The review of indicator values: drafts, submit, return with a comment, approve, delete, and
corrections that replace an approved value while it stays in the history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.plans.test_actions import audit_actions, make_action, problem_fields

Headers = Callable[..., dict[str, str]]
VALUES = "/api/v1/indicator-values"


@pytest.fixture
def setup(client: TestClient, engine: Engine, headers_for: Headers) -> dict[str, Any]:
    a = create_entity(engine, "Ministry of Justice")
    b = create_entity(engine, "Ministry of Labour")
    action = make_action(client, lead_entity_id=a, published=True)
    indicator = client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Judges trained"})
    assert indicator.status_code == 201, indicator.text
    return {
        "a": a,
        "action": action,
        "indicator": indicator.json(),
        "values": f"/api/v1/indicators/{indicator.json()['id']}/values",
        "focal_a": headers_for("focal_point", entity_id=a),
        "focal_a2": headers_for("focal_point", entity_id=a),
        "focal_b": headers_for("focal_point", entity_id=b),
    }


def _record(client: TestClient, setup: dict[str, Any], value: Any, **extra: Any) -> dict[str, Any]:
    headers = extra.pop("headers", setup["focal_a"])
    body = {"measured_on": "2025-06-30", "value": value, **extra}
    response = client.post(setup["values"], json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"{VALUES}/{response.json()['id']}"
    data: dict[str, Any] = response.json()
    return data


def _post(client: TestClient, value_id: int, step: str, **kwargs: Any) -> Any:
    return client.post(f"{VALUES}/{value_id}/{step}", **kwargs)


def _public_values(client: TestClient, setup: dict[str, Any]) -> list[Any]:
    action = client.get(f"/api/v1/public/actions/{setup['action']['id']}").json()
    return [v["value"] for v in action["indicators"][0]["values"]]


def _latest(client: TestClient, setup: dict[str, Any]) -> Any:
    latest = client.get(f"/api/v1/indicators/{setup['indicator']['id']}").json()["latest_value"]
    return latest and latest["value"]


def test_draft_edit_submit_return_resubmit_approve(
    client: TestClient, engine: Engine, setup: dict[str, Any]
) -> None:
    focal = setup["focal_a"]
    draft = _record(client, setup, 9999, note="typo")
    assert draft["state"] == "draft" and draft["version"] == 1
    url = f"{VALUES}/{draft['id']}"
    assert client.patch(url, json={"value": 199}, headers=focal).status_code == 428
    stale = client.patch(url, json={"value": 199}, headers={**focal, "If-Match": '"7"'})
    assert stale.status_code == 412
    edited = client.patch(url, json={"value": 199}, headers={**focal, "If-Match": '"1"'})
    assert edited.status_code == 200, edited.text
    assert edited.json()["value"] == 199.0 and edited.headers["ETag"] == '"2"'
    assert client.patch(url, json={"value": None}, headers={**focal, "If-Match": '"2"'}).status_code == 422

    assert _post(client, draft["id"], "submit", headers=focal).json()["state"] == "submitted"
    # Focal points neither approve nor return; a submitted value is not edited.
    assert _post(client, draft["id"], "approve", headers=focal).status_code == 403
    conflict = client.patch(url, json={"value": 5}, headers={**focal, "If-Match": '"3"'})
    assert conflict.status_code == 409 and problem_fields(conflict) == ["state"]
    assert _public_values(client, setup) == [] and _latest(client, setup) is None

    returned = _post(client, draft["id"], "return", json={"comment": "Count the second workshop"})
    assert returned.status_code == 200, returned.text
    seen = client.get(url, headers=focal).json()
    assert seen["state"] == "returned" and seen["review_comment"] == "Count the second workshop"
    assert seen["reviewed_by_id"] is not None
    fixed = client.patch(url, json={"value": 210}, headers={**focal, "If-Match": f'"{seen["version"]}"'})
    assert fixed.status_code == 200
    assert _post(client, draft["id"], "submit", headers=setup["focal_a2"]).status_code == 200
    assert _post(client, draft["id"], "approve", headers={"If-Match": '"1"'}).status_code == 412
    approved = _post(client, draft["id"], "approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert _post(client, draft["id"], "approve").status_code == 409
    assert _public_values(client, setup) == [210.0] and _latest(client, setup) == 210.0
    # An approved value is corrected, never edited or deleted.
    assert client.delete(url, headers=focal).status_code == 409
    assert client.patch(url, json={"value": 1}, headers={**focal, "If-Match": '"9"'}).status_code in (
        409,
        412,
    )
    assert audit_actions(engine, "indicator_value", draft["id"]) == [
        "indicator_value.create",
        "indicator_value.update",
        "indicator_value.submit",
        "indicator_value.return",
        "indicator_value.update",
        "indicator_value.submit",
        "indicator_value.approve",
    ]


def test_drafts_and_returned_values_are_deleted(
    client: TestClient, engine: Engine, setup: dict[str, Any]
) -> None:
    draft = _record(client, setup, 1)
    returned = _record(client, setup, 2, submit=True)
    assert _post(client, returned["id"], "return", json={"comment": "No"}).status_code == 200
    submitted = _record(client, setup, 3, submit=True)
    assert client.delete(f"{VALUES}/{submitted['id']}", headers=setup["focal_a"]).status_code == 409
    assert client.delete(f"{VALUES}/{draft['id']}", headers={"If-Match": '"5"'}).status_code == 412
    for value in (draft, returned):
        assert client.delete(f"{VALUES}/{value['id']}", headers=setup["focal_a"]).status_code == 204
        assert client.get(f"{VALUES}/{value['id']}").status_code == 404
    assert audit_actions(engine, "indicator_value", draft["id"])[-1] == "indicator_value.delete"
    assert [v["id"] for v in client.get(setup["values"]).json()["items"]] == [submitted["id"]]


def test_a_correction_replaces_an_approved_value_and_keeps_it_in_the_history(
    client: TestClient, engine: Engine, setup: dict[str, Any]
) -> None:
    wrong = _record(client, setup, 9999, submit=True)
    assert _post(client, wrong["id"], "approve").status_code == 200
    body = {"measured_on": "2025-06-30", "value": 199, "note": "typo, should be 199", "submit": True}
    focal = setup["focal_a"]
    draft = _record(client, setup, 5)
    refused = client.post(f"{VALUES}/{draft['id']}/corrections", json=body, headers=focal)
    assert refused.status_code == 409 and problem_fields(refused) == ["state"]
    fix = client.post(f"{VALUES}/{wrong['id']}/corrections", json=body, headers=focal)
    assert fix.status_code == 201, fix.text
    assert fix.json()["corrects_id"] == wrong["id"] and fix.json()["state"] == "submitted"
    rival = client.post(f"{VALUES}/{wrong['id']}/corrections", json={**body, "value": 198}, headers=focal)
    assert rival.status_code == 201
    # Until the correction is approved the old value stays public.
    assert _public_values(client, setup) == [9999.0]
    assert _post(client, fix.json()["id"], "approve").status_code == 200
    assert _public_values(client, setup) == [199.0] and _latest(client, setup) == 199.0
    old = client.get(f"{VALUES}/{wrong['id']}").json()
    assert old["state"] == "approved" and old["superseded_by_id"] == fix.json()["id"]
    history = [
        (v["value"], v["state"], v["superseded_by_id"]) for v in client.get(setup["values"]).json()["items"]
    ]
    assert (9999.0, "approved", fix.json()["id"]) in history and len(history) == 4
    # The rival correction now corrects a replaced value: its approval is refused, nothing changes.
    late = _post(client, rival.json()["id"], "approve")
    assert late.status_code == 409 and problem_fields(late) == ["corrects_id"]
    assert client.get(f"{VALUES}/{rival.json()['id']}").json()["state"] == "submitted"
    again = client.post(f"{VALUES}/{wrong['id']}/corrections", json=body, headers=focal)
    assert again.status_code == 409
    assert audit_actions(engine, "indicator_value", wrong["id"])[-1] == "indicator_value.supersede"


def test_a_coordinators_own_value_is_approved_too(client: TestClient, setup: dict[str, Any]) -> None:
    mine = client.post(setup["values"], json={"measured_on": "2025-01-31", "value": 4})
    assert mine.status_code == 201 and mine.json()["state"] == "draft"
    assert _public_values(client, setup) == []
    assert _post(client, mine.json()["id"], "submit").status_code == 200
    assert _post(client, mine.json()["id"], "approve").status_code == 200
    assert _public_values(client, setup) == [4.0]


def test_other_entities_see_approved_values_only(client: TestClient, setup: dict[str, Any]) -> None:
    draft = _record(client, setup, 1)
    approved = _record(client, setup, 2, submit=True)
    assert _post(client, approved["id"], "approve").status_code == 200
    other = setup["focal_b"]
    assert client.get(f"{VALUES}/{draft['id']}", headers=other).status_code == 404
    assert client.get(f"{VALUES}/{approved['id']}", headers=other).status_code == 200
    listed = client.get(setup["values"], headers=other).json()
    assert [v["id"] for v in listed["items"]] == [approved["id"]]
    assert (
        client.post(
            setup["values"], json={"measured_on": "2025-01-31", "value": 4}, headers=other
        ).status_code
        == 403
    )
    assert client.delete(f"{VALUES}/{draft['id']}", headers=other).status_code == 404
    assert _post(client, draft["id"], "submit", headers=other).status_code == 404
    queue = client.get(VALUES, params={"state": "draft"}, headers=other).json()
    assert queue == {"items": [], "next_cursor": None, "total": 0}


def test_a_focal_point_of_another_entity_does_not_submit_our_draft(
    client: TestClient, engine: Engine, setup: dict[str, Any], headers_for: Headers
) -> None:
    """A supporting entity's focal point reads the lead entity's drafts but does not send them on."""
    supporting = create_entity(engine, "Ministry of Education")
    action = make_action(client, lead_entity_id=setup["a"], supporting_entity_ids=[supporting])
    indicator = client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Schools"}).json()
    url = f"/api/v1/indicators/{indicator['id']}/values"
    draft = client.post(url, json={"measured_on": "2025-01-31", "value": 4}, headers=setup["focal_a"]).json()
    helper = headers_for("focal_point", entity_id=supporting)
    assert client.get(f"{VALUES}/{draft['id']}", headers=helper).status_code == 200
    assert _post(client, draft["id"], "submit", headers=helper).status_code == 403
    assert client.delete(f"{VALUES}/{draft['id']}", headers=helper).status_code == 403
    # Nor is it listed as the helper's work: drafts and returned values only where it was recorded,
    # as progress updates are (the lead entity's returned values read as returned to the helper).
    assert _post(client, draft["id"], "submit", headers=setup["focal_a"]).status_code == 200
    assert _post(client, draft["id"], "return", json={"comment": "Count again"}).status_code == 200
    for state in ("returned", "draft"):
        listed = client.get(VALUES, params={"state": state}, headers=helper).json()
        assert listed["total"] == 0, state
    assert client.get(VALUES, params={"state": "returned"}, headers=setup["focal_a"]).json()["total"] == 1
    assert client.get(f"{VALUES}/{draft['id']}", headers=helper).status_code == 200


def test_the_queue_filters_and_pages(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    ids = [_record(client, setup, n, submit=True)["id"] for n in range(3)]
    _record(client, setup, 9)  # a draft: not in the queue
    other_action = make_action(client)
    other = client.post(f"/api/v1/actions/{other_action['id']}/indicators", json={"name": "Other"}).json()
    client.post(
        f"/api/v1/indicators/{other['id']}/values",
        json={"measured_on": "2025-01-31", "value": 1, "submit": True},
    )
    first = client.get(VALUES, params={"state": "submitted", "entity_id": setup["a"], "limit": 2}).json()
    assert [v["id"] for v in first["items"]] == ids[:2] and first["total"] == 3
    assert first["items"][0]["action_title"] == setup["action"]["title"]
    assert first["items"][0]["indicator_name"] == "Judges trained"
    rest = client.get(
        VALUES, params={"state": "submitted", "entity_id": setup["a"], "cursor": first["next_cursor"]}
    )
    assert [v["id"] for v in rest.json()["items"]] == ids[2:] and rest.json()["next_cursor"] is None
    assert client.get(VALUES, params={"state": "submitted"}).json()["total"] == 4
    by_action = client.get(VALUES, params={"action_id": setup["action"]["id"], "state": "draft"}).json()
    assert by_action["total"] == 1
    # ``state`` is repeatable, as on the actions (``status``) and the progress updates: any matches.
    both = client.get(
        VALUES, params=[("action_id", setup["action"]["id"]), ("state", "draft"), ("state", "submitted")]
    )
    assert both.status_code == 200 and both.json()["total"] == 4
    mine = client.get(VALUES, params={"state": "submitted"}, headers=setup["focal_a"]).json()
    assert mine["total"] == 3
    assert client.get(VALUES, params={"state": "pending"}).status_code == 422
    assert client.get(VALUES, params={"cursor": "garbage"}).status_code == 422


def test_a_value_recorded_after_one_was_deleted_never_takes_its_id(
    client: TestClient, setup: dict[str, Any]
) -> None:
    # SQLite gives a new row the id of the last one deleted: an edit sent to the deleted value (its
    # ETag read before the delete) then overwrote the value recorded next.
    deleted = _record(client, setup, 10)
    url = f"{VALUES}/{deleted['id']}"
    read = client.get(url, headers=setup["focal_a"]).headers["ETag"]
    assert client.delete(url, headers={**setup["focal_a"], "If-Match": read}).status_code == 204
    other = _record(client, setup, 20, headers=setup["focal_a2"])
    assert other["id"] != deleted["id"]
    late = client.patch(url, json={"value": 11}, headers={**setup["focal_a"], "If-Match": read})
    assert late.status_code == 404, late.text
    assert client.get(f"{VALUES}/{other['id']}", headers=setup["focal_a2"]).json()["value"] in (20, "20")
