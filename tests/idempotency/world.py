"""Every create route of the JSON API, with a body it accepts and the table it writes to: an action of
the Ministry of Justice with an indicator, an approved value and a draft progress update to attach to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.models import (
    Action,
    ApiKey,
    Cluster,
    Deadline,
    Entity,
    EvidenceFile,
    FollowUpGrade,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Recommendation,
    User,
)
from tests import accounts
from tests.builder import building
from tests.evidence import samples
from tests.factories import ids_by_external_id, import_records, record


@dataclass(frozen=True)
class World:
    entity: int
    action: int
    indicator: int
    approved_value: int
    progress: int
    recommendation: int
    admin: dict[str, str]
    coordinator: dict[str, str]


def build_world(client: TestClient, engine: Engine) -> World:
    entity = accounts.create_entity(engine, "Ministry of Justice")
    with building(engine) as build:
        action = build.action("Train judges", lead_entity_id=entity)
        indicator = build.indicator(action.id, "Judges trained", unit="people")
        value = build.value(indicator.id, "approved", 40)
        progress = build.progress(action.id, "draft", "Two workshops held.")
    import_records(engine, [record("graded", mechanism="CRC")])
    return World(
        entity=entity,
        action=action.id,
        indicator=indicator.id,
        approved_value=value.id,
        progress=progress.id,
        recommendation=ids_by_external_id(engine)["graded"],
        admin=accounts.headers_for(engine, "admin"),
        coordinator=accounts.headers_for(engine, "coordinator"),
    )


@dataclass(frozen=True)
class Create:
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]]
    model: Any
    admin: bool = False
    upload: bool = False
    status: int = 201

    def send(self, client: TestClient, world: World, key: str | None, **changes: Any) -> Any:
        headers = dict(world.admin if self.admin else world.coordinator)
        if key is not None:
            headers["Idempotency-Key"] = key
        if self.upload:
            name = changes.get("name", "report.pdf")
            return client.post(
                self.path(world), files={"file": (name, samples.PDF, "application/pdf")}, headers=headers
            )
        return client.post(self.path(world), json={**self.body(world), **changes}, headers=headers)

    def count(self, engine: Engine) -> int:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(self.model)) or 0)


CREATES = {
    "user": Create(
        lambda w: "/api/v1/users",
        lambda w: {"email": "retried@example.org", "role": "reader", "password": "Retried-but-once-1!"},
        User,
        admin=True,
    ),
    "API key": Create(
        lambda w: "/api/v1/api-keys", lambda w: {"name": "dashboard", "role": "reader"}, ApiKey, admin=True
    ),
    "entity": Create(
        lambda w: "/api/v1/entities", lambda w: {"name": "Ministry of Health", "kind": "ministry"}, Entity
    ),
    "recommendation": Create(
        lambda w: "/api/v1/recommendations",
        lambda w: {
            "mechanism": "NHRI-X",
            "mechanism_name": "National Human Rights Institution X",
            "mechanism_family": "other",
            "text": "Publish the prison inspection reports.",
        },
        Recommendation,
    ),
    "cluster": Create(lambda w: "/api/v1/clusters", lambda w: {"name": "Sent twice"}, Cluster),
    "action": Create(lambda w: "/api/v1/actions", lambda w: {"title": "Open two courts"}, Action),
    "indicator": Create(
        lambda w: f"/api/v1/actions/{w.action}/indicators", lambda w: {"name": "Courts opened"}, Indicator
    ),
    "indicator value": Create(
        lambda w: f"/api/v1/indicators/{w.indicator}/values",
        lambda w: {"measured_on": "2026-01-31", "value": 3},
        IndicatorValue,
    ),
    "correction": Create(
        lambda w: f"/api/v1/indicator-values/{w.approved_value}/corrections",
        lambda w: {"measured_on": "2026-01-01", "value": 41},
        IndicatorValue,
    ),
    "progress update": Create(
        lambda w: f"/api/v1/actions/{w.action}/progress",
        lambda w: {"reported_on": "2026-01-15", "narrative": "Two courts opened."},
        ProgressUpdate,
    ),
    "evidence file": Create(
        lambda w: f"/api/v1/progress/{w.progress}/evidence", lambda w: {}, EvidenceFile, upload=True
    ),
    "deadline": Create(
        lambda w: "/api/v1/deadlines",
        lambda w: {"title": "Report to parliament", "due_on": "2027-03-31"},
        Deadline,
    ),
    "follow-up grade": Create(
        lambda w: f"/api/v1/recommendations/{w.recommendation}/follow-up/grades",
        lambda w: {"grade": "B", "assessed_on": "2026-10-01", "source_symbol": "CRC/C/99/2"},
        FollowUpGrade,
    ),
}
# Another request to each route: a field of its body changed (for the evidence file: its name).
CHANGED: dict[str, dict[str, Any]] = {
    "user": {"email": "other@example.org"},
    "API key": {"name": "another dashboard"},
    "entity": {"name": "Ministry of Labour"},
    "recommendation": {"text": "Another text."},
    "cluster": {"name": "Another"},
    "action": {"title": "Another"},
    "indicator": {"name": "Another"},
    "indicator value": {"value": 4},
    "correction": {"value": 42},
    "progress update": {"narrative": "Another."},
    "evidence file": {"name": "other.pdf"},
    "deadline": {"title": "Another"},
    "follow-up grade": {"grade": "C"},
}
