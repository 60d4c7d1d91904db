"""Progress updates: the review workflow, who may do what, transitions, If-Match, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.plans.progress.reading import published_progress
from tests.accounts import create_entity
from tests.plans.test_actions import audit_actions, audit_events, make_action, patch, problem_fields, today

Headers = Callable[..., dict[str, str]]
REPORT = {"reported_on": "2025-06-30", "narrative": "Two workshops held.", "new_status": "in_progress"}


@pytest.fixture
def setup(client: TestClient, engine: Engine, headers_for: Headers) -> dict[str, Any]:
    a = create_entity(engine, "Ministry of Justice")
    b = create_entity(engine, "Ministry of Labour")
    action = make_action(client, lead_entity_id=a)
    return {
        "action": action,
        "action_url": f"/api/v1/actions/{action['id']}",
        "url": f"/api/v1/actions/{action['id']}/progress",
        "focal_a": headers_for("focal_point", entity_id=a),
        "focal_b": headers_for("focal_point", entity_id=b),
        "reader": headers_for("reader"),
    }


def _report(client: TestClient, setup: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = client.post(setup["url"], json={**REPORT, **fields}, headers=setup["focal_a"])
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def _post(client: TestClient, progress_id: int, verb: str, body: Any = None, **headers: str) -> Any:
    if "if_match" in headers:
        headers["If-Match"] = headers.pop("if_match")
    return client.post(f"/api/v1/progress/{progress_id}/{verb}", json=body, headers=headers)


def test_the_whole_review_flow(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    focal = setup["focal_a"]
    # The focal point of entity A adds an indicator and a value, then reports progress.
    indicator = client.post(
        f"{setup['action_url']}/indicators", json={"name": "Judges trained", "unit": "persons"}, headers=focal
    ).json()
    value = {"measured_on": "2025-06-30", "value": 40}
    assert (
        client.post(f"/api/v1/indicators/{indicator['id']}/values", json=value, headers=focal).status_code
        == 201
    )
    draft = _report(client, setup, evidence_url="https://example.org/report.pdf")
    assert draft["state"] == "draft" and draft["published"] is False and draft["author_id"] is not None
    url = f"/api/v1/progress/{draft['id']}"
    assert client.get(url).headers["ETag"] == '"1"'

    submitted = _post(client, draft["id"], "submit", **focal)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.headers["ETag"] == '"2"'

    # The coordinator returns it with a comment; the focal point edits and resubmits.
    returned = _post(client, draft["id"], "return", {"comment": "Add the number of judges."})
    assert returned.status_code == 200, returned.text
    assert returned.json()["state"] == "returned"
    assert returned.json()["review_comment"] == "Add the number of judges."
    assert returned.json()["reviewed_by_id"] is not None
    edited = patch(
        client, url, {"narrative": "Two workshops, 40 judges.", "new_status": "completed"}, **focal
    )
    assert edited.status_code == 200, edited.text
    assert _post(client, draft["id"], "submit", if_match=edited.headers["ETag"], **focal).status_code == 200

    # Approved with publish: the action takes the reported status.
    assert client.get(setup["action_url"]).json()["status"] == "planned"
    approved = _post(client, draft["id"], "approve", {"publish": True})
    assert approved.status_code == 200, approved.text
    data = approved.json()
    assert data["state"] == "approved" and data["published"] is True and data["published_at"]
    assert data["reviewed_at"] and data["narrative"] == "Two workshops, 40 judges."
    action = client.get(setup["action_url"]).json()
    assert action["status"] == "completed"
    assert action["latest_progress"]["id"] == draft["id"]
    # The action's own focal point reads its latest update there; another entity's, who may not read
    # the action's updates (403 on them), does not find it on the action either.
    own = client.get(setup["action_url"], headers=focal).json()
    assert own["latest_progress"]["id"] == draft["id"]
    assert client.get(setup["action_url"], headers=setup["focal_b"]).json()["latest_progress"] is None

    assert audit_actions(engine, "progress_update", draft["id"]) == [
        "progress.create",
        "progress.submit",
        "progress.return",
        "progress.update",
        "progress.submit",
        "progress.approve",
    ]
    events = audit_events(engine, "progress_update", draft["id"])
    assert events[2].before == {
        "state": "submitted",
        "review_comment": None,
        "reviewed_by_id": None,
        "reviewed_at": None,
    }
    assert events[3].before == {"narrative": "Two workshops held.", "new_status": "in_progress"}
    assert events[5].after is not None and events[5].after["published"] is True
    action_events = audit_events(engine, "action", setup["action"]["id"])
    assert [e.action for e in action_events] == ["action.create", "action.update"]
    # The approval's change names the update: a person's own change of the status is told from it.
    assert action_events[1].before == {"status": "planned"} and action_events[1].after == {
        "status": "completed",
        "progress_update_id": draft["id"],
    }


def test_submit_at_creation_and_list(client: TestClient, setup: dict[str, Any]) -> None:
    first = _report(client, setup, reported_on="2025-01-31")
    second = _report(client, setup, submit=True, new_status=None)
    assert second["state"] == "submitted" and second["new_status"] is None
    listed = client.get(setup["url"], headers=setup["focal_a"]).json()
    assert [item["id"] for item in listed["items"]] == [second["id"], first["id"]]
    assert listed["total"] == 2
    # Approved without publishing and without a new status: the action is unchanged, nothing public.
    approved = _post(client, second["id"], "approve")
    assert approved.json()["published"] is False and approved.json()["published_at"] is None
    assert client.get(setup["action_url"]).json()["status"] == "planned"


def test_publish_and_unpublish(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    update = _report(client, setup, submit=True)
    other = _report(client, setup, submit=True)
    assert _post(client, update["id"], "publish").status_code == 409  # not approved yet
    assert _post(client, update["id"], "approve").status_code == 200
    assert _post(client, other["id"], "approve").status_code == 200
    with Session(engine) as session:
        assert published_progress(session, [setup["action"]["id"]]) == {}
    published = _post(client, update["id"], "publish")
    assert published.status_code == 200 and published.json()["published_at"]
    assert _post(client, update["id"], "publish").status_code == 409  # already published
    with Session(engine) as session:
        rows = published_progress(session, [setup["action"]["id"], 999999])
        assert list(rows) == [setup["action"]["id"]]
        assert [row.id for row in rows[setup["action"]["id"]]] == [update["id"]]
    unpublished = _post(client, update["id"], "unpublish")
    assert unpublished.json()["published"] is False and unpublished.json()["published_at"] is None
    assert _post(client, update["id"], "unpublish").status_code == 409
    with Session(engine) as session:
        assert published_progress(session, [setup["action"]["id"]]) == {}
    assert audit_actions(engine, "progress_update", update["id"])[-2:] == [
        "progress.publish",
        "progress.unpublish",
    ]


def test_invalid_transitions(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    draft = _report(client, setup)
    for verb, body in (
        ("approve", None),
        ("return", {"comment": "No"}),
        ("publish", None),
        ("unpublish", None),
    ):
        response = _post(client, draft["id"], verb, body)
        assert response.status_code == 409, verb
        assert "this one is draft" in response.json()["detail"]
    assert _post(client, draft["id"], "submit").status_code == 200
    assert _post(client, draft["id"], "submit").status_code == 409
    edit = patch(client, f"/api/v1/progress/{draft['id']}", {"narrative": "Changed"}, **setup["focal_a"])
    assert edit.status_code == 409
    assert _post(client, draft["id"], "approve").status_code == 200
    for verb, body in (("submit", None), ("approve", None), ("return", {"comment": "Late"})):
        assert _post(client, draft["id"], verb, body).status_code == 409, verb
    assert audit_actions(engine, "progress_update", draft["id"]) == [
        "progress.create",
        "progress.submit",
        "progress.approve",
    ]


def test_if_match(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    draft = _report(client, setup)
    url = f"/api/v1/progress/{draft['id']}"
    assert client.patch(url, json={"narrative": "x"}, headers=setup["focal_a"]).status_code == 428
    assert patch(client, url, {"narrative": "x"}, if_match='"7"', **setup["focal_a"]).status_code == 412
    assert _post(client, draft["id"], "submit", if_match='"7"').status_code == 412
    assert _post(client, draft["id"], "submit", if_match='"1"').status_code == 200
    assert _post(client, draft["id"], "approve", if_match='"1"').status_code == 412
    assert _post(client, draft["id"], "approve", if_match='"2"').status_code == 200
    assert audit_actions(engine, "progress_update", draft["id"]) == [
        "progress.create",
        "progress.submit",
        "progress.approve",
    ]


def test_other_entity_reader_and_focal_point_limits(
    client: TestClient, engine: Engine, setup: dict[str, Any], headers_for: Headers
) -> None:
    draft = _report(client, setup)
    url = f"/api/v1/progress/{draft['id']}"
    tag = client.get(url).headers["ETag"]
    # Another entity's focal point: the update answers as one that does not exist (its drafts are not
    # revealed), the action's list of updates is refused; a reader is refused every plan route.
    for headers, status in ((setup["focal_b"], 404), (setup["reader"], 403)):
        assert client.post(setup["url"], json=REPORT, headers=headers).status_code == 403
        assert (
            client.patch(url, json={"narrative": "x"}, headers={**headers, "If-Match": tag}).status_code
            == status
        )
        assert _post(client, draft["id"], "submit", **headers).status_code == status
    # Another entity's focal point reads neither the updates nor their files (the action itself, yes).
    for read in (setup["url"], url):
        assert client.get(read, headers=setup["reader"]).status_code == 403
    assert client.get(setup["url"], headers=setup["focal_b"]).status_code == 403
    assert client.get(url, headers=setup["focal_b"]).status_code == 404
    assert client.get(setup["action_url"], headers=setup["focal_b"]).status_code == 200
    assert _post(client, draft["id"], "submit", **setup["focal_a"]).status_code == 200
    # Only coordinators review and publish, even on the focal point's own action.
    for verb, body in (
        ("approve", None),
        ("return", {"comment": "x"}),
        ("publish", None),
        ("unpublish", None),
    ):
        assert _post(client, draft["id"], verb, body, **setup["focal_a"]).status_code == 403
    assert client.get(url).json()["state"] == "submitted"
    # Entity B's edit, submit and read of the update.
    assert audit_actions(engine, "progress_update", draft["id"]).count("authz.denied") == 3


def test_coordinator_can_report_and_edit(client: TestClient, setup: dict[str, Any]) -> None:
    response = client.post(setup["url"], json={**REPORT, "submit": True})
    assert response.status_code == 201 and response.json()["state"] == "submitted"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reported_on": (today() + timedelta(days=3)).isoformat()}, "reported_on"),
        ({"reported_on": "2025-02-29"}, "reported_on"),
        ({"narrative": "  "}, "narrative"),
        ({"narrative": "x" * 20001}, "narrative"),
        ({"new_status": "finished"}, "new_status"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "ftp://example.org/x"}, "evidence_url"),
        ({"evidence_url": "https://"}, "evidence_url"),
        ({"state": "approved"}, "state"),
        ({"published": True}, "published"),
    ],
)
def test_create_validation(
    client: TestClient, setup: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    response = client.post(setup["url"], json={**REPORT, **change})
    assert response.status_code == 422, response.text
    assert problem_fields(response) == [field]


def test_patch_and_review_validation(client: TestClient, setup: dict[str, Any]) -> None:
    draft = _report(client, setup)
    url = f"/api/v1/progress/{draft['id']}"
    assert problem_fields(patch(client, url, {"narrative": None})) == ["narrative"]
    assert problem_fields(patch(client, url, {"state": "approved"})) == ["state"]
    assert _post(client, draft["id"], "submit").status_code == 200
    assert problem_fields(_post(client, draft["id"], "return", {})) == ["comment"]
    assert problem_fields(_post(client, draft["id"], "return", {"comment": " "})) == ["comment"]
    assert problem_fields(_post(client, draft["id"], "approve", {"publish": True, "x": 1})) == ["x"]


def test_not_found(client: TestClient) -> None:
    assert client.get("/api/v1/actions/999999/progress").status_code == 404
    assert client.post("/api/v1/actions/999999/progress", json=REPORT).status_code == 404
    assert client.get("/api/v1/progress/999999").status_code == 404
    response = client.patch("/api/v1/progress/999999", json={"narrative": "x"}, headers={"If-Match": '"1"'})
    assert response.status_code == 404
    for verb, body in (("submit", None), ("approve", None), ("return", {"comment": "x"}), ("publish", None)):
        assert _post(client, 999999, verb, body).status_code == 404


def test_a_report_made_after_one_was_deleted_never_takes_its_id(
    client: TestClient, setup: dict[str, Any]
) -> None:
    # SQLite gives a new row the id of the last one deleted: an edit sent to the deleted report (its
    # ETag read before the delete) then overwrote another focal point's new report.
    deleted = _report(client, setup, narrative="First draft.")
    url = f"/api/v1/progress/{deleted['id']}"
    read = client.get(url, headers=setup["focal_a"]).headers["ETag"]
    assert client.delete(url, headers={**setup["focal_a"], "If-Match": read}).status_code == 204
    other = _report(client, setup, narrative="Another ministry's report.")
    assert other["id"] != deleted["id"]
    late = client.patch(url, json={"narrative": "Edited."}, headers={**setup["focal_a"], "If-Match": read})
    assert late.status_code == 404, late.text
    kept = client.get(f"/api/v1/progress/{other['id']}", headers=setup["focal_a"]).json()
    assert kept["narrative"] == "Another ministry's report."
