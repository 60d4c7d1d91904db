"""/api/v1/clusters/{id}/recommendations: managers fill and empty clusters; every change audited,
races queued."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.models import Recommendation, SourceLink
from tests.clusters.api import URL, audit_events, create, delete_members, member_ids, read_etag
from tests.factories import ids_by_external_id, import_records, record

# --- membership ---------------------------------------------------------------------------------


def test_add_recommendations_is_idempotent_bumps_etag_and_audits(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = read_etag(client, cluster["id"])
    response = client.post(url, json={"ids": rec_ids[:3]})
    assert response.status_code == 200, response.text
    assert response.json() == {"added": 3, "unchanged": 0, "recommendation_count": 3}
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == read_etag(client, cluster["id"])
    etag = response.headers["ETag"]

    response = client.post(url, json={"ids": [rec_ids[2], rec_ids[3]]}, headers={"If-Match": etag})
    assert response.json() == {"added": 1, "unchanged": 1, "recommendation_count": 4}
    etag = response.headers["ETag"]
    response = client.post(url, json={"ids": rec_ids[:2]})
    assert response.json() == {"added": 0, "unchanged": 2, "recommendation_count": 4}
    assert response.headers["ETag"] == etag  # nothing changed: same version
    assert member_ids(engine, cluster["id"]) == set(rec_ids[:4])

    events = audit_events(engine, "cluster.recommendations_added", cluster["id"])
    afters = [event.after or {} for event in events]
    assert [after["ids"] for after in afters] == [rec_ids[:3], [rec_ids[3]], []]
    assert afters[1]["unchanged"] == [rec_ids[2]]


def test_add_with_a_stale_if_match_is_412(client: TestClient, engine: Engine, rec_ids: list[int]) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = read_etag(client, cluster["id"])
    client.post(url, json={"ids": rec_ids[:1]})
    response = client.post(url, json={"ids": rec_ids[1:2]}, headers={"If-Match": etag})
    assert response.status_code == 412
    assert member_ids(engine, cluster["id"]) == {rec_ids[0]}


def test_unknown_recommendations_are_listed_and_nothing_is_written(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    response = client.post(url, json={"ids": [rec_ids[0], 999_998, 999_999]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "ids", "reason": "unknown recommendation ids: 999998, 999999"}
    ]
    assert member_ids(engine, cluster["id"]) == set()
    client.post(url, json={"ids": rec_ids[:1]})
    response = delete_members(client, cluster["id"], [rec_ids[0], 999_999], read_etag(client, cluster["id"]))
    assert response.status_code == 422
    assert "999999" in response.json()["errors"][0]["reason"]
    assert member_ids(engine, cluster["id"]) == {rec_ids[0]}
    assert len(audit_events(engine, "cluster.recommendations_added")) == 1
    assert audit_events(engine, "cluster.recommendations_removed") == []


def test_a_linked_copy_is_refused_naming_its_record(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    """A copy linked to its UHRI record is listed nowhere (docs/sources.md): in a cluster it would count
    as nothing, the portal showing the cluster with 0 recommendations. The refusal names the record."""
    leader, copy = rec_ids[0], rec_ids[1]
    with Session(engine) as session:
        session.add(SourceLink(leader_id=leader, member_id=copy, state="linked", method="manual"))
        session.commit()
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    response = client.post(url, json={"ids": [rec_ids[2], copy]})
    assert response.status_code == 422, response.text
    reason = (
        f"recommendation {copy} is a copy linked to recommendation {leader}, which is listed in its place: "
        f"add recommendation {leader} instead"
    )
    assert response.json()["errors"] == [{"field": "ids", "reason": reason}]
    assert member_ids(engine, cluster["id"]) == set()
    assert client.post(url, json={"ids": [leader, rec_ids[2]]}).status_code == 200
    # Once its record is withdrawn, the copy is listed again, and may be added.
    with Session(engine) as session:
        session.execute(update(Recommendation).where(Recommendation.id == leader).values(withdrawn=True))
        session.commit()
    assert client.post(url, json={"ids": [copy]}).json()["added"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"ids": []},
        {"ids": [1, 1]},
        {"ids": list(range(1, 1002))},
        {"ids": [0]},
        {"ids": [2**31]},
        {"ids": ["a"]},
        {},
        {"ids": [1], "extra": True},
    ],
)
def test_membership_bodies_are_validated(client: TestClient, body: dict[str, Any]) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    response = client.post(url, json=body)
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(field.startswith("ids") or field == "extra" for field in fields), fields
    response = client.request(
        "DELETE", url, json=body, headers={"If-Match": read_etag(client, cluster["id"])}
    )
    assert response.status_code == 422


def test_a_thousand_ids_in_one_request(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record(f"bulk-{n}") for n in range(1000)])
    ids = sorted(ids_by_external_id(engine).values())
    cluster = create(client)
    response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": ids})
    assert response.json() == {"added": 1000, "unchanged": 0, "recommendation_count": 1000}
    response = delete_members(client, cluster["id"], ids, response.headers["ETag"])
    assert response.json() == {"removed": 1000, "unchanged": 0, "recommendation_count": 0}


def test_remove_needs_if_match_and_counts_absent_ids(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    etag = client.post(url, json={"ids": rec_ids[:3]}).headers["ETag"]
    response = delete_members(client, cluster["id"], rec_ids[:1])
    assert response.status_code == 428
    response = delete_members(client, cluster["id"], rec_ids[:1], '"1"')
    assert response.status_code == 412
    assert member_ids(engine, cluster["id"]) == set(rec_ids[:3])

    response = delete_members(client, cluster["id"], [rec_ids[0], rec_ids[4]], etag)
    assert response.status_code == 200, response.text
    assert response.json() == {"removed": 1, "unchanged": 1, "recommendation_count": 2}
    assert response.headers["ETag"] != etag
    assert member_ids(engine, cluster["id"]) == set(rec_ids[1:3])
    (event,) = audit_events(engine, "cluster.recommendations_removed", cluster["id"])
    assert event.after == {"ids": [rec_ids[0]], "unchanged": [rec_ids[4]], "recommendation_count": 2}
    assert client.get(f"{URL}/{cluster['id']}").json()["recommendation_count"] == 2


def test_a_recommendation_sits_in_several_clusters(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    first = create(client, "First")
    second = create(client, "Second")
    for cluster in (first, second):
        response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": rec_ids[:2]})
        assert response.json()["added"] == 2
    assert member_ids(engine, first["id"]) == member_ids(engine, second["id"]) == set(rec_ids[:2])
    delete_members(client, first["id"], rec_ids[:1], read_etag(client, first["id"]))
    assert member_ids(engine, second["id"]) == set(rec_ids[:2])


def test_member_ids_are_paged(client: TestClient, rec_ids: list[int]) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}/recommendations"
    client.post(url, json={"ids": list(reversed(rec_ids))})
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert page["total"] == 5
        assert all(item["added_at"].endswith(("Z", "+00:00")) for item in page["items"])
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == rec_ids
    assert client.get(url, params={"cursor": "???"}).status_code == 422
    assert client.get(url, params={"limit": 1001}).status_code == 422


def test_two_clients_racing_on_one_etag(client: TestClient, engine: Engine) -> None:
    cluster = create(client)
    etag = read_etag(client, cluster["id"])
    barrier = threading.Barrier(2)

    def rename(name: str) -> int:
        barrier.wait()
        response = client.patch(f"{URL}/{cluster['id']}", json={"name": name}, headers={"If-Match": etag})
        status: int = response.status_code
        return status

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(rename, ["First", "Second"]))
    assert statuses == [200, 412]
    assert len(audit_events(engine, "cluster.update", cluster["id"])) == 1
    assert client.get(f"{URL}/{cluster['id']}").json()["name"] in {"First", "Second"}


def test_concurrent_adds_of_the_same_ids_queue(
    client: TestClient, engine: Engine, rec_ids: list[int]
) -> None:
    cluster = create(client)
    barrier = threading.Barrier(2)

    def add(_: int) -> dict[str, Any]:
        barrier.wait()
        response = client.post(f"{URL}/{cluster['id']}/recommendations", json={"ids": rec_ids})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(add, [1, 2]))
    assert sorted(result["added"] for result in results) == [0, 5]
    assert member_ids(engine, cluster["id"]) == set(rec_ids)
