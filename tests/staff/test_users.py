"""Users in the staff workspace (admins only): the list and its filters, inviting with a temporary
password, and one user's page (role, entity, name, deactivation, password reset, unlocking), through
the API's own service: its validation, the last admin's protection, ETags, revoked sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select, update

from app.models import AuditEvent, AuthToken, Entity, LoginFailure, User
from app.users.service import LAST_ADMIN
from app.web.i18n import translations
from tests import accounts
from tests.staff.conftest import StaffClient, StaffLogin
from tests.staff.recommendation_world import etag_of
from tests.staff.route_table import check_object_routes

ROUTES = """
GET    /staff/users                    200 403 403 403 303
GET    /staff/users/new                200 403 403 403 303
POST   /staff/users                    422 403 403 403 303
GET    /staff/users/{id}               200 403 403 403 303
POST   /staff/users/{id}               422 403 403 403 303
POST   /staff/users/{id}/active        422 403 403 403 303
POST   /staff/users/{id}/password      422 403 403 403 303
POST   /staff/users/{id}/unlock        303 403 403 403 303
"""

GOOD_PASSWORD = "plum orchard ladder quietly"


def _user(db: Connection, user_id: int) -> Any:
    """The user's row as stored now."""
    return db.execute(select(User.__table__).where(User.id == user_id)).one()


@pytest.mark.parametrize("role", ["admin", "coord", "fp", "reader", "anon"])
def test_a_users_page_answers_each_role_as_listed(role: str, staff_login: StaffLogin, db: Connection) -> None:
    entity = accounts.create_entity(db, "Ministry of roles")
    someone = accounts.create_user(db, "someone@example.org", "reader")
    assert check_object_routes(ROUTES, role, someone, staff_login, entity) == []
    assert _user(db, someone).active  # nothing a refused request could change


def test_the_list_filters_by_role_entity_status_and_text(staff_login: StaffLogin, db: Connection) -> None:
    health = accounts.create_entity(db, "Ministry of Health")
    justice = accounts.create_entity(db, "Ministry of Justice")
    accounts.create_user(db, "nurse@example.org", "focal_point", entity_id=health)
    accounts.create_user(db, "judge@example.org", "focal_point", entity_id=justice)
    accounts.create_user(db, "gone@example.org", "reader", active=False)
    admin = staff_login("admin")
    by_entity = admin.get("/staff/users", params={"role": "focal_point", "entity_id": health, "active": ""})
    assert by_entity.status_code == 200
    assert "nurse@example.org" in by_entity.text and "judge@example.org" not in by_entity.text
    assert "Matching users: 1" in by_entity.text
    inactive = admin.get("/staff/users?active=false").text
    assert "gone@example.org" in inactive and "nurse@example.org" not in inactive
    assert "judge@example.org" in admin.get("/staff/users?q=JUDGE").text
    # A role in capitals is read as the API reads it, and shown chosen in the filter.
    shouted = admin.get("/staff/users", params={"role": "FOCAL_POINT"})
    assert shouted.status_code == 200 and "Matching users: 2" in shouted.text
    assert '<option value="focal_point" selected>' in shouted.text
    refused = admin.get("/staff/users?role=king")
    assert refused.status_code == 422 and 'id="error-role"' in refused.text
    # A search longer than the box takes was told "Choose at most 320", a list's words, not a text's.
    too_long = admin.get("/staff/users", params={"q": "x" * 321})
    assert too_long.status_code == 422 and "Write at most 320 characters." in too_long.text
    # An entity that does not exist is refused as the API refuses it, not answered with no users.
    unknown = admin.get("/staff/users", params={"entity_id": 987654})
    assert unknown.status_code == 422 and 'id="error-entity_id"' in unknown.text
    assert "is not a known entity id" in unknown.text


