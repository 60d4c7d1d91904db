"""The audit log in the staff workspace (coordinators and admins, like the API): filters and keyset
pages, read by app/audit/queries.py."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, insert

from app.models import AuditEvent
from tests.staff.conftest import StaffLogin

ROUTES = """
GET    /staff/audit                    200 200 403 403 303
"""


def _event(db: Connection, action: str, *, actor: str = "someone@example.org", **values: object) -> None:
    with db.begin_nested():
        db.execute(
            insert(AuditEvent).values(
                at=values.pop("at", datetime.now(UTC)), action=action, actor=actor, **values
            )
        )


def test_the_log_filters_by_actor_action_object_period_and_request(
    staff_login: StaffLogin, db: Connection
) -> None:
    old = datetime(2020, 5, 1, 12, 0, tzinfo=UTC)
    _event(
        db,
        "user.update",
        actor="ada.lovelace@example.org",
        object_type="user",
        object_id=7,
        request_id="req-ada",
        before={"role": "reader", "active": False, "entity_id": None},
        after={"role": "coordinator", "active": True, "entity_id": 3},
    )
    _event(db, "cluster.update", object_type="cluster", object_id=5, after={"members": [4, 9]})
    _event(db, "entity.create", actor="bob@example.org", object_type="entity", object_id=3, at=old)
    _event(db, "auth.login", actor="carol@example.org")
    coordinator = staff_login("coordinator")

    def shown(**params: str) -> str:
        response = coordinator.get("/staff/audit", params=params)
        assert response.status_code == 200, response.text
        text: str = response.text
        return text

    assert "bob@example.org" not in shown(actor="ADA") and "ada.lovelace@example.org" in shown(actor="ADA")
    assert "carol@example.org" in shown(action="auth.") and "ada.lovelace@example.org" not in shown(
        action="auth."
    )
    by_object = shown(object_type="user", object_id="7")
    assert "user.update" in by_object and "entity.create" not in by_object
    # A coordinator may not open a user's page (admins only): the object is named, not linked to a 403.
    assert 'href="/staff/users/7"' not in by_object and "user 7" in by_object
    entity = shown(object_type="entity", object_id="3")
    assert 'href="/staff/entities/3"' in entity  # an entity's page is a coordinator's too
    by_admin = staff_login("admin").get("/staff/audit", params={"object_type": "user", "object_id": "7"})
    assert 'href="/staff/users/7"' in by_admin.text
    assert "<del>reader</del>" in by_object and "<ins>coordinator</ins>" in by_object
    # Values read as on a recommendation's history: yes or no as marks, nothing as a dash, lists joined.
    assert "<del>✗</del> → <ins>✓</ins>" in by_object and "<del>—</del> → <ins>3</ins>" in by_object
    assert "<ins>4, 9</ins>" in shown(object_type="cluster", object_id="5")
    assert "entity.create" in shown(until="2021-01-01T00:00") and "user.update" not in shown(
        until="2021-01-01T00:00"
    )
    recent = shown(since=(datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert "entity.create" not in recent and "auth.login" in recent
    assert "ada.lovelace@example.org" in shown(request_id="req-ada") and "carol" not in shown(
        request_id="req-ada"
    )


def test_refused_filters_are_named_and_kept(staff_login: StaffLogin) -> None:
    admin = staff_login("admin")
    response = admin.get("/staff/audit", params={"object_id": "seven", "actor": "typed"})
    assert response.status_code == 422
    assert 'href="#field-object_id"' in response.text and 'value="typed"' in response.text
    assert admin.get("/staff/audit?since=yesterday").status_code == 422


def test_the_log_pages_newest_first(staff_login: StaffLogin, db: Connection) -> None:
    for number in range(3):
        _event(db, f"test.step{number}")
    admin = staff_login("admin")
    first = admin.get("/staff/audit?action=test.&limit=2").text
    assert "test.step2" in first and "test.step1" in first and "test.step0" not in first
    assert first.index("test.step2") < first.index("test.step1")
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link
    second = admin.get(next_link.group(1).replace("&amp;", "&")).text
    assert "test.step0" in second and "test.step2" not in second


def test_a_period_or_a_number_out_of_range_is_refused_in_the_page_language(staff_login: StaffLogin) -> None:
    """The From box and the numbers were refused in pydantic's English on fr pages."""
    admin = staff_login("admin")
    response = admin.get("/staff/audit", params={"since": "hier", "object_id": "0", "lang": "fr"})
    assert response.status_code == 422
    summary = html.unescape(response.text.split('class="error-summary"')[1].split("</div>")[0])
    assert "Saisissez une date sous la forme année-mois-jour" in summary
    assert "Saisissez un nombre supérieur ou égal à 1." in summary
    assert "Input should" not in summary
