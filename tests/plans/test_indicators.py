"""Indicators of actions and their measured values: who may write, validation, ETags, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.plans.test_actions import audit_actions, audit_events, make_action, patch, problem_fields, today

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def setup(client: TestClient, engine: Engine, headers_for: Headers) -> dict[str, Any]:
    a = create_entity(engine, "Ministry of Justice")
    b = create_entity(engine, "Ministry of Labour")
    action = make_action(client, lead_entity_id=a)
    return {
        "action": action,
        "url": f"/api/v1/actions/{action['id']}/indicators",
        "focal_a": headers_for("focal_point", entity_id=a),
        "focal_b": headers_for("focal_point", entity_id=b),
        "reader": headers_for("reader"),
    }


def _indicator(client: TestClient, setup: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"name": "Judges trained", "unit": "persons", **fields}
    response = client.post(setup["url"], json=body, headers=setup["focal_a"])
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_focal_point_adds_indicator_and_values(
    client: TestClient, engine: Engine, setup: dict[str, Any]
) -> None:
    created = _indicator(
        client,
        setup,
        baseline={"value": "12.5000", "date": "2024-01-01"},
        target={"value": 300, "date": "2026-12-31"},
    )
    assert created["baseline"] == {"value": 12.5, "date": "2024-01-01"}
    assert created["target"] == {"value": 300.0, "date": "2026-12-31"}
    assert created["latest_value"] is None and created["version"] == 1
    url = f"/api/v1/indicators/{created['id']}"

    one = client.get(url, headers=setup["focal_b"])  # every focal point reads
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'
    assert one.json() == created

    values_url = f"{url}/values"
    for day, value in (("2025-06-30", "150.25"), ("2025-01-31", 40), (today().isoformat(), "0.0001")):
        response = client.post(
            values_url, json={"measured_on": day, "value": value, "submit": True}, headers=setup["focal_a"]
        )
        assert response.status_code == 201, response.text
        assert response.json()["state"] == "submitted"
    listed = client.get(values_url).json()
    assert [(v["measured_on"], v["value"]) for v in listed["items"]] == [
        ("2025-01-31", 40.0),
        ("2025-06-30", 150.25),
        (today().isoformat(), 0.0001),
    ]
    assert listed["total"] == 3
    # Submitted values are not the indicator's latest value until a coordinator approves them.
    assert client.get(url).json()["latest_value"] is None
    for item in listed["items"]:
        approved = client.post(f"/api/v1/indicator-values/{item['id']}/approve")
        assert approved.status_code == 200, approved.text

    indicator = client.get(url).json()
    assert indicator["latest_value"]["value"] == 0.0001
    summary = client.get(f"/api/v1/actions/{setup['action']['id']}").json()["indicators"]
    assert [i["id"] for i in summary] == [created["id"]]
    assert summary[0]["latest_value"]["measured_on"] == today().isoformat()
    assert client.get(setup["url"]).json() == {"items": summary, "total": 1}

    events = audit_events(engine, "indicator", created["id"])
    assert [e.action for e in events] == ["indicator.create"]
    assert events[0].after is not None and events[0].after["baseline_value"] == "12.5000"
    first = audit_events(engine, "indicator_value", listed["items"][1]["id"])
    assert [e.action for e in first] == [
        "indicator_value.create",
        "indicator_value.submit",
        "indicator_value.approve",
    ]
    assert first[0].after is not None and first[0].after["value"] == "150.2500"


def test_patch_indicator(client: TestClient, engine: Engine, setup: dict[str, Any]) -> None:
    created = _indicator(client, setup, target={"value": 10})
    url = f"/api/v1/indicators/{created['id']}"
    assert client.patch(url, json={"name": "x"}, headers=setup["focal_a"]).status_code == 428
    response = patch(
        client, url, {"name": "Judges certified", "target": None, "unit": ""}, **setup["focal_a"]
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert response.json()["target"] is None and response.json()["unit"] is None
    stale = client.patch(url, json={"name": "Old"}, headers={**setup["focal_a"], "If-Match": '"1"'})
    assert stale.status_code == 412
    unchanged = patch(client, url, {"name": "Judges certified"})
    assert unchanged.headers["ETag"] == '"2"'
    events = audit_events(engine, "indicator", created["id"])
    assert [e.action for e in events] == ["indicator.create", "indicator.update"]
    assert events[1].before == {"name": "Judges trained", "unit": "persons", "target_value": "10.0000"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "x"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n", "unit": "u" * 65}, "unit"),
        ({"name": "n", "baseline": {"value": "1.00001"}}, "baseline.value"),
        ({"name": "n", "baseline": {"value": "1e17"}}, "baseline.value"),
        ({"name": "n", "baseline": {"value": "NaN"}}, "baseline.value"),
        ({"name": "n", "baseline": {"date": "2024-01-01"}}, "baseline.value"),
        ({"name": "n", "target": {"value": 1, "date": "2024-13-01"}}, "target.date"),
        (
            {
                "name": "n",
                "baseline": {"value": 1, "date": "2025-01-01"},
                "target": {"value": 2, "date": "2024-01-01"},
            },
            "target.date",
        ),
        ({"name": "n", "action_id": 1}, "action_id"),
    ],
)
def test_indicator_validation(
    client: TestClient, setup: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = client.post(setup["url"], json=body)
    assert response.status_code == 422
    assert field in problem_fields(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": 1}, "measured_on"),
        ({"measured_on": "2025-01-01"}, "value"),
        ({"measured_on": "2025-01-01", "value": "abc"}, "value"),
        ({"measured_on": (today() + timedelta(days=5)).isoformat(), "value": 1}, "measured_on"),
        ({"measured_on": "2025-01-01", "value": 1, "note": "n" * 2001}, "note"),
    ],
)
def test_value_validation(
    client: TestClient, setup: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    indicator = _indicator(client, setup)
    response = client.post(f"/api/v1/indicators/{indicator['id']}/values", json=body)
    assert response.status_code == 422
    assert problem_fields(response) == [field]


def test_other_entities_and_readers_are_refused(
    client: TestClient, engine: Engine, setup: dict[str, Any]
) -> None:
    indicator = _indicator(client, setup)
    url = f"/api/v1/indicators/{indicator['id']}"
    tag = client.get(url).headers["ETag"]
    for headers in (setup["focal_b"], setup["reader"]):
        assert client.post(setup["url"], json={"name": "Mine"}, headers=headers).status_code == 403
        assert (
            client.patch(url, json={"name": "Mine"}, headers={**headers, "If-Match": tag}).status_code == 403
        )
        value = {"measured_on": "2025-01-01", "value": 1}
        assert client.post(f"{url}/values", json=value, headers=headers).status_code == 403
    reader = setup["reader"]
    for read in (setup["url"], url, f"{url}/values"):
        assert client.get(read, headers=reader).status_code == 403
    assert client.get(url).json()["name"] == "Judges trained"
    assert client.get(f"{url}/values").json()["total"] == 0
    assert audit_actions(engine, "indicator", indicator["id"]) == [
        "indicator.create",
        "authz.denied",
        "authz.denied",
    ]
    # The coordinator may write on any action.
    assert client.post(setup["url"], json={"name": "By the coordinator"}).status_code == 201


def test_not_found(client: TestClient) -> None:
    assert client.get("/api/v1/actions/999999/indicators").status_code == 404
    assert client.post("/api/v1/actions/999999/indicators", json={"name": "x"}).status_code == 404
    assert client.get("/api/v1/indicators/999999").status_code == 404
    assert client.get("/api/v1/indicators/999999/values").status_code == 404
    value = {"measured_on": "2025-01-01", "value": 1}
    assert client.post("/api/v1/indicators/999999/values", json=value).status_code == 404
    response = client.patch("/api/v1/indicators/999999", json={"name": "x"}, headers={"If-Match": '"1"'})
    assert response.status_code == 404
