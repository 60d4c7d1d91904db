"""A world with everything the public must never see, built through the staff API as staff would.

Every internal value carries a marker from ``SECRETS``: the leak test looks for each one in every
public response body. The public counterparts (a published cluster, a published action with an
approved and published update) are there too, so an empty answer cannot pass for a safe one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import accounts
from tests.builder import imported
from tests.factories import import_records, record

# Marker -> where it was planted. Each must never appear in a public body.
SECRETS = {
    "qz-internal-notes": "internal notes",
    "qz-priority-rationale": "priority rationale",
    "qz-status-note": "status history note",
    "qz-draft-narrative": "draft progress",
    "qz-submitted-narrative": "submitted progress",
    "qz-returned-narrative": "returned progress",
    "qz-review-comment": "review comment of a returned update",
    "qz-approved-unpublished": "approved but unpublished progress",
    "qz-hidden-action-title": "unpublished action title",
    "qz-hidden-action-progress": "published progress of an unpublished action",
    "qz-file-draft": "evidence file of a draft update",
    "qz-file-submitted": "evidence file of a submitted update",
    "qz-file-returned": "evidence file of a returned update",
    "qz-file-approved": "evidence file of an approved but unpublished update",
    "qz-file-hidden-action": "evidence file of a published update of an unpublished action",
    "qz-hidden-cluster": "unpublished cluster name",
    "qz-archived-cluster": "archived cluster name",
    "qz-budget-source": "budget source",
    "987654": "budget amount",
    "qz-value-note": "indicator value note",
    "731001": "draft indicator value",
    "731002": "submitted indicator value",
    "731003": "returned indicator value",
    "731004": "approved indicator value replaced by a correction",
    "731005": "approved indicator value of an unpublished action",
    "qz-value-return": "review comment of a returned indicator value",
    "qz-withdrawn-text": "withdrawn recommendation text",
    "contact-qz@justice.example": "entity contact e-mail",
    "qz-contact-name": "entity contact name",
    "+51-999-000-111": "entity contact phone",
    "coordinator-qz@nrtd.example": "coordinator e-mail",
    "focal-qz@nrtd.example": "focal point e-mail",
    "reader-qz@nrtd.example": "reader e-mail",
}
REPORTED_ON = "2025-06-30"
PUBLIC_NARRATIVE = "Forty schools <opened> & staffed \x0b in the south"
PUBLIC_FILE = "school-openings"


@dataclass
class World:
    coordinator: dict[str, str]
    reader: dict[str, str]
    justice: int
    labour: int
    rec: dict[str, int]
    cluster: int
    hidden_cluster: int
    archived_cluster: int
    action: int
    hidden_action: int
    progress: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, int] = field(default_factory=dict)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _etag(client: TestClient, url: str, headers: dict[str, str]) -> str:
    tag: str = client.get(url, headers=headers).headers["ETag"]
    return tag


def _progress(
    client: TestClient,
    headers: dict[str, str],
    action: int,
    narrative: str,
    *steps: str,
    evidence: dict[str, int] | None = None,
    file_marker: str = "",
) -> int:
    """A progress update taken through ``steps``; with ``file_marker``, a file attached while it is a
    draft (the marker in its name and its content), its id put in ``evidence`` under the narrative."""
    body = {"reported_on": REPORTED_ON, "narrative": narrative, "new_status": "in_progress"}
    update = _ok(client.post(f"/api/v1/actions/{action}/progress", json=body, headers=headers), 201)
    if file_marker and evidence is not None:
        content = f"Attendance list {file_marker}\n".encode()
        files = {"file": (f"{file_marker}.txt", content, "text/plain")}
        attached = client.post(f"/api/v1/progress/{update['id']}/evidence", files=files, headers=headers)
        evidence[file_marker] = int(_ok(attached, 201)["id"])
    for step in steps:
        url = f"/api/v1/progress/{update['id']}/{step}"
        payload: Any = None
        if step == "return":
            payload = {"comment": "Please add figures qz-review-comment"}
        elif step == "approve":
            payload = {"publish": False}
        elif step == "approve+publish":
            url, payload = f"/api/v1/progress/{update['id']}/approve", {"publish": True}
        _ok(client.post(url, json=payload, headers=headers))
    return int(update["id"])


def _value(
    client: TestClient, headers: dict[str, str], url: str, value: float, day: str | None, *steps: str
) -> int:
    """Record an indicator value (at ``url``: values or corrections) and take it through ``steps``
    (``approve`` submits it at once)."""
    body = {"measured_on": day or REPORTED_ON, "value": value, "note": "Counted by qz-value-note"}
    body["submit"] = any(step in ("submit", "approve") for step in steps)
    created = _ok(client.post(url, json=body, headers=headers), 201)
    for step in steps:
        if step == "return":
            payload = {"comment": "Recount qz-value-return"}
            _ok(
                client.post(f"/api/v1/indicator-values/{created['id']}/return", json=payload, headers=headers)
            )
        elif step == "approve":
            _ok(client.post(f"/api/v1/indicator-values/{created['id']}/approve", headers=headers))
    return int(created["id"])


def build_world(client: TestClient, engine: Engine) -> World:
    """``client`` carries no credentials; staff headers are sent per request."""
    coordinator = accounts.headers_for(engine, "coordinator", email="coordinator-qz@nrtd.example")
    reader = accounts.headers_for(engine, "reader", email="reader-qz@nrtd.example")
    entity = {
        "name": "Ministry of Justice",
        "acronym": "MOJ",
        "kind": "ministry",
        "contact_name": "qz-contact-name",
        "contact_email": "contact-qz@justice.example",
        "contact_phone": "+51-999-000-111",
    }
    justice = _ok(client.post("/api/v1/entities", json=entity, headers=coordinator), 201)["id"]
    labour = _ok(
        client.post(
            "/api/v1/entities", json={"name": "Ministry of Labour", "kind": "ministry"}, headers=coordinator
        ),
        201,
    )["id"]
    accounts.create_user(engine, "focal-qz@nrtd.example", "focal_point", entity_id=justice)

    records = [
        record(
            "P1",
            "<p>1. Ensure free primary education for every child.</p>",
            symbol="CRC/C/PER/CO/6",
            themes=["Right to education"],
            sdgs=["4.1"],
            countries=["Peru"],
        ),
        record(
            "P2",
            "<p>2. End child labour in mines.</p>",
            mechanism="UPR",
            themes=["Child labour"],
            sdgs=["8.7"],
            upr_cycle=3,
            upr_session=32,
            position="supported",
            recommending_states=["Chile"],
        ),
        record("W", "<p>3. qz-withdrawn-text.</p>"),
    ]
    rec = imported(engine, records)

    local = {
        "priority": "high",
        "priority_rationale": "Because qz-priority-rationale",
        "internal_notes": "Call the minister qz-internal-notes",
        "status": "in_progress",
        "status_note": "Started qz-status-note",
        "lead_entity_id": justice,
        "supporting_entity_ids": [labour],
    }
    url = f"/api/v1/recommendations/{rec['P1']}"
    _ok(client.patch(url, json=local, headers={**coordinator, "If-Match": _etag(client, url, coordinator)}))
    _ok(client.post(f"{url}/publish", headers=coordinator))  # the status and priority the public sees

    def cluster(name: str, published: bool) -> int:
        body = {
            "name": name,
            "published": published,
            "lead_entity_id": justice,
            "description": f"About {name}",
        }
        cluster_id = int(_ok(client.post("/api/v1/clusters", json=body, headers=coordinator), 201)["id"])
        members = {"ids": [rec["P1"], rec["P2"], rec["W"]]}
        _ok(client.post(f"/api/v1/clusters/{cluster_id}/recommendations", json=members, headers=coordinator))
        return cluster_id

    public_cluster = cluster("Education", True)
    hidden_cluster = cluster("qz-hidden-cluster", False)
    archived_cluster = cluster("qz-archived-cluster", True)
    url = f"/api/v1/clusters/{archived_cluster}"
    _ok(
        client.patch(
            url, json={"archived": True}, headers={**coordinator, "If-Match": _etag(client, url, coordinator)}
        )
    )

    action_body = {
        "title": "Build and staff rural schools",
        "description": "Forty schools in the south",
        "recommendation_ids": [rec["P1"], rec["W"]],
        "cluster_ids": [public_cluster, hidden_cluster],
        "lead_entity_id": justice,
        "supporting_entity_ids": [labour],
        "start_date": "2024-01-01",
        "due_date": "2025-01-31",
        "status": "in_progress",
        "budget": {"amount": "987654.32", "currency": "USD", "source": "qz-budget-source"},
        "sdg_targets": ["4.1"],
        "published": True,
    }
    action = _ok(client.post("/api/v1/actions", json=action_body, headers=coordinator), 201)["id"]
    hidden_body = {
        "title": "qz-hidden-action-title",
        "recommendation_ids": [rec["P1"], rec["P2"]],
        "lead_entity_id": labour,
        "published": False,
    }
    hidden_action = _ok(client.post("/api/v1/actions", json=hidden_body, headers=coordinator), 201)["id"]

    indicator = _ok(
        client.post(
            f"/api/v1/actions/{action}/indicators",
            json={
                "name": "Schools opened",
                "unit": "schools",
                "baseline": {"value": 0, "date": "2024-01-01"},
                "target": {"value": 40, "date": "2025-12-31"},
            },
            headers=coordinator,
        ),
        201,
    )
    values = f"/api/v1/indicators/{indicator['id']}/values"
    _value(client, coordinator, values, 12.5, "2025-06-30", "approve")
    for number, *steps in (("731001",), ("731002", "submit"), ("731003", "submit", "return")):
        _value(client, coordinator, values, float(number), "2025-05-31", *steps)
    replaced = _value(client, coordinator, values, 731004, "2025-03-31", "approve")
    correction = f"/api/v1/indicator-values/{replaced}/corrections"
    _value(client, coordinator, correction, 7, "2025-03-31", "approve")
    hidden_indicator = _ok(
        client.post(f"/api/v1/actions/{hidden_action}/indicators", json={"name": "x"}, headers=coordinator),
        201,
    )
    _value(
        client, coordinator, f"/api/v1/indicators/{hidden_indicator['id']}/values", 731005, None, "approve"
    )

    files: dict[str, int] = {}
    progress = {
        "draft": _progress(
            client, coordinator, action, "qz-draft-narrative", evidence=files, file_marker="qz-file-draft"
        ),
        "submitted": _progress(
            client,
            coordinator,
            action,
            "qz-submitted-narrative",
            "submit",
            evidence=files,
            file_marker="qz-file-submitted",
        ),
        "returned": _progress(
            client,
            coordinator,
            action,
            "qz-returned-narrative",
            "submit",
            "return",
            evidence=files,
            file_marker="qz-file-returned",
        ),
        "approved": _progress(
            client,
            coordinator,
            action,
            "qz-approved-unpublished",
            "submit",
            "approve",
            evidence=files,
            file_marker="qz-file-approved",
        ),
        "published": _progress(
            client,
            coordinator,
            action,
            PUBLIC_NARRATIVE,
            "submit",
            "approve+publish",
            evidence=files,
            file_marker=PUBLIC_FILE,
        ),
        "hidden_action": _progress(
            client,
            coordinator,
            hidden_action,
            "qz-hidden-action-progress",
            "submit",
            "approve+publish",
            evidence=files,
            file_marker="qz-file-hidden-action",
        ),
    }
    evidence = {
        "draft": files["qz-file-draft"],
        "submitted": files["qz-file-submitted"],
        "returned": files["qz-file-returned"],
        "approved": files["qz-file-approved"],
        "published": files[PUBLIC_FILE],
        "hidden_action": files["qz-file-hidden-action"],
    }

    # W leaves the feed: a full export without it withdraws it.
    import_records(engine, records[:2], full_export=True)
    return World(
        coordinator=coordinator,
        reader=reader,
        justice=justice,
        labour=labour,
        rec=rec,
        cluster=public_cluster,
        hidden_cluster=hidden_cluster,
        archived_cluster=archived_cluster,
        action=action,
        hidden_action=hidden_action,
        progress=progress,
        evidence=evidence,
    )
