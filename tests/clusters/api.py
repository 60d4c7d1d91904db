"""The cluster API's tests' shared steps: create, read the ETag, list members, audit events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, ClusterRecommendation, Entity

Headers = Callable[..., dict[str, str]]
URL = "/api/v1/clusters"


def audit_events(engine: Engine, action: str, object_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    with Session(engine) as session:
        return list(session.scalars(query))


def member_ids(engine: Engine, cluster_id: int) -> set[int]:
    with Session(engine) as session:
        return set(
            session.scalars(
                select(ClusterRecommendation.recommendation_id).where(
                    ClusterRecommendation.cluster_id == cluster_id
                )
            )
        )


def create(client: TestClient, name: str = "Torture prevention", **body: Any) -> dict[str, Any]:
    response = client.post(URL, json={"name": name, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def read_etag(client: TestClient, cluster_id: int) -> str:
    response = client.get(f"{URL}/{cluster_id}")
    assert response.status_code == 200, response.text
    tag: str = response.headers["ETag"]
    return tag


def delete_members(
    client: TestClient, cluster_id: int, ids: Any, if_match: str | None = None, **headers: str
) -> Any:
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.request("DELETE", f"{URL}/{cluster_id}/recommendations", json={"ids": ids}, headers=headers)


def archive_entity(engine: Engine, entity_id: int) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Entity).where(Entity.id == entity_id).values(archived=True))
