"""The world of the action pages' tests: two entities, three recommendations (two of one document), a
cluster, and actions of both entities; one of them with an indicator, a value and progress updates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.core.time_zone import local_today
from app.models import Action, ActionRecommendation, AuditEvent, IndicatorValue
from tests.builder import building, imported
from tests.factories import record

SYMBOL = "CRC/C/XX/CO/6"


@dataclass(frozen=True)
class ActionWorld:
    recs: dict[str, int]
    justice: int  # entity A
    education: int  # entity B
    archived_entity: int
    cluster: int
    judges: int  # led by justice alone, overdue, with an indicator and a progress update
    schools: int  # led by education, supported by justice
    other: int  # led by education only, published
    indicator: int
    progress: int
    author: str


def build_world(engine: Engine) -> ActionWorld:
    recs = imported(
        engine,
        [
            record("one", "<p>12. Train judges on the rights of the child.</p>", symbol=SYMBOL),
            record("two", "<p>13. Set up juvenile courts.</p>", symbol=SYMBOL),
            record("three", "<p>4. Build schools in rural areas.</p>", symbol="CRC/C/XX/CO/7"),
        ],
    )
    with building(engine) as build:
        justice = build.entity("Ministry of Justice", acronym="MOJ").id
        education = build.entity("Ministry of Education").id
        archived = build.entity("Old Ministry", archived=True).id
        cluster = build.cluster("Juvenile justice", [recs["one"], recs["two"]], lead_entity_id=justice).id
        author = build.author("writer@example.org", entity_id=justice)
        judges = build.action(
            "Train judges",
            recommendations=[recs["one"]],
            clusters=[cluster],
            lead_entity_id=justice,
            start_date=date(2020, 1, 1),
            due_date=date(2021, 6, 30),
            status="in_progress",
            budget_amount=Decimal("25000.50"),
            budget_currency="PEN",
            budget_source="National budget",
        ).id
        schools = build.action(
            "Build rural schools",
            recommendations=[recs["three"]],
            entities=[justice],
            lead_entity_id=education,
            due_date=local_today() + timedelta(days=400),
        ).id
        other = build.action("Print textbooks", lead_entity_id=education, published=True).id
        indicator = build.indicator(
            judges, "Judges trained", unit="persons", baseline_value=Decimal(0), target_value=Decimal(300)
        )
        value = IndicatorValue(
            indicator_id=indicator.id, measured_on=date(2021, 1, 1), value=Decimal(120), state="approved"
        )
        build.session.add(value)
        progress = build.progress(judges, "submitted", "Two workshops held.", author_id=author.id).id
    return ActionWorld(
        recs,
        justice,
        education,
        archived,
        cluster,
        judges,
        schools,
        other,
        indicator.id,
        progress,
        author.email,
    )


def etag(html: str, form_action: str | None = None) -> str:
    """The ETag of the page's first form (or of the form posting to ``form_action``)."""
    start = html.index(f'action="{form_action}"') if form_action else 0
    match = re.search(r'name="etag" value="([^"]*)"', html[start:])
    assert match, "the page has no etag field"
    return match.group(1).replace("&#34;", '"')


def stored(db: Connection | Engine, action_id: int) -> Action:
    with Session(db) as session:
        action = session.get(Action, action_id)
        assert action is not None
        session.expunge(action)
        return action


def action_count(db: Connection | Engine) -> int:
    with Session(db) as session:
        return session.scalar(select(func.count()).select_from(Action)) or 0


def audit_count(db: Connection | Engine, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    with Session(db) as session:
        return session.scalar(query) or 0


def linked(db: Connection, action_id: int) -> set[int]:
    """The ids of the recommendations linked to the action, as stored."""
    with Session(db) as session:
        return set(
            session.scalars(
                select(ActionRecommendation.recommendation_id).where(
                    ActionRecommendation.action_id == action_id
                )
            )
        )
