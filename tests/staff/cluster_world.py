"""The world of the cluster pages' tests (tests/staff/test_clusters_*.py): four imported
recommendations, two entities and the cluster "Detention", committed once per module; and the
helpers those tests share to read what a page or the database holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Cluster, ClusterRecommendation
from tests.builder import building, imported
from tests.conftest import ModuleWorld
from tests.factories import record
from tests.staff.conftest import StaffClient, StaffLogin

SOURCE = (
    "<p>12. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and prosecute the perpetrators.</p>"
)
TWIN = (
    "<p>34. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and to prosecute perpetrators.</p>"
)
COUSIN = "<p>5. Improve material conditions in prisons and reduce overcrowding of detainees.</p>"
UNRELATED = "<p>7. Increase the budget of primary schools and train teachers in rural areas.</p>"
TORTURE, DETENTION = "Prevention of torture", "Conditions of detention"


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    entity: int
    other_entity: int
    cluster: int  # "Detention" led by the entity, holding source and cousin


def build_world(engine: Engine) -> World:
    ids = imported(
        engine,
        [
            record("source", SOURCE, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/1"),
            record("twin", TWIN, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/2"),
            record("cousin", COUSIN, themes=[DETENTION], sdgs=["16.a"], symbol="CAT/C/XX/CO/2"),
            record("unrelated", UNRELATED, themes=["Right to education"], sdgs=["4.1"]),
        ],
    )
    with building(engine) as build:
        entity = build.entity("Ministry of Justice", acronym="MOJ").id
        other = build.entity("Ministry of Education").id
        cluster = build.cluster("Detention", [ids["source"], ids["cousin"]], lead_entity_id=entity).id
    return World(ids, entity, other, cluster)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def etag(html: str) -> str:
    match = re.search(r'name="etag" value="([^"]*)"', html)
    assert match, "the page has no etag field"
    return match.group(1).replace("&#34;", '"')


def cluster_row(db: Connection, cluster_id: int) -> Cluster:
    with Session(db) as session:
        cluster = session.get(Cluster, cluster_id)
        assert cluster is not None
        session.expunge(cluster)
        return cluster


def members_of(db: Connection, cluster_id: int) -> set[int]:
    with Session(db) as session:
        return set(
            session.scalars(
                select(ClusterRecommendation.recommendation_id).where(
                    ClusterRecommendation.cluster_id == cluster_id
                )
            )
        )


def audit_count(db: Connection) -> int:
    with Session(db) as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "cluster")
            )
            or 0
        )


def coordinator(staff_login: StaffLogin) -> StaffClient:
    return staff_login("coordinator")


def create(staff: StaffClient, **fields: Any) -> int:
    response = staff.post("/staff/clusters", {"description": "", "lead_entity_id": "", **fields})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/staff/clusters/(\d+)\?done=cluster-created", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))
