"""A year typed wrong on a workspace form (0202-05-01 for 2025-05-01, 2205 for 2025) was stored: each
form that records a date now refuses one outside 1945-2100 (app.core.dates.EnteredDate), naming the
field in the page's language and keeping what was typed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, Engine, func, select

from app.models import Action, Deadline, Indicator, IndicatorValue, ProgressUpdate
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin


@dataclass(frozen=True)
class World:
    justice: int
    action: int
    indicator: int


def build_world(engine: Engine) -> World:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        action = build.action("Train judges", lead_entity_id=justice).id
        indicator = build.indicator(action, "Judges trained").id
    return World(justice, action, indicator)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def _counts(db: Connection) -> list[int]:
    tables = (Action, Indicator, IndicatorValue, ProgressUpdate, Deadline)
    return [db.scalar(select(func.count()).select_from(table)) or 0 for table in tables]


@pytest.mark.parametrize("typed", ["0202-05-01", "2205-05-01"])
def test_every_form_refuses_a_year_typed_wrong_naming_the_field_and_keeping_it(
    world: World, staff_login: StaffLogin, db: Connection, typed: str
) -> None:
    before = _counts(db)
    coordinator = staff_login("coordinator")
    focal = staff_login("focal_point", entity_id=world.justice)
    forms = [
        (coordinator, "/staff/actions", {"title": "Hold hearings", "start_date": typed}, "start_date"),
        (coordinator, "/staff/actions", {"title": "Hold hearings", "due_date": typed}, "due_date"),
        (
            focal,
            f"/staff/actions/{world.action}/indicators",
            {"name": "Cases heard", "baseline_value": "1", "baseline_date": typed},
            "baseline_date",
        ),
        (
            focal,
            f"/staff/actions/{world.action}/indicators",
            {"name": "Cases heard", "target_value": "9", "target_date": typed},
            "target_date",
        ),
        (
            focal,
            f"/staff/indicators/{world.indicator}/values",
            {"measured_on": typed, "value": "4"},
            "measured_on",
        ),
        (
            focal,
            f"/staff/actions/{world.action}/progress",
            {"reported_on": typed, "narrative": "Two workshops held.", "submit": "false"},
            "reported_on",
        ),
        (coordinator, "/staff/calendar", {"kind": "custom", "title": "Hearing", "due_on": typed}, "due_on"),
    ]
    for staff, path, form, field in forms:
        page = staff.post(f"{path}?lang=en", form)
        assert page.status_code == 422, (path, field, page.text[:300])
        assert f'href="#field-{field}"' in page.text, (path, field)
        assert f'value="{typed}"' in page.text, (path, field)
        assert "Enter a date between 1945-01-01 and 2100-12-31." in page.text, (path, field)
    assert _counts(db) == before
