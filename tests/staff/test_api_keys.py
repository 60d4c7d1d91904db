"""API keys in the staff workspace (admins only): the secret is on the creation page only, with
Cache-Control: no-store, and never again; revoking stops the key at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, func, insert, select

from app.models import ApiKey
from tests import accounts
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import check_object_routes

ROUTES = """
GET    /staff/api-keys                 200 403 403 403 303
GET    /staff/api-keys/new             200 403 403 403 303
POST   /staff/api-keys                 422 403 403 403 303
GET    /staff/api-keys/{id}/revoke     200 403 403 403 303
POST   /staff/api-keys/{id}/revoke     303 403 403 403 303
"""


def _create_key(db: Connection, name: str = "dashboard") -> int:
    with db.begin_nested():
        result = db.execute(
            insert(ApiKey).values(
                name=name, prefix="nrtd_abcdefg", key_hash=name * 4, role="reader", scope="read"
            )
        )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


@pytest.mark.parametrize("role", ["coord", "fp", "reader", "anon"])
def test_revoking_is_refused_to_anyone_but_an_admin(
    role: str, staff_login: StaffLogin, db: Connection
) -> None:
    entity = accounts.create_entity(db, "Ministry of keys")
    key = _create_key(db)
    assert check_object_routes(ROUTES, role, key, staff_login, entity) == []
    assert db.scalar(select(ApiKey.revoked_at).where(ApiKey.id == key)) is None


def test_the_secret_is_shown_once_and_the_key_works(staff_login: StaffLogin, db: Connection) -> None:
    admin = staff_login("admin")
    assert admin.get("/staff/api-keys/new").status_code == 200
    created = admin.post(
        "/staff/api-keys", {"name": "stats dashboard", "role": "reader", "scope": "read", "expires_at": ""}
    )
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-key"[^>]*value="([^"]+)"', created.text)
    assert secret and secret.group(1).startswith("nrtd_")
    listing = admin.get("/staff/api-keys").text
    assert "stats dashboard" in listing and secret.group(1) not in listing
    assert secret.group(1)[:12] in listing  # the prefix tells keys apart
    assert "Last used" in listing and listing.count("Never") == 2  # never expires, never used
    me = admin.client.get("/api/v1/me", headers={"X-API-Key": secret.group(1)})
    assert me.status_code == 200
    assert admin.get("/staff/api-keys").text.count("Never") == 1  # used now


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": "", "role": "reader"}, "name"),
        ({"name": "typed name", "role": "admin"}, "role"),
        ({"name": "typed name", "role": "focal_point"}, "entity_id"),
        ({"name": "typed name", "role": "reader", "expires_at": "2000-01-01"}, "expires_at"),
        ({"name": "typed name", "role": "reader", "expires_at": "tomorrow"}, "expires_at"),
    ],
)
def test_a_refused_key_names_the_field_and_keeps_what_was_typed(
    form: dict[str, str], field: str, staff_login: StaffLogin, db: Connection
) -> None:
    admin = staff_login("admin")
    response = admin.post("/staff/api-keys", {"scope": "write", **form})
    assert response.status_code == 422
    assert f'href="#field-{field}"' in response.text
    assert re.search(r'<option value="write" selected>', response.text)
    if form["name"]:
        assert 'value="typed name"' in response.text
    assert db.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_revoking_a_key(staff_login: StaffLogin, db: Connection) -> None:
    key = _create_key(db, "old feed")
    admin = staff_login("admin")
    assert admin.post(f"/staff/api-keys/{key}/revoke", csrf="").status_code == 403
    assert db.scalar(select(ApiKey.revoked_at).where(ApiKey.id == key)) is None
    # A revoked key cannot be restored: it asks first, naming the key, and revokes nothing until confirmed.
    # The question is a page of its own (a GET), so that Back after revoking never sends the form again.
    sent = admin.post(f"/staff/api-keys/{key}/revoke", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/staff/api-keys/{key}/revoke"
    asked = admin.get(sent.headers["location"])
    assert asked.status_code == 200 and "<h1>Revoke the API key old feed?</h1>" in asked.text
    assert (
        f'action="/staff/api-keys/{key}/revoke"' in asked.text
        and 'name="confirmed" value="yes"' in asked.text
    )
    assert '<a href="/staff/api-keys">Cancel</a>' in asked.text
    assert db.scalar(select(ApiKey.revoked_at).where(ApiKey.id == key)) is None
    response = admin.post(f"/staff/api-keys/{key}/revoke", {"confirmed": "yes"}, follow_redirects=False)
    assert (
        response.status_code == 303 and response.headers["location"] == "/staff/api-keys?done=api-key-revoked"
    )
    assert db.scalar(select(ApiKey.revoked_at).where(ApiKey.id == key)) is not None
    page = admin.get(response.headers["location"]).text
    assert "The API key is revoked" in page and "Revoked on" in page
    assert "old feed" in admin.get("/staff/api-keys?revoked=true").text
    assert "old feed" not in admin.get("/staff/api-keys?revoked=false").text
    # Back after revoking: the question is not asked of a revoked key; the list is shown instead.
    back = admin.get(f"/staff/api-keys/{key}/revoke", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/staff/api-keys"
    assert admin.post("/staff/api-keys/999999/revoke").status_code == 404
    assert admin.get("/staff/api-keys/999999/revoke").status_code == 404


def test_an_expiry_date_not_written_as_a_date_is_refused_in_the_page_language(
    staff_login: StaffLogin, db: Connection
) -> None:
    """pydantic's "Input should be a valid datetime or date, input is too short" was shown on es pages."""
    form = {"name": "typed name", "role": "reader", "scope": "read", "expires_at": "mañana"}
    response = staff_login("admin").post("/staff/api-keys?lang=es", form)
    assert response.status_code == 422
    assert "Escriba una fecha como año-mes-día, por ejemplo 2026-03-31." in response.text
    assert "Input should" not in response.text
    assert db.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_an_empty_list_says_there_is_none_yet_rather_than_none_matching(staff_login: StaffLogin) -> None:
    """No key had been made, and none filtered: the page said "No API key matches these filters."."""
    admin = staff_login("admin")
    empty = admin.get("/staff/api-keys").text
    assert "No API key yet" in empty and "matches these filters" not in empty
    assert "No API key matches these filters." in admin.get("/staff/api-keys?revoked=true").text


def test_a_name_one_of_the_admins_keys_in_use_has_is_refused_beside_the_name(
    staff_login: StaffLogin, db: Connection
) -> None:
    admin = staff_login("admin")
    form = {"name": "dashboard", "role": "reader", "scope": "read", "expires_at": ""}
    assert admin.post("/staff/api-keys", form).status_code == 201
    again = admin.post("/staff/api-keys", {**form, "role": "coordinator"})
    assert again.status_code == 409
    assert 'href="#field-name"' in again.text and 'value="dashboard"' in again.text
    assert "already the name of another of your API keys: revoke it or choose another name" in again.text
    assert db.scalar(select(func.count()).select_from(ApiKey)) == 1
