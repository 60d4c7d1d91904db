"""A calendar world: two ministries, actions and indicators of each, a general one, the next UPR review
and deadlines a coordinator entered, published or not, past and ahead of today."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select

from app.core.time_zone import local_today
from app.models import Deadline, Mechanism
from tests import accounts
from tests.builder import building, imported
from tests.conftest import MakeApp, ModuleWorld
from tests.factories import record

# Titles planted per audience: what the justice ministry's focal point sees and what it must not.
JUSTICE_OVERDUE = "Draft the juvenile justice bill"  # led by justice, past, open: overdue
EDUCATION_ACTION = "Train teachers on inclusion"  # education supports it; published; ahead
GENERAL_DONE = "Publish the national plan"  # no entity, completed, past
INDICATOR = "Share of schools with ramps"  # target of the education action
UPR_REVIEW = "Fifth UPR review"  # general, published
EDUCATION_CUSTOM = "Education budget hearing"  # custom, education, unpublished
JUSTICE_CUSTOM = "Justice report to parliament"  # custom, justice, published, past, done


@dataclass(frozen=True)
class CalendarWorld:
    justice: int
    education: int
    recommendation: int
    justice_action: int
    education_action: int
    general_action: int
    indicator: int
    review: int
    education_custom: int
    justice_custom: int
    today: date
    last_review: date
    next_review: date


def build_world(engine: Engine) -> CalendarWorld:
    ids = imported(engine, [record("cal-1", "Adopt a juvenile justice law.", mechanism="UPR")])
    today = local_today()
    last_review, next_review = today - timedelta(days=400), today + timedelta(days=1000)
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        education = build.entity("Ministry of Education").id
        justice_action = build.action(
            JUSTICE_OVERDUE, lead_entity_id=justice, due_date=today - timedelta(days=3), status="in_progress"
        ).id
        education_action = build.action(
            EDUCATION_ACTION,
            recommendations=[ids["cal-1"]],
            entities=[education],
            due_date=today + timedelta(days=40),
            published=True,
        ).id
        general_action = build.action(
            GENERAL_DONE, due_date=today - timedelta(days=10), status="completed"
        ).id
        indicator = build.indicator(education_action, INDICATOR, target_date=today + timedelta(days=200)).id
        rows = [
            Deadline(
                kind="upr_review",
                title=UPR_REVIEW,
                due_on=next_review,
                last_review_on=last_review,
                mechanism_id=build.session.scalar(select(Mechanism.id).where(Mechanism.code == "UPR")),
                published=True,
            ),
            Deadline(
                kind="custom", title=EDUCATION_CUSTOM, due_on=today + timedelta(days=5), entity_id=education
            ),
            Deadline(
                kind="custom",
                title=JUSTICE_CUSTOM,
                due_on=today - timedelta(days=20),
                entity_id=justice,
                published=True,
                done=True,
            ),
        ]
        build.session.add_all(rows)
        build.session.flush()
    return CalendarWorld(
        justice,
        education,
        ids["cal-1"],
        justice_action,
        education_action,
        general_action,
        indicator,
        rows[0].id,
        rows[1].id,
        rows[2].id,
        today,
        last_review,
        next_review,
    )


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> CalendarWorld:
    return module_world(build_world, migrated_engine)


@pytest.fixture
def anonymous_client(make_app: MakeApp) -> Iterator[TestClient]:
    """The app in the test's mode (``make_app``), without credentials."""
    with TestClient(make_app()) as test_client:
        yield test_client


@pytest.fixture
def headers_for(writer: Engine | Connection) -> Callable[..., dict[str, str]]:
    """``headers_for(role, entity_id=None)``: Authorization headers of a new user."""

    def make(role: str, entity_id: int | None = None) -> dict[str, str]:
        return accounts.headers_for(writer, role, entity_id=entity_id)

    return make
