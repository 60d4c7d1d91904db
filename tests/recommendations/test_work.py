"""Working on recommendations: local fields (PATCH), bulk edits, the review queue, the new filters."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, Cluster, ClusterRecommendation, Entity, Recommendation
from app.models.local import RecommendationLocal, StatusChange
from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
Headers = Callable[..., dict[str, str]]


@pytest.fixture
def recs(engine: Engine) -> dict[str, int]:
    import_records(engine, [record(name, themes=["Health"]) for name in ("A", "B", "C")])
    return ids_by_external_id(engine)


@pytest.fixture
def entities(engine: Engine) -> dict[str, int]:
    return {
        "health": create_entity(engine, "Ministry of Health", acronym="MOH"),
        "justice": create_entity(engine, "Ministry of Justice", acronym="MOJ"),
        "stats": create_entity(engine, "Statistics Office"),
    }


def _etag(client: TestClient, rec_id: int) -> str:
    response = client.get(f"{URL}/{rec_id}")
    assert response.status_code == 200
    return str(response.headers["ETag"])


def _patch(client: TestClient, rec_id: int, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(f"{URL}/{rec_id}", json=body, headers={"If-Match": _etag(client, rec_id), **headers})


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def _problem_fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


def test_unedited_recommendation_has_default_local_fields(client: TestClient, recs: dict[str, int]) -> None:
    response = client.get(f"{URL}/{recs['A']}")
    body = response.json()
    assert body["local"] == {
        "priority": None,
        "priority_rationale": None,
        "status": "not_started",
        "lead_entity": None,
        "supporting_entities": [],
        "internal_notes": None,
        "updated_at": None,
        "published_status": "not_started",
        "published_priority": None,
        "published_at": None,
        "unpublished_changes": False,
    }
    assert body["status_history"] == [] and body["clusters"] == []
    assert response.headers["ETag"].startswith('"0-')
    assert all(item["local"]["status"] == "not_started" for item in client.get(URL).json()["items"])


def test_patch_sets_local_fields_history_and_audit(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    rec_id = recs["A"]
    old_etag = _etag(client, rec_id)
    response = client.patch(
        f"{URL}/{rec_id}",
        json={
            "priority": "high",
            "priority_rationale": "  Flagged by parliament  ",
            "status": "in_progress",
            "status_note": "Bill drafted",
            "lead_entity_id": entities["health"],
            "supporting_entity_ids": [entities["stats"], entities["justice"]],
            "internal_notes": "Call the ministry",
        },
        headers={"If-Match": old_etag},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    local = body["local"]
    assert local["priority"] == "high" and local["priority_rationale"] == "Flagged by parliament"
    assert local["status"] == "in_progress" and local["internal_notes"] == "Call the ministry"
    assert local["lead_entity"] == {"id": entities["health"], "name": "Ministry of Health", "acronym": "MOH"}
    assert [e["name"] for e in local["supporting_entities"]] == ["Ministry of Justice", "Statistics Office"]
    assert local["updated_at"] is not None
    [change] = body["status_history"]
    assert change["old_status"] == "not_started" and change["new_status"] == "in_progress"
    assert change["note"] == "Bill drafted" and change["changed_by"].startswith("coordinator-")
    new_etag = response.headers["ETag"]
    assert new_etag != old_etag and new_etag.startswith('"1-')
    assert _etag(client, rec_id) == new_etag
    [audit] = _events(engine, "recommendation.update")
    assert audit.object_type == "recommendation" and audit.object_id == rec_id
    assert audit.before == {
        "priority": None,
        "priority_rationale": None,
        "status": "not_started",
        "internal_notes": None,
        "lead_entity_id": None,
        "supporting_entity_ids": [],
    }
    assert audit.after is not None and audit.after["status_note"] == "Bill drafted"
    assert audit.after["supporting_entity_ids"] == sorted([entities["stats"], entities["justice"]])
    # The list shows the same local object.
    listed = next(i for i in client.get(URL).json()["items"] if i["id"] == rec_id)
    assert listed["local"] == local


def test_second_patch_changes_only_what_it_names(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    rec_id = recs["A"]
    assert (
        _patch(client, rec_id, {"priority": "low", "lead_entity_id": entities["health"]}).status_code == 200
    )
    # Promoting a supporting entity to lead: it stops being supporting.
    assert _patch(client, rec_id, {"supporting_entity_ids": [entities["justice"]]}).status_code == 200
    response = _patch(client, rec_id, {"lead_entity_id": entities["justice"], "status": "implemented"})
    local = response.json()["local"]
    assert local["priority"] == "low" and local["status"] == "implemented"
    assert local["lead_entity"]["id"] == entities["justice"] and local["supporting_entities"] == []
    assert response.headers["ETag"].startswith('"3-')
    # Edits of the entities alone move the version too.
    response = _patch(client, rec_id, {"lead_entity_id": None})
    assert response.json()["local"]["lead_entity"] is None and response.headers["ETag"].startswith('"4-')
    # A PATCH that changes nothing writes nothing.
    response = _patch(client, rec_id, {"priority": "low"})
    assert response.status_code == 200 and response.headers["ETag"].startswith('"4-')
    assert len(_events(engine, "recommendation.update")) == 4


def test_if_match_is_required_and_checked(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    rec_id = recs["A"]
    missing = client.patch(f"{URL}/{rec_id}", json={"priority": "high"})
    assert missing.status_code == 428 and "If-Match" in _problem_fields(missing)
    stale = client.patch(f"{URL}/{rec_id}", json={"priority": "high"}, headers={"If-Match": '"7-abc"'})
    assert stale.status_code == 412
    with Session(engine) as session:
        assert session.get(RecommendationLocal, rec_id) is None
    assert _events(engine, "recommendation.update") == []


def test_racing_first_edits_one_wins(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    rec_id = recs["A"]
    tag = _etag(client, rec_id)
    results: list[int] = []

    def edit(priority: str) -> None:
        results.append(
            client.patch(
                f"{URL}/{rec_id}", json={"priority": priority}, headers={"If-Match": tag}
            ).status_code
        )

    threads = [threading.Thread(target=edit, args=(p,)) for p in ("high", "low")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 412]
    assert len(_events(engine, "recommendation.update")) == 1


def test_an_import_change_moves_the_etag(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    tag = _etag(client, recs["A"])
    import_records(engine, [record("A", "<p>1. A changed text.</p>", themes=["Health"])])
    assert _etag(client, recs["A"]) != tag
    assert (
        client.patch(f"{URL}/{recs['A']}", json={"priority": "high"}, headers={"If-Match": tag}).status_code
        == 412
    )


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"symbol": "X/1"}, "symbol", "feed-owned field: the import owns it"),
        ({"text": "New text"}, "text", "feed-owned field: the import owns it"),
        ({"themes": ["Water"]}, "themes", "feed-owned field: the import owns it"),
        ({"sdgs": ["5"]}, "sdgs", "feed-owned field: the import owns it"),
        ({"position": "noted"}, "position", "feed-owned field: the import owns it"),
        ({"mechanism": "CRC"}, "mechanism", "feed-owned field: the import owns it"),
        ({"external_id": "x"}, "external_id", "feed-owned field: the import owns it"),
        ({"upr_info_action": 3}, "upr_info_action", "feed-owned field: the import owns it"),
        ({"withdrawn": True}, "withdrawn", "archive"),
        ({"needs_review": False}, "needs_review", "reviewed"),
        ({"favourite": True}, "favourite", "Extra inputs are not permitted"),
        ({"priority": "urgent"}, "priority", "high"),
        ({"status": None}, "status", "cannot be null"),
        ({"status_note": "why"}, "status_note", "status"),
        # The status it already has: the note would be dropped.
        ({"status": "not_started", "status_note": "why"}, "status_note", "not changing"),
        ({"internal_notes": "x" * 10_001}, "internal_notes", "at most"),
        ({"internal_notes": "a\x00"}, "internal_notes", "NUL"),
        ({"supporting_entity_ids": [1, 1]}, "supporting_entity_ids", "unique"),
    ],
)
def test_invalid_patch_is_422_naming_the_field(
    client: TestClient, engine: Engine, recs: dict[str, int], body: dict[str, Any], field: str, reason: str
) -> None:
    response = _patch(client, recs["A"], body)
    assert response.status_code == 422, response.text
    fields = _problem_fields(response)
    assert field in fields and reason in fields[field], fields
    with Session(engine) as session:
        assert session.get(RecommendationLocal, recs["A"]) is None


def test_entity_ids_must_exist_and_not_be_archived(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Entity).where(Entity.id == entities["stats"]).values(archived=True))
    unknown = _patch(client, recs["A"], {"lead_entity_id": 999_999})
    assert unknown.status_code == 422 and "does not exist" in _problem_fields(unknown)["lead_entity_id"]
    archived = _patch(client, recs["A"], {"supporting_entity_ids": [entities["stats"]]})
    assert archived.status_code == 422 and "archived" in _problem_fields(archived)["supporting_entity_ids"]
    both = _patch(
        client,
        recs["A"],
        {"lead_entity_id": entities["health"], "supporting_entity_ids": [entities["health"]]},
    )
    assert both.status_code == 422 and "lead" in _problem_fields(both)["supporting_entity_ids"]
    # Every wrong field in one answer: the note, the unknown lead and the archived supporting one.
    wrong = {
        "status": "not_started",
        "status_note": "why",
        "lead_entity_id": 999_999,
        "supporting_entity_ids": [entities["stats"]],
    }
    every = _patch(client, recs["A"], wrong)
    assert every.status_code == 422
    assert _problem_fields(every).keys() == {"status_note", "lead_entity_id", "supporting_entity_ids"}


def test_patch_404_and_roles(
    client: TestClient,
    anonymous_client: TestClient,
    headers_for: Headers,
    recs: dict[str, int],
    engine: Engine,
) -> None:
    tag = _etag(client, recs["A"])
    assert (
        client.patch(f"{URL}/999999", json={"priority": "high"}, headers={"If-Match": tag}).status_code == 404
    )
    anonymous_client.headers.pop("Authorization", None)
    entity = create_entity(engine, "Ministry of Health")
    for role, entity_id in (("focal_point", entity), ("reader", None)):
        headers = {**headers_for(role, entity_id), "If-Match": tag}
        response = anonymous_client.patch(f"{URL}/{recs['A']}", json={"priority": "high"}, headers=headers)
        assert response.status_code == 403, role
    assert (
        anonymous_client.patch(
            f"{URL}/{recs['A']}", json={"priority": "high"}, headers={"If-Match": tag}
        ).status_code
        == 401
    )
    admin = {**headers_for("admin"), "If-Match": tag}
    assert (
        anonymous_client.patch(f"{URL}/{recs['A']}", json={"priority": "high"}, headers=admin).status_code
        == 200
    )


def test_reader_sees_no_internal_fields(
    client: TestClient,
    anonymous_client: TestClient,
    headers_for: Headers,
    engine: Engine,
    recs: dict[str, int],
) -> None:
    _patch(
        client,
        recs["A"],
        {
            "priority": "high",
            "priority_rationale": "why",
            "internal_notes": "secret",
            "status": "in_progress",
        },
    )
    with Session(engine) as session, session.begin():
        published = Cluster(name="Health", published=True)
        draft = Cluster(name="draft", published=False)
        session.add_all([published, draft])
        session.flush()
        session.add_all(
            [
                ClusterRecommendation(cluster_id=published.id, recommendation_id=recs["A"]),
                ClusterRecommendation(cluster_id=draft.id, recommendation_id=recs["A"]),
            ]
        )
        draft_id = draft.id
    reader = headers_for("reader")
    # A reader gets the public shape (tests/public/test_public_leaks.py compares it with the public API).
    body = anonymous_client.get(f"{URL}/{recs['A']}", headers=reader).json()
    # Until a coordinator publishes them, the status and priority are staff work: the public default.
    assert body["priority"] is None and body["status"] == "not_started"
    assert client.post(f"{URL}/{recs['A']}/publish").status_code == 200
    body = anonymous_client.get(f"{URL}/{recs['A']}", headers=reader).json()
    assert body["priority"] == "high" and body["status"] == "in_progress"
    assert not {"local", "status_history", "revisions", "needs_review"} & body.keys()
    assert "why" not in str(body) and "secret" not in str(body)
    assert [c["name"] for c in body["clusters"]] == ["Health"]
    listed = anonymous_client.get(URL, headers=reader).json()["items"]
    assert listed and all("local" not in i and "secret" not in str(i) for i in listed)
    assert anonymous_client.get(f"{URL}?cluster={draft_id}", headers=reader).json()["total"] == 0
    focal = anonymous_client.get(f"{URL}/{recs['A']}", headers=headers_for("focal_point")).json()
    assert focal["local"]["internal_notes"] == "secret"
    # Alphabetical whatever the case, on both databases (code points put "Health" first).
    assert [c["name"] for c in focal["clusters"]] == ["draft", "Health"]


def test_bulk_sets_fields_all_or_nothing(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    _patch(client, recs["A"], {"priority": "high", "status": "implemented"})
    body = {
        "ids": [recs["A"], recs["B"], recs["C"]],
        "set": {"priority": "high", "status": "implemented", "lead_entity_id": entities["health"]},
    }
    unknown = client.post(f"{URL}/bulk", json={**body, "ids": [recs["A"], 999_998, 999_999]})
    assert unknown.status_code == 422
    assert "999998, 999999" in _problem_fields(unknown)["ids"]
    with Session(engine) as session:
        assert session.get(RecommendationLocal, recs["B"]) is None
    assert len(_events(engine, "recommendation.update")) == 1  # the PATCH above only

    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"updated": 3, "unchanged": 0}
    events = _events(engine, "recommendation.update")[1:]
    assert sorted(e.object_id or 0 for e in events) == sorted(recs.values())
    assert len({e.request_id for e in events}) == 1 and events[0].request_id
    with Session(engine) as session:
        history = session.scalars(select(StatusChange.recommendation_id)).all()
        assert sorted(history) == sorted(
            [recs["A"], recs["B"], recs["C"]]
        )  # A only once (already implemented)
    again = client.post(f"{URL}/bulk", json=body)
    assert again.json() == {"updated": 0, "unchanged": 3}
    page = client.get(f"{URL}?entity={entities['health']}&responsibility=lead").json()
    assert page["total"] == 3


def test_bulk_names_the_entity_and_the_recommendations_it_leads(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    """A supporting entity that already leads some of them: named, with how many, not by raw ids."""
    for key in ("A", "B"):
        _patch(client, recs[key], {"lead_entity_id": entities["health"]})
    chosen: dict[str, Any] = {"supporting_entity_ids": [entities["health"]]}
    body = {"ids": list(recs.values()), "set": chosen}
    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 422, response.text
    reason = _problem_fields(response)["supporting_entity_ids"]
    assert reason.startswith("Ministry of Health is the lead of 2 of these recommendations"), reason
    assert f"entity {entities['health']}" not in reason
    with Session(engine) as session, session.begin():
        session.execute(update(Entity).where(Entity.id == entities["stats"]).values(archived=True))
    archived = {"ids": [recs["C"]], "set": {"lead_entity_id": entities["stats"]}}
    response = client.post(f"{URL}/bulk", json=archived)
    assert _problem_fields(response)["lead_entity_id"] == "Statistics Office is archived"
    one = _patch(client, recs["A"], chosen)
    assert _problem_fields(one)["supporting_entity_ids"] == (
        "Ministry of Health is the lead of this recommendation; it cannot also be supporting"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": [], "set": {"priority": "high"}}, "ids"),
        ({"ids": [1, 1], "set": {"priority": "high"}}, "ids"),
        ({"ids": list(range(1, 1002)), "set": {"priority": "high"}}, "ids"),
        ({"ids": [1], "set": {}}, "set"),
        ({"ids": [1], "set": {"internal_notes": "x"}}, "set.internal_notes"),
        ({"ids": [1], "set": {"symbol": "x"}}, "set.symbol"),
        ({"ids": [1], "values": {"priority": "high"}}, "values"),
        ({"ids": [1], "set": {"lead_entity_id": 999_999}}, "lead_entity_id"),
    ],
)
def test_bulk_validation(
    client: TestClient, engine: Engine, recs: dict[str, int], body: dict[str, Any], field: str
) -> None:
    if body["ids"] == [1]:  # one real recommendation: only the `set` part is wrong
        body = {**body, "ids": [recs["A"]]}
    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 422, response.text
    assert field in _problem_fields(response)
    assert _events(engine, "recommendation.update") == []


def test_bulk_and_reviewed_need_a_manager(
    anonymous_client: TestClient, headers_for: Headers, engine: Engine, recs: dict[str, int]
) -> None:
    entity = create_entity(engine, "Ministry of Health")
    for role, entity_id in (("focal_point", entity), ("reader", None)):
        headers = headers_for(role, entity_id)
        bulk = {"ids": [recs["A"]], "set": {"priority": "high"}}
        assert anonymous_client.post(f"{URL}/bulk", json=bulk, headers=headers).status_code == 403
        assert (
            anonymous_client.post(f"{URL}/reviewed", json={"ids": [recs["A"]]}, headers=headers).status_code
            == 403
        )
    assert anonymous_client.post(f"{URL}/reviewed", json={"ids": [recs["A"]]}).status_code == 401


def test_review_queue(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    import_records(
        engine, [record("A", "<p>1. Changed.</p>", themes=["Health"]), record("B", themes=["Health"])]
    )
    assert [i["id"] for i in client.get(f"{URL}?needs_review=true").json()["items"]] == [recs["A"]]
    unknown = client.post(f"{URL}/reviewed", json={"ids": [recs["A"], 999_999]})
    assert unknown.status_code == 422 and "999999" in _problem_fields(unknown)["ids"]
    response = client.post(f"{URL}/reviewed", json={"ids": [recs["A"], recs["B"]]})
    assert response.status_code == 200 and response.json() == {"updated": 1, "unchanged": 1}
    assert client.get(f"{URL}?needs_review=true").json()["total"] == 0
    [event] = _events(engine, "recommendation.reviewed")
    assert event.object_id == recs["A"] and event.after == {"needs_review": False}


def test_local_filters(
    client: TestClient, engine: Engine, recs: dict[str, int], entities: dict[str, int]
) -> None:
    _patch(
        client, recs["A"], {"priority": "high", "status": "in_progress", "lead_entity_id": entities["health"]}
    )
    _patch(client, recs["B"], {"priority": "low", "supporting_entity_ids": [entities["health"]]})
    _patch(client, recs["C"], {"status": "implemented"})
    with Session(engine) as session, session.begin():
        cluster = Cluster(name="Health")
        session.add(cluster)
        session.flush()
        session.add(ClusterRecommendation(cluster_id=cluster.id, recommendation_id=recs["B"]))
        cluster_id = cluster.id

    def ids(query: str) -> set[int]:
        body = client.get(f"{URL}?{query}").json()
        assert body["total"] == len(body["items"]), query
        return {item["id"] for item in body["items"]}

    assert ids("priority=high") == {recs["A"]}
    assert ids("priority=high&priority=low") == {recs["A"], recs["B"]}
    assert ids("status=not_started") == {recs["B"]}  # B has a local row, no status change
    assert ids("status=not_started&status=implemented") == {recs["B"], recs["C"]}
    assert ids("status=in_progress") == {recs["A"]}
    assert ids(f"entity={entities['health']}") == {recs["A"], recs["B"]}
    assert ids(f"entity={entities['health']}&responsibility=lead") == {recs["A"]}
    assert ids(f"entity={entities['health']}&responsibility=supporting") == {recs["B"]}
    assert ids(f"entity={entities['justice']}") == set()
    assert ids(f"cluster={cluster_id}") == {recs["B"]}
    assert ids(f"cluster={cluster_id}&priority=high") == set()
    response = client.get(f"{URL}?responsibility=lead")
    assert response.status_code == 422 and "responsibility" in _problem_fields(response)
    assert client.get(f"{URL}?status=done").status_code == 422


def test_totals_follow_local_writes(client: TestClient, recs: dict[str, int]) -> None:
    assert client.get(f"{URL}?priority=high").json()["total"] == 0
    assert client.get(f"{URL}?status=not_started").json()["total"] == 3
    _patch(client, recs["A"], {"priority": "high", "status": "implemented"})
    assert client.get(f"{URL}?priority=high").json()["total"] == 1
    assert client.get(f"{URL}?status=not_started").json()["total"] == 2
    client.post(f"{URL}/bulk", json={"ids": list(recs.values()), "set": {"priority": "high"}})
    assert client.get(f"{URL}?priority=high").json()["total"] == 3


def test_reimport_does_not_touch_local_rows(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    _patch(client, recs["A"], {"priority": "high", "internal_notes": "keep"})
    import_records(engine, [record("A", "<p>1. Changed.</p>")], full_export=True)
    with Session(engine) as session:
        local = session.get(RecommendationLocal, recs["A"])
        assert local is not None and local.priority == "high" and local.internal_notes == "keep"
        assert session.get(Recommendation, recs["B"]).withdrawn  # type: ignore[union-attr]
