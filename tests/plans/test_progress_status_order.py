"""The action's status follows its newest approved report, whatever order the reports are approved in."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.plans.test_actions import make_action


def _submitted(client: TestClient, action_id: int, reported_on: str, new_status: str | None) -> int:
    body: dict[str, Any] = {"reported_on": reported_on, "narrative": f"Report {reported_on}", "submit": True}
    if new_status is not None:
        body["new_status"] = new_status
    response = client.post(f"/api/v1/actions/{action_id}/progress", json=body)
    assert response.status_code == 201, response.text
    update_id: int = response.json()["id"]
    return update_id


def _status(client: TestClient, action_id: int) -> str:
    status: str = client.get(f"/api/v1/actions/{action_id}").json()["status"]
    return status


def test_approving_an_older_report_later_leaves_the_newer_reports_status(client: TestClient) -> None:
    action = make_action(client)
    newer = _submitted(client, action["id"], "2025-09-30", "completed")
    older = _submitted(client, action["id"], "2025-06-30", "in_progress")
    assert client.post(f"/api/v1/progress/{newer}/approve", json={}).status_code == 200
    assert _status(client, action["id"]) == "completed"
    # The June report, reviewed late, says what was true in June: the action stays completed.
    assert client.post(f"/api/v1/progress/{older}/approve", json={}).status_code == 200
    assert _status(client, action["id"]) == "completed"


def test_approving_several_at_once_in_any_order(client: TestClient) -> None:
    action = make_action(client)
    newer = _submitted(client, action["id"], "2025-09-30", "delayed")
    older = _submitted(client, action["id"], "2025-06-30", "in_progress")
    response = client.post("/api/v1/progress/approve", json={"ids": [newer, older]})
    assert response.status_code == 200, response.text
    assert _status(client, action["id"]) == "delayed"


def test_a_newer_report_without_a_status_does_not_stop_an_older_ones(client: TestClient) -> None:
    action = make_action(client)
    newer = _submitted(client, action["id"], "2025-09-30", None)
    older = _submitted(client, action["id"], "2025-06-30", "in_progress")
    assert client.post("/api/v1/progress/approve", json={"ids": [newer, older]}).status_code == 200
    assert _status(client, action["id"]) == "in_progress"
    # And a newer report approved after an older one still sets the status.
    latest = _submitted(client, action["id"], "2025-12-31", "completed")
    assert client.post(f"/api/v1/progress/{latest}/approve", json={}).status_code == 200
    assert _status(client, action["id"]) == "completed"