def test_the_list_pages_with_a_keyset_cursor(staff_login: StaffLogin, db: Connection) -> None:
    for number in range(3):
        accounts.create_user(db, f"paged{number}@example.org", "reader")
    admin = staff_login("admin")
    first = admin.get("/staff/users?q=paged&limit=2").text
    assert "paged0@" in first and "paged1@" in first and "paged2@" not in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link
    second = admin.get(next_link.group(1).replace("&amp;", "&")).text
    assert "paged2@" in second and "paged0@" not in second and 'rel="next"' not in second
    assert "First page" in second
    assert admin.get("/staff/users?cursor=nonsense").status_code == 422


def _invite(admin: StaffClient, **changes: Any) -> Any:
    form = {
        "email": "new.fp@example.org",
        "full_name": "Nadia Focal",
        "role": "focal_point",
        "entity_id": "",
        "password": GOOD_PASSWORD,
        **changes,
    }
    return admin.post("/staff/users", form)


def test_inviting_creates_an_account_that_must_change_its_password(
    staff_login: StaffLogin, db: Connection
) -> None:
    entity = accounts.create_entity(db, "Ministry of Invitations")
    admin = staff_login("admin")
    form_page = admin.get("/staff/users/new")
    assert form_page.status_code == 200 and "Ministry of Invitations" in form_page.text
    response = _invite(admin, entity_id=str(entity))
    assert response.status_code == 303
    user_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    user = _user(db, user_id)
    assert (user.email, user.role, user.entity_id, user.must_change_password) == (
        "new.fp@example.org",
        "focal_point",
        entity,
        True,
    )
    page = admin.get(response.headers["location"])
    assert "The user is invited" in page.text and "Nadia Focal" in page.text
    action = db.scalar(select(AuditEvent.action).where(AuditEvent.object_id == user_id))
    assert action == "user.create"


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"email": "not-an-email"}, "email", 422),
        ({"password": "password123"}, "password", 422),
        ({"password": "Nadia Focal new.fp"}, "password", 422),
        ({"entity_id": ""}, "entity_id", 422),
        ({"role": ""}, "role", 422),
        ({"email": "taken@example.org"}, "email", 409),
    ],
)
def test_a_refused_invitation_names_the_field_and_keeps_what_was_typed(
    changes: dict[str, str], field: str, status: int, staff_login: StaffLogin, db: Connection
) -> None:
    accounts.create_user(db, "taken@example.org", "reader")
    admin = staff_login("admin")
    before = db.scalar(select(func.count()).select_from(User))
    response = _invite(admin, **changes)
    assert response.status_code == status
    html = response.text
    assert 'class="error-summary"' in html and f'href="#field-{field}"' in html
    assert f'id="error-{field}"' in html
    assert 'value="Nadia Focal"' in html  # what was typed is kept ...
    assert (
        GOOD_PASSWORD not in html and changes.get("password", GOOD_PASSWORD) not in html
    )  # ... not passwords
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_a_refused_invitation_names_every_wrong_field_at_once(
    staff_login: StaffLogin, db: Connection
) -> None:
    """A focal point invited without an entity and with a short password was refused for the password
    alone; once the admin had typed it again (a password is never shown back), the same form was refused
    for the entity: every wrong field is named in one answer, in the form's order."""
    accounts.create_user(db, "taken@example.org", "reader")
    admin = staff_login("admin")
    response = _invite(admin, email="taken@example.org", password="short")
    assert response.status_code == 422
    order = ("email", "entity_id", "password")
    positions = [response.text.find(f'<a href="#field-{field}">') for field in order]
    assert -1 not in positions and positions == sorted(positions), positions


def test_without_the_csrf_token_nothing_is_invited(staff_login: StaffLogin, db: Connection) -> None:
    admin = staff_login("admin")
    response = _invite(admin, csrf_token="")
    assert response.status_code == 403
    assert db.scalar(select(User.id).where(User.email == "new.fp@example.org")) is None


