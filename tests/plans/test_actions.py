"""/api/v1/actions: create, read, list with filters, change (entities, If-Match), audit. By role:
test_action_roles.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, Cluster, ClusterRecommendation, SourceLink
from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/actions"


# Helpers shared with test_indicators.py and test_progress.py.
def today() -> date:
    return datetime.now(UTC).date()


def create_cluster(engine: Engine, name: str, *, archived: bool = False) -> int:
    with Session(engine) as session, session.begin():
        cluster = Cluster(name=name, archived=archived)
        session.add(cluster)
        session.flush()
        return cluster.id


def make_action(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"title": "Train judges on the rights of the child", **fields}
    response = client.post(URL, json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def audit_events(engine: Engine, object_type: str, object_id: int) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
                .order_by(AuditEvent.id)
            )
        )


def audit_actions(engine: Engine, object_type: str, object_id: int) -> list[str]:
    return [event.action for event in audit_events(engine, object_type, object_id)]


def problem_fields(response: Any) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return [error["field"] for error in response.json()["errors"]]


def patch(client: TestClient, url: str, body: dict[str, Any], **headers: str) -> Any:
    """PATCH with the current ETag (read first) unless an If-Match is given."""
    tag = headers.pop("if_match", None) or client.get(url).headers["ETag"]
    return client.patch(url, json=body, headers={"If-Match": tag, **headers})


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """Two entities, two recommendations and a cluster."""
    import_records(
        engine,
        [
            record("R1", "<p>1. Ratify the optional protocol.</p>", mechanism="CRC", symbol="CRC/C/PER/CO/6"),
            record("R2", "<p>2. End child labour.</p>", mechanism="UPR", sdgs=["8.7"]),
        ],
    )
    ids = ids_by_external_id(engine)
    return {
        "a": create_entity(engine, "Ministry of Justice", acronym="MINJUS"),
        "b": create_entity(engine, "Ministry of Labour"),
        "r1": ids["R1"],
        "r2": ids["R2"],
        "cluster": create_cluster(engine, "Juvenile justice"),
    }


def test_create_and_read_an_action(client: TestClient, engine: Engine, world: dict[str, int]) -> None:
    body = {
        "title": "  Train judges  ",
        "description": "Three regional workshops",
        "recommendation_ids": [world["r2"], world["r1"], world["r1"]],
        "cluster_ids": [world["cluster"]],
        "lead_entity_id": world["a"],
        "supporting_entity_ids": [world["b"]],
        "start_date": "2025-01-01",
        "due_date": "2025-12-31",
        "status": "in_progress",
        "budget": {"amount": "1234.50", "currency": "PEN", "source": "National budget"},
        "sdg_targets": ["16.a", "5", " 5.2 "],
    }
    response = client.post(URL, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"{URL}/{created['id']}"
    assert created["title"] == "Train judges"
    assert created["recommendation_ids"] == sorted([world["r1"], world["r2"]])
    assert created["sdg_targets"] == ["5", "5.2", "16.a"]
    assert created["budget"] == {"amount": 1234.5, "currency": "PEN", "source": "National budget"}
    assert created["published"] is False
    assert created["overdue"] is True  # due in 2025, still in progress

    detail = client.get(f"{URL}/{created['id']}")
    assert detail.status_code == 200
    assert detail.headers["ETag"] == '"1"'
    data = detail.json()
    assert [(r["id"], r["mechanism"]) for r in data["recommendations"]] == sorted(
        [(world["r1"], "CRC"), (world["r2"], "UPR")]
    )
    assert data["recommendations"][0]["symbol"] == "CRC/C/PER/CO/6"
    assert data["clusters"] == [{"id": world["cluster"], "name": "Juvenile justice", "archived": False}]
    assert data["lead_entity"] == {"id": world["a"], "name": "Ministry of Justice", "acronym": "MINJUS"}
    assert [e["id"] for e in data["supporting_entities"]] == [world["b"]]
    assert [s["code"] for s in data["sdgs"]] == ["5", "5.2", "16.a"]
    assert data["sdgs"][0]["title"].startswith("Achieve gender equality")
    assert data["indicators"] == [] and data["latest_progress"] is None

    events = audit_events(engine, "action", created["id"])
    assert [e.action for e in events] == ["action.create"]
    assert events[0].after is not None and events[0].after["lead_entity_id"] == world["a"]
    assert events[0].after["sdg_targets"] == ["5", "5.2", "16.a"]


def test_the_detail_gives_the_recommendations_served_through_its_clusters(
    client: TestClient, engine: Engine, world: dict[str, int]
) -> None:
    """The staff page listed them, the staff API's detail did not (the public API's does): an action of
    a cluster alone said it implements no recommendation."""
    with Session(engine) as session, session.begin():
        session.add(ClusterRecommendation(cluster_id=world["cluster"], recommendation_id=world["r2"]))
    action = make_action(client, title="Through its cluster", cluster_ids=[world["cluster"]])
    data = client.get(f"{URL}/{action['id']}").json()
    assert data["recommendations"] == []
    assert data["recommendations_through_clusters"] == [
        {"cluster_id": world["cluster"], "recommendation_ids": [world["r2"]]}
    ]
    with Session(engine) as session, session.begin():  # archived: it serves none through it any more
        session.execute(update(Cluster).where(Cluster.id == world["cluster"]).values(archived=True))
    assert client.get(f"{URL}/{action['id']}").json()["recommendations_through_clusters"] == []


def test_a_linked_copy_in_a_cluster_is_served_as_its_record(
    client: TestClient, engine: Engine, world: dict[str, int]
) -> None:
    """A copy linked under its record (docs/sources.md) placed in the action's cluster: the staff
    detail listed the copy, which every list leaves out, and the public one nothing; the record is
    listed in its place, once, as the lists show one recommendation per group."""
    copy, record = world["r2"], world["r1"]
    with Session(engine) as session, session.begin():
        session.add(ClusterRecommendation(cluster_id=world["cluster"], recommendation_id=copy))
        session.add(SourceLink(leader_id=record, member_id=copy, state="linked", method="manual"))
    action = make_action(client, title="Through a copy", cluster_ids=[world["cluster"]])
    expected = [{"cluster_id": world["cluster"], "recommendation_ids": [record]}]
    assert client.get(f"{URL}/{action['id']}").json()["recommendations_through_clusters"] == expected
    # And the other way: the record's actions (its page, the statistics, the reports) hold the action.
    assert [item["id"] for item in client.get(URL, params={"recommendation_id": record}).json()["items"]] == [
        action["id"]
    ]
    with Session(engine) as session, session.begin():  # the record in the cluster as well: once
        session.add(ClusterRecommendation(cluster_id=world["cluster"], recommendation_id=record))
    assert client.get(f"{URL}/{action['id']}").json()["recommendations_through_clusters"] == expected
    assert [item["id"] for item in client.get(URL, params={"recommendation_id": record}).json()["items"]] == [
        action["id"]
    ]


def test_defaults(client: TestClient) -> None:
    created = make_action(client)
    assert created["status"] == "planned"
    assert created["budget"] is None and created["lead_entity_id"] is None
    assert created["overdue"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recommendation_ids": [999999]}, "recommendation_ids"),
        ({"cluster_ids": [999999]}, "cluster_ids"),
        ({"lead_entity_id": 999999}, "lead_entity_id"),
        ({"supporting_entity_ids": [999999]}, "supporting_entity_ids"),
        ({"sdg_targets": ["18.1"]}, "sdg_targets"),
        ({"recommendation_ids": [2**31]}, "recommendation_ids.0"),
        ({"start_date": "2025-06-01", "due_date": "2025-05-31"}, "due_date"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"due_date": 1735689600}, "due_date"),
        ({"status": "done"}, "status"),
        ({"budget": {"amount": -1, "currency": "USD"}}, "budget.amount"),
        ({"budget": {"amount": "1.234", "currency": "USD"}}, "budget.amount"),
        ({"budget": {"amount": 10, "currency": "usd"}}, "budget.currency"),
        ({"budget": {"amount": 10, "currency": "XYZ"}}, "budget.currency"),  # three letters, no currency
        ({"budget": {"amount": 10, "currency": "USD", "rate": 1}}, "budget.rate"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "Train judges\n- in Lima"}, "title"),  # one line: a digest lists it as one item
        ({"version": 7}, "version"),
    ],
)
def test_create_refuses_invalid_input(
    client: TestClient, engine: Engine, change: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json={"title": "An action", **change})
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert client.get(URL).json()["total"] == 0


def test_create_names_every_wrong_field_at_once(client: TestClient) -> None:
    """Not one per attempt: the staff form, which shows this answer, would need four."""
    body = {
        "title": "An action",
        "start_date": "2025-06-01",
        "due_date": "2025-05-31",
        "recommendation_ids": [999999],
        "cluster_ids": [999998],
        "sdg_targets": ["18.1"],
    }
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.text
    assert problem_fields(response) == ["due_date", "recommendation_ids", "cluster_ids", "sdg_targets"]
    assert client.get(URL).json()["total"] == 0


def test_archived_references_cannot_be_linked(client: TestClient, engine: Engine) -> None:
    cluster = create_cluster(engine, "Old", archived=True)
    response = client.post(URL, json={"title": "An action", "cluster_ids": [cluster]})
    assert response.status_code == 422
    assert problem_fields(response) == ["cluster_ids"]
    # By its name (the form lists names), in a sentence: it read "archived: Old".
    assert response.json()["errors"][0]["reason"] == "the cluster is archived: Old"


def test_list_filters_and_pages(client: TestClient, engine: Engine, world: dict[str, int]) -> None:
    past, future = (today() - timedelta(days=3)).isoformat(), (today() + timedelta(days=30)).isoformat()
    late = make_action(client, title="Late law reform", lead_entity_id=world["a"], due_date=past)
    done = make_action(client, title="Done", lead_entity_id=world["a"], due_date=past, status="completed")
    shared = make_action(
        client,
        title="Shared LAW training",
        lead_entity_id=world["b"],
        supporting_entity_ids=[world["a"]],
        recommendation_ids=[world["r1"]],
        cluster_ids=[world["cluster"]],
        due_date=future,
        published=True,
    )
    other = make_action(client, title="Other 100%", status="delayed")

    def ids(**params: Any) -> list[int]:
        response = client.get(URL, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [other["id"], shared["id"], done["id"], late["id"]]
    assert ids(overdue=True) == [late["id"]]
    assert ids(overdue=False) == [other["id"], shared["id"], done["id"]]
    assert ids(status=["completed", "delayed"]) == [other["id"], done["id"]]
    assert ids(lead_entity_id=world["a"]) == [done["id"], late["id"]]
    assert ids(entity_id=world["a"]) == [shared["id"], done["id"], late["id"]]
    assert ids(recommendation_id=world["r1"]) == [shared["id"]]
    assert ids(cluster_id=world["cluster"]) == [shared["id"]]
    assert ids(due_before=past) == [done["id"], late["id"]]
    assert ids(due_after=future) == [shared["id"]]
    assert ids(published=True) == [shared["id"]]
    assert ids(q="law") == [shared["id"], late["id"]]
    assert ids(q="100%") == [other["id"]]
    assert ids(q="%") == [other["id"]]

    page = client.get(URL, params={"limit": 3}).json()
    assert page["total"] == 4 and len(page["items"]) == 3 and page["next_cursor"]
    rest = client.get(URL, params={"limit": 3, "cursor": page["next_cursor"]}).json()
    assert [i["id"] for i in rest["items"]] == [late["id"]] and rest["next_cursor"] is None
    assert problem_fields(client.get(URL, params={"cursor": "nonsense"})) == ["cursor"]
    assert problem_fields(client.get(URL, params={"status": "finished"})) == ["status"]


def test_not_found(client: TestClient) -> None:
    assert client.get(f"{URL}/999999").status_code == 404
    response = client.patch(f"{URL}/999999", json={"title": "x"}, headers={"If-Match": '"1"'})
    assert response.status_code == 404
    assert client.get(f"{URL}/0").status_code == 422


def test_coordinator_changes_everything(client: TestClient, engine: Engine, world: dict[str, int]) -> None:
    action = make_action(
        client, lead_entity_id=world["a"], recommendation_ids=[world["r1"]], sdg_targets=["5"]
    )
    url = f"{URL}/{action['id']}"
    response = patch(
        client,
        url,
        {
            "recommendation_ids": [world["r2"]],
            "supporting_entity_ids": [world["b"]],
            "sdg_targets": [],
            "published": True,
            "description": "",
            "budget": {"amount": 10, "currency": "USD"},
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    data = response.json()
    assert data["recommendation_ids"] == [world["r2"]] and data["supporting_entity_ids"] == [world["b"]]
    assert data["sdg_targets"] == [] and data["published"] is True and data["description"] is None
    assert data["budget"] == {"amount": 10.0, "currency": "USD", "source": None}
    events = audit_events(engine, "action", action["id"])
    assert [e.action for e in events] == ["action.create", "action.update"]
    assert events[1].before == {
        "recommendation_ids": [world["r1"]],
        "supporting_entity_ids": [],
        "sdg_targets": ["5"],
        "published": False,
        "budget_amount": None,
        "budget_currency": None,
    }
    assert events[1].after is not None and events[1].after["budget_amount"] == "10.00"

    # Nothing changes: no write, no event, the same ETag.
    same = patch(client, url, {"published": True})
    assert same.status_code == 200 and same.headers["ETag"] == '"2"'
    assert audit_actions(engine, "action", action["id"]) == ["action.create", "action.update"]

    # Clearing the budget, cancelling: there is no delete.
    cancelled = patch(client, url, {"status": "cancelled", "budget": None})
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["budget"] is None
    assert client.delete(url).status_code == 405


def test_patch_validation(client: TestClient, world: dict[str, int]) -> None:
    action = make_action(client, start_date="2025-03-01")
    url = f"{URL}/{action['id']}"
    assert problem_fields(patch(client, url, {"due_date": "2025-02-01"})) == ["due_date"]
    assert problem_fields(patch(client, url, {"title": None})) == ["title"]
    assert problem_fields(patch(client, url, {"status": None})) == ["status"]
    assert problem_fields(patch(client, url, {"cluster_ids": [999999]})) == ["cluster_ids"]
    assert problem_fields(patch(client, url, {"lead_entity_id": 999999})) == ["lead_entity_id"]
    assert problem_fields(patch(client, url, {"created_by_id": 1})) == ["created_by_id"]
    assert client.get(url).headers["ETag"] == '"1"'


def test_patch_names_every_wrong_field_at_once(client: TestClient, world: dict[str, int]) -> None:
    """As creating does: the edit form, which shows this answer, would otherwise need four attempts."""
    action = make_action(client, start_date="2025-03-01")
    url = f"{URL}/{action['id']}"
    body = {
        "due_date": "2025-02-01",
        "lead_entity_id": 999997,
        "recommendation_ids": [999999],
        "cluster_ids": [999998],
        "sdg_targets": ["18.1"],
    }
    fields = problem_fields(patch(client, url, body))
    assert fields == ["due_date", "lead_entity_id", "recommendation_ids", "cluster_ids", "sdg_targets"]
    assert client.get(url).headers["ETag"] == '"1"'


def test_if_match(client: TestClient, engine: Engine) -> None:
    action = make_action(client)
    url = f"{URL}/{action['id']}"
    missing = client.patch(url, json={"title": "New"})
    assert missing.status_code == 428 and problem_fields(missing) == ["If-Match"]
    assert patch(client, url, {"title": "New"}, if_match='"1"').status_code == 200
    stale = patch(client, url, {"title": "Newer"}, if_match='"1"')
    assert stale.status_code == 412
    assert client.get(url).json()["title"] == "New"
    assert audit_actions(engine, "action", action["id"]) == ["action.create", "action.update"]
