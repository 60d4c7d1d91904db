"""A create form sent twice (a double click, the button pressed again on a slow connection, a reload
after the POST) creates one thing: the second sending, with the same one-time token, is sent to the
page the first led to."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select

from app.models import (
    Action,
    ApiKey,
    Cluster,
    Deadline,
    Entity,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    User,
)
from tests.conftest import ModuleWorld
from tests.staff.action_world import ActionWorld, build_world
from tests.staff.conftest import StaffLogin


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ActionWorld:
    return module_world(build_world, migrated_engine)


def once_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the form carries no one-time token"
    return match.group(1)


def count(db: Connection, model: Any) -> int:
    return int(db.execute(select(func.count()).select_from(model)).scalar_one())


@dataclass(frozen=True)
class Form:
    page: Callable[[ActionWorld], str]
    action: Callable[[ActionWorld], str]
    fields: Callable[[ActionWorld], dict[str, Any]]
    model: Any
    role: str = "coordinator"


FORMS = {
    "progress update": Form(
        lambda w: f"/staff/actions/{w.judges}/progress/new",
        lambda w: f"/staff/actions/{w.judges}/progress",
        lambda w: {"reported_on": "2026-01-15", "narrative": "Two courts opened.", "submit": "false"},
        ProgressUpdate,
    ),
    "action": Form(
        lambda w: "/staff/actions/new",
        lambda w: "/staff/actions",
        lambda w: {"title": "Train judges", "status": "planned", "lead_entity_id": str(w.justice)},
        Action,
    ),
    "indicator": Form(
        lambda w: f"/staff/actions/{w.judges}/indicators/new",
        lambda w: f"/staff/actions/{w.judges}/indicators",
        lambda w: {"name": "Courts opened", "unit": "courts", "baseline_value": "0", "target_value": "5"},
        Indicator,
    ),
    "indicator value": Form(
        lambda w: f"/staff/indicators/{w.indicator}",
        lambda w: f"/staff/indicators/{w.indicator}/values",
        lambda w: {"measured_on": "2026-01-31", "value": "3"},
        IndicatorValue,
    ),
    "cluster": Form(
        lambda w: "/staff/clusters/new",
        lambda w: "/staff/clusters",
        lambda w: {"name": "Sent twice"},
        Cluster,
    ),
    "custom deadline": Form(
        lambda w: "/staff/calendar/new",
        lambda w: "/staff/calendar",
        lambda w: {"kind": "custom", "title": "Report to parliament", "due_on": "2027-03-31"},
        Deadline,
    ),
    "entity": Form(
        lambda w: "/staff/entities/new",
        lambda w: "/staff/entities",
        lambda w: {"name": "Ministry of Health", "kind": "ministry"},
        Entity,
    ),
    "user": Form(
        lambda w: "/staff/users/new",
        lambda w: "/staff/users",
        lambda w: {"email": "twice@example.org", "role": "reader", "password": "Tw1ce-sent-but-once!"},
        User,
        role="admin",
    ),
}


@pytest.mark.parametrize("name", FORMS)
def test_a_create_form_sent_twice_creates_one(
    staff_login: StaffLogin, db: Connection, world: ActionWorld, name: str
) -> None:
    form = FORMS[name]
    staff = staff_login(form.role)
    page = staff.get(form.page(world))
    assert page.status_code == 200, page.text
    fields = {**form.fields(world), "form_token": once_token(page.text)}
    before = count(db, form.model)
    first = staff.post(form.action(world), fields)
    assert first.status_code == 303, first.text
    second = staff.post(form.action(world), fields)
    assert second.status_code == 303, second.text
    assert second.headers["location"] == first.headers["location"]
    assert count(db, form.model) == before + 1
    # The page drawn again carries another token: a new form creates another.
    assert once_token(staff.get(form.page(world)).text) != fields["form_token"]


def test_a_refused_form_corrected_with_its_token_creates_once(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    token = once_token(staff.get("/staff/clusters/new").text)
    refused = staff.post("/staff/clusters", {"name": "", "form_token": token})
    assert refused.status_code == 422
    assert once_token(refused.text) == token  # the page shown again keeps the form's token
    before = count(db, Cluster)
    first = staff.post("/staff/clusters", {"name": "Corrected", "form_token": token})
    second = staff.post("/staff/clusters", {"name": "Corrected", "form_token": token})
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["location"] == first.headers["location"]
    assert count(db, Cluster) == before + 1


def test_an_api_key_sent_twice_is_created_once_and_its_secret_shown_once(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    admin = staff_login("admin")
    token = once_token(admin.get("/staff/api-keys/new").text)
    fields = {"name": "Dashboard", "role": "reader", "scope": "read", "form_token": token}
    before = count(db, ApiKey)
    first = admin.post("/staff/api-keys", fields)
    assert first.status_code == 201, first.text
    second = admin.post("/staff/api-keys", fields)  # a reload of the page that showed the secret
    assert second.status_code == 303 and second.headers["location"] == "/staff/api-keys"
    assert count(db, ApiKey) == before + 1


def test_the_same_token_from_another_user_is_another_form(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    token = once_token(staff_login("coordinator").get("/staff/clusters/new").text)
    before = count(db, Cluster)
    for role, name in (("coordinator", "Mine"), ("admin", "Theirs")):
        response = staff_login(role).post("/staff/clusters", {"name": name, "form_token": token})
        assert response.status_code == 303, response.text
    assert count(db, Cluster) == before + 2