def test_role_entity_and_name_change_with_theetag_of(staff_login: StaffLogin, db: Connection) -> None:
    entity = accounts.create_entity(db, "Ministry of Change")
    user_id = accounts.create_user(db, "changing@example.org", "reader")
    admin = staff_login("admin")
    page = admin.get(f"/staff/users/{user_id}")
    etag = etag_of(page.text)
    form = {"full_name": "Chang Ing", "role": "focal_point", "entity_id": str(entity), "etag": etag}
    response = admin.post(f"/staff/users/{user_id}", form)
    assert response.status_code == 303
    user = _user(db, user_id)
    assert (user.full_name, user.role, user.entity_id) == ("Chang Ing", "focal_point", entity)
    # The same form again, with the version it was shown with: the admin saved first, in this form.
    stale = admin.post(f"/staff/users/{user_id}", {**form, "full_name": "Overwriter"})
    assert stale.status_code == 412
    assert "You already changed this" in stale.text and "Overwriter" in stale.text
    assert _user(db, user_id).full_name == "Chang Ing"


def test_a_focal_point_needs_an_entity_and_the_page_keeps_the_typed_values(
    staff_login: StaffLogin, db: Connection
) -> None:
    user_id = accounts.create_user(db, "nofp@example.org", "reader")
    admin = staff_login("admin")
    etag = etag_of(admin.get(f"/staff/users/{user_id}").text)
    form = {"full_name": "Typed Name", "role": "focal_point", "entity_id": "", "etag": etag}
    response = admin.post(f"/staff/users/{user_id}", form)
    assert response.status_code == 422
    assert 'href="#field-entity_id"' in response.text and 'value="Typed Name"' in response.text
    assert _user(db, user_id).role == "reader"
    no_csrf = admin.post(f"/staff/users/{user_id}", {**form, "entity_id": "", "csrf_token": ""})
    assert no_csrf.status_code == 403


def test_the_last_active_admin_stays_protected(staff_login: StaffLogin, db: Connection) -> None:
    db.execute(update(User).where(User.role == "admin").values(active=False))
    admin = staff_login("admin")
    page = admin.get(f"/staff/users/{admin.user_id}")
    etag = etag_of(page.text)
    demote = admin.post(
        f"/staff/users/{admin.user_id}",
        {"role": "coordinator", "full_name": "", "entity_id": "", "etag": etag},
    )
    assert demote.status_code == 409
    assert "last active admin" in demote.text and 'href="#field-role"' in demote.text
    deactivate = admin.post(f"/staff/users/{admin.user_id}/active", {"active": "false", "etag": etag})
    assert deactivate.status_code == 409 and "last active admin" in deactivate.text
    me = _user(db, admin.user_id)
    assert (me.role, me.active) == ("admin", True)
    assert admin.get("/staff/users").status_code == 200  # still signed in


