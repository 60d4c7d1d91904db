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


def _set_status_by_hand(client: TestClient, action_id: int, status: str) -> None:
    tag = client.get(f"/api/v1/actions/{action_id}").headers["etag"]
    changed = client.patch(f"/api/v1/actions/{action_id}", json={"status": status}, headers={"If-Match": tag})
    assert changed.status_code == 200, changed.text


def test_a_status_changed_by_hand_after_the_reports_date_is_kept(client: TestClient) -> None:
    """A coordinator set the status by hand (today, after June): approving the June report late moved
    it back to June's status. It is kept, and the approval says so and why."""
    action = make_action(client)
    june = _submitted(client, action["id"], "2025-06-30", "in_progress")
    _set_status_by_hand(client, action["id"], "delayed")
    approved = client.post(f"/api/v1/progress/{june}/approve", json={})
    assert approved.status_code == 200, approved.text
    assert _status(client, action["id"]) == "delayed"
    kept = approved.json()["status_kept"]
    assert (
        kept is not None
        and "changed to delayed on" in kept
        and "after this update's date (2025-06-30)" in kept
    )
    # A later report is kept from the status too when the change by hand came after its date.
    december = _submitted(client, action["id"], "2025-12-31", "completed")
    _set_status_by_hand(client, action["id"], "in_progress")  # today: after December 2025 as well
    again = client.post(f"/api/v1/progress/{december}/approve", json={}).json()
    assert _status(client, action["id"]) == "in_progress" and again["status_kept"]


def test_a_status_applied_by_an_approval_does_not_count_as_changed_by_hand(client: TestClient) -> None:
    action = make_action(client)
    older = _submitted(client, action["id"], "2025-06-30", "in_progress")
    newer = _submitted(client, action["id"], "2025-09-30", "completed")
    first = client.post(f"/api/v1/progress/{older}/approve", json={}).json()
    assert first["status_kept"] is None and _status(client, action["id"]) == "in_progress"
    second = client.post(f"/api/v1/progress/{newer}/approve", json={}).json()
    assert second["status_kept"] is None and _status(client, action["id"]) == "completed"


def test_a_report_of_the_day_of_the_change_by_hand_sets_the_status(client: TestClient) -> None:
    """The rule is by day: a change made on the report's own date is not after it."""
    action = make_action(client)
    _set_status_by_hand(client, action["id"], "delayed")
    today = client.get("/api/v1/actions").json()["items"][0]["created_at"][:10]
    report = _submitted(client, action["id"], today, "in_progress")
    approved = client.post(f"/api/v1/progress/{report}/approve", json={}).json()
    assert approved["status_kept"] is None and _status(client, action["id"]) == "in_progress"
