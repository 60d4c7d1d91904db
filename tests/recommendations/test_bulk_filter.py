"""Bulk edits by filter: the body gives the list's filter instead of ids; what the list matches is
edited, all or nothing, in one transaction, up to a documented maximum."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.models.local import RecommendationEntity, RecommendationLocal
from app.recommendations import bulk
from tests.accounts import create_entity
from tests.builder import building
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"


@pytest.fixture
def recs(engine: Engine) -> dict[str, int]:
    water = [
        record(f"W{n}", f"<p>{n}. Ensure access to clean water.</p>", themes=["Health"]) for n in range(4)
    ]
    schools = [record(f"S{n}", f"<p>{n}. Build schools.</p>", themes=["Education"]) for n in range(3)]
    other = [record("H9", "<p>9. Provide safe water in prisons.</p>", themes=["Detention"])]
    import_records(engine, [*water, *schools, *other])
    return ids_by_external_id(engine)


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _updates(engine: Engine) -> int:
    return _count(engine, AuditEvent, AuditEvent.action == "recommendation.update")


def _fields(response: Any) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


def test_bulk_by_filter_edits_what_the_list_matches(
    client: TestClient, engine: Engine, recs: dict[str, int]
) -> None:
    listed = client.get(URL, params={"q": "water", "theme": "health"}).json()
    assert listed["total"] == 4
    body = {
        "filter": {"q": "water", "theme": "health"},
        "set": {"priority": "high", "priority_rationale": "Why"},
    }
    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"updated": 4, "unchanged": 0}
    with Session(engine) as session:
        high = set(session.scalars(select(RecommendationLocal.recommendation_id)))
    assert high == {item["id"] for item in listed["items"]} == {recs[f"W{n}"] for n in range(4)}
    assert client.get(URL, params={"priority": "high"}).json()["total"] == 4
    assert _updates(engine) == 4
    # The same filter again: nothing left to change, nothing recorded.
    assert client.post(f"{URL}/bulk", json=body).json() == {"updated": 0, "unchanged": 4}
    assert _updates(engine) == 4
    # A filter matching nothing is not an error: nothing to change.
    empty = client.post(f"{URL}/bulk", json={"filter": {"q": "zebra"}, "set": {"priority": "low"}})
    assert empty.json() == {"updated": 0, "unchanged": 0}


def test_bulk_by_filter_is_all_or_nothing(client: TestClient, engine: Engine, recs: dict[str, int]) -> None:
    """The last matching row cannot take the change: the rows edited before it are rolled back too."""
    entity = create_entity(engine, "Ministry of Water")
    last = max(recs[f"W{n}"] for n in range(4))
    with building(engine) as build:
        build.responsible(last, entity, "lead")
    body = {"filter": {"theme": "Health"}, "set": {"priority": "high", "supporting_entity_ids": [entity]}}
    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 422, response.text
    assert (
        f"Ministry of Water is the lead of 1 of these recommendations; it cannot also be supporting: #{last}"
        == (_fields(response)["supporting_entity_ids"])
    )
    assert _count(engine, RecommendationLocal) == 0
    assert _count(engine, RecommendationEntity) == 1  # the lead set above, nothing more
    assert _updates(engine) == 0


def test_bulk_by_filter_refuses_more_matches_than_the_maximum(
    client: TestClient, engine: Engine, recs: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "MAX_BULK_MATCHES", 3)
    response = client.post(f"{URL}/bulk", json={"filter": {"theme": "Health"}, "set": {"priority": "low"}})
    assert response.status_code == 422
    assert "matches 4 recommendations, more than the 3" in _fields(response)["filter"]
    assert _count(engine, RecommendationLocal) == 0 and _updates(engine) == 0
    within = client.post(f"{URL}/bulk", json={"filter": {"theme": "Education"}, "set": {"priority": "low"}})
    assert within.json() == {"updated": 3, "unchanged": 0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"set": {"priority": "high"}}, "filter"),
        ({"ids": [1], "filter": {"theme": "Health"}, "set": {"priority": "high"}}, "filter"),
        ({"filter": {"colour": "red"}, "set": {"priority": "high"}}, "filter.colour"),
        ({"filter": {"cursor": "abc"}, "set": {"priority": "high"}}, "filter.cursor"),
        (
            {"filter": {"cycle": 0}, "set": {"priority": "high"}},
            "filter.cycle.0",
        ),  # one value or several: the field names its position
        ({"filter": {"priority": ["urgent"]}, "set": {"priority": "high"}}, "filter.priority.0"),
        ({"filter": {"sdg": "99"}, "set": {"priority": "high"}}, "filter.sdg"),
        ({"filter": {"responsibility": "lead"}, "set": {"priority": "high"}}, "filter.responsibility"),
        ({"filter": {"theme": "Health"}, "set": {}}, "set"),
        ({"filter": {"theme": "Health"}, "set": {"lead_entity_id": 999_999}}, "lead_entity_id"),
    ],
)
def test_bulk_by_filter_validation(
    client: TestClient, engine: Engine, recs: dict[str, int], body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{URL}/bulk", json=body)
    assert response.status_code == 422, response.text
    assert field in _fields(response), response.json()
    assert _count(engine, RecommendationLocal) == 0 and _updates(engine) == 0


def test_bulk_by_filter_needs_a_manager(
    anonymous_client: TestClient, headers_for: Any, engine: Engine, recs: dict[str, int]
) -> None:
    entity = create_entity(engine, "Ministry of Health")
    body = {"filter": {"theme": "Health"}, "set": {"priority": "high"}}
    for role, entity_id in (("focal_point", entity), ("reader", None)):
        response = anonymous_client.post(f"{URL}/bulk", json=body, headers=headers_for(role, entity_id))
        assert response.status_code == 403
    assert _count(engine, RecommendationLocal) == 0