def test_the_last_active_admin_is_told_why_in_the_page_s_language(
    staff_login: StaffLogin, db: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal said why in English on a French or Spanish page ("this is the last active admin:
    make another user admin ..."): it is one reason of the catalogue, read in the page's language."""
    spanish = "Es el último administrador activo: nombre administrador a otro usuario antes."
    monkeypatch.setitem(vars(translations("es"))["_catalog"], LAST_ADMIN, spanish)
    db.execute(update(User).where(User.role == "admin").values(active=False))
    admin = staff_login("admin")
    etag = etag_of(admin.get(f"/staff/users/{admin.user_id}").text)
    for path, form in (
        ("", {"role": "coordinator", "full_name": "", "entity_id": ""}),
        ("/active", {"active": "false"}),
    ):
        refused = admin.post(
            f"/staff/users/{admin.user_id}{path}", {**form, "etag": etag}, headers={"Accept-Language": "es"}
        )
        assert refused.status_code == 409
        assert spanish in refused.text and "make another user" not in refused.text
        summary = refused.text.split('class="error-summary"')[1].split("</ul>")[0]
        assert summary.count("<li>") == 1  # said once, beside the field it is about


def test_deactivation_ends_the_users_session_at_once(staff_login: StaffLogin, db: Connection) -> None:
    admin = staff_login("admin")
    coordinator = staff_login("coordinator")
    assert coordinator.get("/staff/").status_code == 200
    etag = etag_of(admin.get(f"/staff/users/{coordinator.user_id}").text)
    response = admin.post(f"/staff/users/{coordinator.user_id}/active", {"active": "false", "etag": etag})
    assert response.status_code == 303
    assert "deactivated" in admin.get(response.headers["location"]).text
    assert coordinator.get("/staff/").headers["location"].startswith("/staff/login")
    etag = etag_of(admin.get(f"/staff/users/{coordinator.user_id}").text)
    assert (
        admin.post(f"/staff/users/{coordinator.user_id}/active", {"active": "true", "etag": etag}).status_code
        == 303
    )
    assert _user(db, coordinator.user_id).active is True
    # The old session stays revoked: signing in again makes a new one.
    assert coordinator.get("/staff/").status_code == 303


def test_a_password_reset_is_temporary_and_ends_the_sessions(staff_login: StaffLogin, db: Connection) -> None:
    admin = staff_login("admin")
    reader = staff_login("reader")
    etag = etag_of(admin.get(f"/staff/users/{reader.user_id}").text)
    weak = admin.post(f"/staff/users/{reader.user_id}/password", {"password": "short", "etag": etag})
    assert weak.status_code == 422 and 'href="#field-password"' in weak.text
    assert reader.get("/staff/").status_code == 200
    reset = admin.post(f"/staff/users/{reader.user_id}/password", {"password": GOOD_PASSWORD, "etag": etag})
    assert reset.status_code == 303
    assert _user(db, reader.user_id).must_change_password is True
    assert reader.get("/staff/").status_code == 303
    open_tokens = db.scalar(
        select(func.count())
        .select_from(AuthToken)
        .where(AuthToken.user_id == reader.user_id, AuthToken.revoked_at.is_(None))
    )
    assert open_tokens == 0


def test_unlocking_forgets_the_failed_sign_ins(staff_login: StaffLogin, db: Connection) -> None:
    user_id = accounts.create_user(db, "locked@example.org", "reader")
    now = datetime.now(UTC)
    db.execute(
        insert(LoginFailure),
        [{"account": "locked@example.org", "address": "10.0.0.1", "failed_at": now, "detail": "x"}] * 3,
    )
    admin = staff_login("admin")
    no_csrf = admin.post(f"/staff/users/{user_id}/unlock", csrf="")
    assert no_csrf.status_code == 403
    count = select(func.count()).select_from(LoginFailure).where(LoginFailure.account == "locked@example.org")
    assert db.scalar(count) == 3
    response = admin.post(f"/staff/users/{user_id}/unlock")
    assert response.status_code == 303 and response.headers["location"].endswith("done=user-unlocked")
    assert db.scalar(count) == 0
    assert admin.get("/staff/users/999999").status_code == 404


def test_every_form_of_the_administration_carries_the_sessions_token(
    staff_login: StaffLogin, db: Connection
) -> None:
    """A browser posts what the form holds (the test client adds the token itself): each POST form
    must hold the session's CSRF token, or every real submission is refused."""
    entity = accounts.create_entity(db, "Ministry of Forms")
    user_id = accounts.create_user(db, "formed@example.org", "reader")
    admin = staff_login("admin")
    pages = (
        "/staff/users/new",
        f"/staff/users/{user_id}",
        "/staff/entities/new",
        f"/staff/entities/{entity}",
        "/staff/api-keys/new",
        "/staff/password",
    )
    for path in pages:
        forms = re.findall(r'<form method="post".*?</form>', admin.get(path).text, re.DOTALL)
        assert len(forms) >= 2, path  # the page's own, and signing out
        for form in forms:
            assert f'name="csrf_token" value="{admin.csrf}"' in form, (path, form[:120])


def _typed_and_changed(html_text: str) -> tuple[str, str]:
    """The conflict page's "Changed: ..." sentence and its "What you typed" list, as text."""
    changed = html_text.split('class="notice warning"')[1].split("</div>")[0]
    typed = (
        html_text.split('<dl class="facts typed">')[1].split("</dl>")[0]
        if '<dl class="facts typed">' in html_text
        else ""
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", changed)), re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", typed)
    )


def test_the_conflict_page_names_the_fields_and_values_as_the_form_does(
    staff_login: StaffLogin, db: Connection
) -> None:
    """It listed 'full_name', 'role reader', 'entity_id' and, after Deactivate, 'active false' as typed."""
    entity = accounts.create_entity(db, "Ministry of Names")
    user_id = accounts.create_user(db, "named@example.org", "reader")
    admin = staff_login("admin")
    etag = etag_of(admin.get(f"/staff/users/{user_id}").text)
    form = {"full_name": "Nam Ed", "role": "focal_point", "entity_id": str(entity), "etag": etag}
    assert admin.post(f"/staff/users/{user_id}", form).status_code == 303
    stale = admin.post(f"/staff/users/{user_id}?lang=fr", {**form, "role": "reader", "entity_id": ""})
    assert stale.status_code == 412
    changed, typed = _typed_and_changed(stale.text)
    named = changed.split("Modifié :")[1]  # in the order the database keeps the fields
    assert sorted(name.strip() for name in named.split(",")) == ["Entité", "Nom complet", "Rôle"], changed
    assert "Nom complet Nam Ed Rôle lecteur Entité" in typed, typed
    assert "full_name" not in stale.text and "entity_id" not in typed
    button = admin.post(f"/staff/users/{user_id}/active?lang=fr", {"active": "false", "etag": etag})
    assert button.status_code == 412
    assert "Ce que vous avez saisi" not in button.text and "false" not in _typed_and_changed(button.text)[1]
    assert _user(db, user_id).active


def test_the_users_of_an_archived_entity_keep_their_filter(staff_login: StaffLogin, db: Connection) -> None:
    """'Users of this entity' on an archived entity's page listed them under an Entity box that said
    "Any entity" (the archived one was not offered), so the next Filter listed everyone's users."""
    closed = accounts.create_entity(db, "Ministry of the Past")
    db.execute(update(Entity).where(Entity.id == closed).values(archived=True, archived_at=datetime.now(UTC)))
    accounts.create_user(db, "past@example.org", "focal_point", entity_id=closed)
    accounts.create_user(db, "present@example.org", "reader")
    admin = staff_login("admin")
    entity_page = admin.get(f"/staff/entities/{closed}").text
    assert f'href="/staff/users?entity_id={closed}"' in entity_page
    listed = admin.get(f"/staff/users?entity_id={closed}").text
    assert "past@example.org" in listed and "present@example.org" not in listed
    assert f'<option value="{closed}" selected>Ministry of the Past (archived)</option>' in listed
    # An unknown one is refused as the API refuses it (it once listed no users, which read as "none").
    assert admin.get("/staff/users?entity_id=999999").status_code == 422


def test_an_admin_resetting_their_own_password_is_told_they_will_be_signed_out(
    staff_login: StaffLogin, db: Connection
) -> None:
    """The reset form on one's own page signed the admin out with no warning (Deactivate had one)."""
    admin = staff_login("admin")
    own = admin.get(f"/staff/users/{admin.user_id}?lang=fr").text
    reset = own.split('action="/staff/users/')[3].split("</form>")[0]
    assert "/password" in reset[:40]
    assert "propre compte" in reset, reset  # This is your own account: you will be signed out.
    assert '<a href="/staff/password">' in reset  # where one changes one's own password, staying signed in
    other = accounts.create_user(db, "other@example.org", "reader")
    assert "propre compte" not in admin.get(f"/staff/users/{other}?lang=fr").text
