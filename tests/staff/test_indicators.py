"""The indicator pages: adding an indicator, its page (edit with the ETag round trip, chart and table
of approved values, every value with its state), recording a value as a draft or submitted, the
review (return with a comment, correct, resubmit, approve) and corrections of approved values,
/staff/values as the approval queue and a focal point's list; roles, CSRF, other entities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Indicator, IndicatorValue
from app.web.i18n import format_number
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffClient, StaffLogin
from tests.staff.route_table import COLUMNS

ROUTES = """
GET    /staff/actions/{id}/indicators/new   200 200 200 403 303
POST   /staff/actions/{id}/indicators       422 422 422 403 303
GET    /staff/indicators/{id}               200 200 200 403 303
POST   /staff/indicators/{id}               422 422 422 403 303
POST   /staff/indicators/{id}/values        422 422 422 403 303
GET    /staff/values                        200 200 200 403 303
GET    /staff/values/{id}                   200 200 200 403 303
POST   /staff/values/{id}                   422 422 422 403 303
POST   /staff/values/{id}/submit            409 409 409 403 303
GET    /staff/values/{id}/delete            409 409 409 403 303
POST   /staff/values/{id}/delete            409 409 409 403 303
POST   /staff/values/{id}/approve           409 409 403 403 303
POST   /staff/values/{id}/return            422 422 403 403 303
POST   /staff/values/{id}/correct           422 422 422 403 303
"""
ROLES = {"admin": "admin", "coord": "coordinator", "fp": "focal_point", "reader": "reader", "anon": "reader"}


@dataclass(frozen=True)
class World:
    entity: int
    other_entity: int
    action: int
    indicator: int
    approved: int  # an approved value of the indicator (2025-03-31: 40)


def build_world(engine: Engine) -> World:
    with building(engine) as build:
        entity = build.entity("Ministry of Justice", acronym="MOJ").id
        other = build.entity("Ministry of Education").id
        action = build.action("Train judges", lead_entity_id=entity, published=True)
        indicator = build.indicator(action.id, "Judges trained", unit="persons", target_value=300)
        approved = build.value(indicator.id, "approved", 40, measured_on=date(2025, 3, 31))
    return World(entity, other, action.id, indicator.id, approved.id)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def _etag(html: str, form_action: str) -> str:
    """The etag field of the form posting to ``form_action``."""
    match = re.search(
        rf'action="{re.escape(form_action)}"[^>]*>\s*<input[^>]*>\s*'
        r'<input type="hidden" name="etag" value="([^"]*)"',
        html,
    )
    assert match, f"no etag in the form of {form_action}"
    return match.group(1).replace("&#34;", '"')


def _events(db: Connection, object_type: str) -> int:
    with Session(db) as session:
        count = select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == object_type)
        return session.scalar(count) or 0


def _state(db: Connection, value_id: int) -> tuple[Any, ...]:
    row = _value(db, value_id)
    assert row is not None
    return (row.state, row.value, row.version, row.superseded_by_id)


def _value(db: Connection, value_id: int) -> IndicatorValue | None:
    with Session(db) as session:
        row = session.get(IndicatorValue, value_id)
        if row is not None:
            session.expunge(row)
        return row


def _path(template: str, world: World) -> str:
    object_id = world.action if template.startswith("/staff/actions") else world.indicator
    if template.startswith("/staff/values"):
        object_id = world.approved
    return template.replace("{id}", str(object_id))


@pytest.mark.parametrize("column", COLUMNS)
def test_pages_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """Each {id} row with a real object (a focal point of the action's entity); a bare POST changes
    nothing."""
    staff = staff_login(ROLES[column], entity_id=world.entity)
    if column == "anon":
        staff.client.cookies.clear()
    before = (_state(db, world.approved), _events(db, "indicator"), _events(db, "indicator_value"))
    failures = []
    for line in ROUTES.strip().splitlines():
        method, template, *codes = line.split()
        if "{id}" not in template:
            continue
        expected = int(codes[COLUMNS.index(column)])
        path = _path(template, world)
        response = staff.get(path) if method == "GET" else staff.post(path, {})
        if response.status_code != expected:
            failures.append(f"{method} {template}: {response.status_code}, expected {expected}")
    assert failures == []
    after = (_state(db, world.approved), _events(db, "indicator"), _events(db, "indicator_value"))
    assert after == before


def _record(staff: StaffClient, world: World, value: str, *, submit: bool = False, **extra: str) -> int:
    form = {"measured_on": "2025-06-30", "value": value, "note": "Counted", **extra}
    if submit:
        form["submit"] = "true"
    response = staff.post(f"/staff/indicators/{world.indicator}/values", form)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/staff/values/(\d+)\?done=value-(saved|submitted)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _public_values(staff: StaffClient, world: World) -> list[Any]:
    action = staff.get(f"/api/v1/public/actions/{world.action}").json()
    return [v["value"] for v in action["indicators"][0]["values"]]


def test_a_value_goes_through_review_in_the_pages(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    focal = staff_login("focal_point", entity_id=world.entity)
    coordinator = staff_login("coordinator")
    value_id = _record(focal, world, "9999")
    page = focal.get(f"/staff/values/{value_id}?done=value-saved")
    assert "The value is saved as a draft." in page.text and "Draft" in page.text
    assert _public_values(focal, world) == [40.0]
    # Corrected and submitted in one step.
    tag = _etag(page.text, f"/staff/values/{value_id}")
    response = focal.post(
        f"/staff/values/{value_id}",
        {"measured_on": "2025-06-30", "value": "199", "note": "", "etag": tag, "submit": "true"},
    )
    assert response.status_code == 303 and response.headers["location"].endswith("done=value-submitted")
    # One value's state, not the list's title it shared a message with ("Pendientes de aprobación").
    assert "<dd><strong>Awaiting approval</strong></dd>" in focal.get(f"/staff/values/{value_id}").text
    # The same form sent again from the old page: a conflict showing what was typed, not the button.
    stale = focal.post(
        f"/staff/values/{value_id}",
        {"measured_on": "2025-06-30", "value": "198", "note": "", "etag": tag, "submit": "true"},
    )
    assert stale.status_code == 412 and "<dd>198</dd>" in stale.text
    assert "submit" not in stale.text.split("What you typed")[1].split("</dl>")[0]
    queue = coordinator.get("/staff/values")
    assert queue.status_code == 200 and f"/staff/values/{value_id}" in queue.text
    # Returned with a comment the focal point sees, on the value and in their list.
    refused = coordinator.post(f"/staff/values/{value_id}/return", {"comment": "  "})
    assert refused.status_code == 422 and "Comment" in refused.text
    returned = coordinator.post(f"/staff/values/{value_id}/return", {"comment": "Count the June workshop"})
    assert returned.status_code == 303
    assert "Count the June workshop" in focal.get(f"/staff/values/{value_id}").text
    # A state in capitals is read as the API reads it (it was the default tab, without a word).
    shouted = coordinator.get("/staff/values", params={"state": "RETURNED"}).text
    assert 'state=returned" aria-current="page"' in shouted and f"/staff/values/{value_id}" in shouted
    mine = focal.get("/staff/values")
    assert "Count the June workshop" in mine.text and "Returned with a comment" in mine.text
    tag = _etag(focal.get(f"/staff/values/{value_id}").text, f"/staff/values/{value_id}")
    bad = focal.post(f"/staff/values/{value_id}", {"measured_on": "2025-06-30", "value": "12,5", "etag": tag})
    assert bad.status_code == 422 and 'value="12,5"' in bad.text and 'aria-invalid="true"' in bad.text
    # A phone offers its number keyboard: the attribute's value, not its quoted source text.
    assert re.search(r'<input id="field-value"[^>]* inputmode="decimal">', bad.text)
    fixed = focal.post(
        f"/staff/values/{value_id}",
        {"measured_on": "2025-06-30", "value": "210", "etag": tag, "submit": "true"},
    )
    assert fixed.status_code == 303
    # The coordinator approves from the queue: the value is public and in the chart.
    queue = coordinator.get("/staff/values").text
    approve_tag = re.search(
        rf'action="/staff/values/{value_id}/approve">\s*<input[^>]*>'
        r'<input type="hidden" name="etag" value=\'([^\']*)\'',
        queue,
    )
    assert approve_tag
    approved = coordinator.post(
        f"/staff/values/{value_id}/approve", {"etag": approve_tag.group(1), "back": "/staff/values"}
    )
    assert approved.status_code == 303 and approved.headers["location"] == "/staff/values?done=value-approved"
    assert _public_values(focal, world) == [40.0, 210.0]
    indicator = focal.get(f"/staff/indicators/{world.indicator}").text
    assert '<svg class="chart line-chart" role="img"' in indicator and "210" in indicator
    stored = _value(db, value_id)
    assert stored is not None and stored.state == "approved" and stored.reviewed_by_id == coordinator.user_id


def test_an_approved_value_is_corrected_and_kept_in_the_history(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    focal = staff_login("focal_point", entity_id=world.entity)
    coordinator = staff_login("coordinator")
    page = focal.get(f"/staff/values/{world.approved}").text
    assert "Correct this value" in page and "Delete this value" not in page
    response = focal.post(
        f"/staff/values/{world.approved}/correct",
        {"measured_on": "2025-03-31", "value": "42", "note": "recount", "submit": "true"},
    )
    assert response.status_code == 303, response.text
    correction = int(re.findall(r"/staff/values/(\d+)", response.headers["location"])[0])
    assert _public_values(focal, world) == [40.0]
    tag = _etag(coordinator.get(f"/staff/values/{correction}").text, f"/staff/values/{correction}/approve")
    assert coordinator.post(f"/staff/values/{correction}/approve", {"etag": tag}).status_code == 303
    assert _public_values(focal, world) == [42.0]
    old = focal.get(f"/staff/values/{world.approved}").text
    assert "Replaced by a correction" in old and "Correct this value" not in old
    history = focal.get(f"/staff/indicators/{world.indicator}").text
    assert "Replaced by a correction" in history and "(a correction)" in history
    stored = _value(db, world.approved)
    assert stored is not None and stored.superseded_by_id == correction


def test_another_entitys_focal_point_sees_approved_values_only(staff_login: StaffLogin, world: World) -> None:
    mine = staff_login("focal_point", entity_id=world.entity)
    draft = _record(mine, world, "77777")
    other = staff_login("focal_point", entity_id=world.other_entity)
    page = other.get(f"/staff/indicators/{world.indicator}")
    assert page.status_code == 200 and "77777" not in page.text and "40" in page.text
    assert "Record a value" not in page.text and 'name="etag"' not in page.text
    assert other.get(f"/staff/values/{draft}").status_code == 404
    assert "77777" not in other.get("/staff/values?state=draft").text
    assert (
        other.post(
            f"/staff/indicators/{world.indicator}/values", {"measured_on": "2025-01-01", "value": "1"}
        ).status_code
        == 403
    )
    assert other.get(f"/staff/actions/{world.action}/indicators/new").status_code == 403


def test_adding_and_editing_an_indicator(staff_login: StaffLogin, world: World) -> None:
    coordinator = staff_login("coordinator")
    url = f"/staff/actions/{world.action}/indicators"
    form = {
        "name": "Cases heard",
        "unit": "cases",
        "baseline_value": "",
        "baseline_date": "2024-01-01",
        "target_value": "10",
        "target_date": "2023-01-01",
    }
    refused = coordinator.post(url, form)
    assert refused.status_code == 422
    assert 'href="#field-baseline_value"' in refused.text and 'value="Cases heard"' in refused.text
    refused = coordinator.post(url, {**form, "baseline_value": "0"})
    assert refused.status_code == 422 and 'href="#field-target_date"' in refused.text
    assert "is before the baseline date</a>" in refused.text and "(baseline.date)" not in refused.text
    created = coordinator.post(url, {**form, "baseline_value": "0", "target_date": "2026-12-31"})
    assert created.status_code == 303
    location = created.headers["location"]
    assert re.fullmatch(r"/staff/indicators/\d+\?done=indicator-created", location)
    page = coordinator.get(location)
    assert (
        "The indicator is created." in page.text
        and "No value of this indicator is approved yet." in page.text
    )
    path = location.split("?")[0]
    tag = _etag(page.text, path)
    edited = coordinator.post(
        path,
        {**form, "name": "Cases decided", "baseline_value": "0", "target_date": "2026-12-31", "etag": tag},
    )
    assert edited.status_code == 303
    stale = coordinator.post(
        path, {**form, "name": "Stale", "baseline_value": "0", "target_date": "2026-12-31", "etag": tag}
    )
    assert stale.status_code == 412 and "You already changed this" in stale.text and "Stale" in stale.text
    assert "Cases decided" in coordinator.get(path).text


def test_a_refused_number_or_date_is_explained_in_the_page_s_language(
    staff_login: StaffLogin, world: World
) -> None:
    coordinator = staff_login("coordinator")
    form = {"name": "Cases heard", "unit": "", "baseline_value": "douze", "target_value": "10"}
    form |= {"baseline_date": "", "target_date": "2026-13-01"}
    refused = coordinator.post(f"/staff/actions/{world.action}/indicators?lang=fr", form)
    assert refused.status_code == 422 and 'value="douze"' in refused.text
    # The workspace's own words, as on every other form, not pydantic's English.
    assert "Saisissez un nombre" in refused.text and "valid decimal" not in refused.text
    # A 13th month: no such day (tests/staff/test_form_reasons.py).
    assert "existe pas dans le calendrier" in refused.text and "valid date" not in refused.text


def test_a_post_without_the_csrf_token_is_refused(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    coordinator = staff_login("coordinator")
    before = _events(db, "indicator_value")
    form = {"measured_on": "2025-01-01", "value": "1"}
    for path in (f"/staff/indicators/{world.indicator}/values", f"/staff/values/{world.approved}/correct"):
        assert coordinator.post(path, form, csrf="").status_code == 403
    assert _events(db, "indicator_value") == before


def test_numbers_are_typed_and_shown_with_the_pages_decimal_comma(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """A French focal point's "12,5" was refused ("with a point"): baselines, targets and values now
    read the page's way of writing numbers, and the boxes show them that way."""
    coordinator = staff_login("coordinator")
    form = {"name": "Share of cases heard", "unit": "%", "baseline_value": "12,5", "target_value": "1 000,25"}
    form |= {"baseline_date": "2024-01-01", "target_date": "2027-12-31"}
    created = coordinator.post(f"/staff/actions/{world.action}/indicators?lang=fr", form)
    assert created.status_code == 303, created.text
    path = created.headers["location"].split("?")[0]
    indicator_id = int(path.rsplit("/", 1)[1])
    measures = db.execute(
        select(Indicator.baseline_value, Indicator.target_value).where(Indicator.id == indicator_id)
    ).one()
    assert tuple(measures) == (Decimal("12.5"), Decimal("1000.25"))
    page = coordinator.get(f"{path}?lang=es").text
    assert 'value="12,5"' in page and 'value="1000,25"' in page
    # The value's hint said "written with a point" in every language, where a Spanish "1.250" is 1250.
    hint = coordinator.get(f"{path}?lang=en").text.split('id="hint-value">')[1].split("<")[0]
    assert hint == "A number, at most 4 decimals: 1500.25"
    typed = {"measured_on": "2025-06-30", "value": "1.250,5678"}
    recorded = coordinator.post(f"{path}/values?lang=es", typed)
    assert recorded.status_code == 303, recorded.text
    value_path = recorded.headers["location"].split("?")[0]
    value_id = int(value_path.rsplit("/", 1)[1])
    stored = db.scalar(select(IndicatorValue.value).where(IndicatorValue.id == value_id))
    assert stored == Decimal("1250.5678")
    assert 'value="1250,5678"' in coordinator.get(f"{value_path}?lang=fr").text
    # Shown with its four decimals, as typed ("1.250,568": CLDR's patterns stop at three).
    assert "<dd>1.250,5678 %</dd>" in coordinator.get(f"{value_path}?lang=es").text


def test_the_chart_writes_values_and_dates_as_its_table_does(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """A French page's chart said 1234.5 and 2026-06-30 above a table saying 1 234,5 and 30 juin 2026."""
    with building(db) as build:
        build.value(world.indicator, "approved", 1234.5, measured_on=date(2026, 6, 30))
    page = staff_login("coordinator").get(f"/staff/indicators/{world.indicator}?lang=fr").text
    chart = page.split('<svg class="chart line-chart"')[1].split("</svg>")[0]
    table = page.split("</svg>")[1]
    value, day = format_number(Decimal("1234.5"), "fr"), "30 juin 2026"
    assert f"<td>{day}</td><td>{value} persons</td>" in table
    assert f"<title>{day} : {value}</title>" in chart  # a French colon, a space before it
    assert f"{format_number(300, 'fr')}</text>" in chart  # the target's line
    assert "1234.5" not in chart and "2026-06-30" not in chart


@pytest.mark.parametrize("path", ["new", "edit"])
def test_a_refused_number_and_dates_out_of_order_are_named_in_one_answer(
    staff_login: StaffLogin, world: World, path: str
) -> None:
    """A baseline typed "12,5 %" and a target date before the baseline date: the page named the
    number, and only once it was corrected the dates (the service's check runs on a body the schema
    took); both are named in the first answer now, as an action's dates are."""
    coordinator = staff_login("coordinator")
    form = {"name": "Teachers trained", "unit": "persons", "baseline_value": "12,5 %"}
    form |= {"baseline_date": "2025-12-31", "target_value": "500", "target_date": "2025-01-01"}
    if path == "new":
        url = f"/staff/actions/{world.action}/indicators"
    else:
        url = f"/staff/indicators/{world.indicator}"
        form["etag"] = _etag(coordinator.get(url).text, url)
    refused = coordinator.post(url, form)
    assert refused.status_code == 422
    summary = refused.text.split('class="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#field-(\w+)"', summary) == ["baseline_value", "target_date"]
    assert "is before the baseline date" in summary
