"""Choosing one's own password in the staff workspace: the forced change of an account an admin set
up (and the API that asks the same), a change that ends the other sessions, and refusals that say why
in the page's language."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select

from app.models import AuthToken, User
from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.conftest import MakeApp
from tests.staff.conftest import StaffLogin

NEW_PASSWORD = "violet tangerine ocean marmot"


def test_an_account_an_admin_set_up_must_choose_its_password_first(
    staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator", must_change_password=True)
    assert staff.get("/staff/").headers["location"] == "/staff/password"
    form = staff.get("/staff/password")
    assert form.status_code == 200 and "An administrator set your password" in form.text
    cases = [
        (
            {"current_password": "wrong", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            "current_password",
        ),
        (
            {
                "current_password": accounts.PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": "other",
            },
            "confirm_password",
        ),
        (
            {
                "current_password": accounts.PASSWORD,
                "new_password": "password1234",
                "confirm_password": "password1234",
            },
            "new_password",
        ),
        (
            {
                "current_password": accounts.PASSWORD,
                "new_password": accounts.PASSWORD,
                "confirm_password": accounts.PASSWORD,
            },
            "new_password",
        ),
    ]
    for data, field in cases:
        refused = staff.post("/staff/password", data)
        assert refused.status_code == 422, field
        assert f'href="#field-{field}"' in refused.text and 'aria-invalid="true"' in refused.text
        assert NEW_PASSWORD not in refused.text and accounts.PASSWORD not in refused.text
    assert staff.get("/staff/").status_code == 303  # still must change it
    done = staff.post(
        "/staff/password",
        {
            "current_password": accounts.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/staff/?done=password-changed"
    assert "Your password is changed" in staff.get(done.headers["location"]).text
    assert db.scalar(select(User.must_change_password).where(User.id == staff.user_id)) is False


def test_the_forced_change_leads_on_to_the_page_that_was_asked_for(
    staff_login: StaffLogin, db: Connection
) -> None:
    """A new focal point following a link (a reminder's, a colleague's) to a page signed in, changed
    their password, and landed on My work instead of the page the link named."""
    staff = staff_login("coordinator", must_change_password=True)
    asked = staff.get("/staff/recommendations?q=torture&lang=fr")
    assert asked.status_code == 303
    form_path = asked.headers["location"]
    assert form_path == "/staff/password?next=/staff/recommendations%3Fq%3Dtorture%26lang%3Dfr"
    assert 'name="next" value="/staff/recommendations?q=torture&amp;lang=fr"' in staff.get(form_path).text
    body = {"current_password": accounts.PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "other"}
    refused = staff.post("/staff/password", {**body, "next": "/staff/recommendations?q=torture&lang=fr"})
    assert refused.status_code == 422
    assert 'name="next" value="/staff/recommendations?q=torture&amp;lang=fr"' in refused.text  # kept
    done = staff.post(
        "/staff/password",
        {**body, "confirm_password": NEW_PASSWORD, "next": "/staff/recommendations?q=torture&lang=fr"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/staff/recommendations?q=torture&lang=fr&done=password-changed"
    assert "Votre mot de passe est changé" in staff.get(done.headers["location"]).text  # in its language
    # Never another site, whatever the form says.
    again = staff_login("reader", must_change_password=True)
    elsewhere = again.post(
        "/staff/password",
        {**body, "confirm_password": NEW_PASSWORD, "next": "https://evil.example/staff/"},
    )
    assert elsewhere.headers["location"] == "/staff/?done=password-changed"


def test_changing_the_password_ends_the_other_sessions_only(staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("reader")
    other_secret, _ = accounts.issue_session(db, staff.user_id)
    bearer = accounts.issue_token(db, staff.user_id)
    staff.post(
        "/staff/password",
        {
            "current_password": accounts.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert staff.get("/staff/").status_code == 200
    revoked = db.scalars(select(AuthToken.token_hash).where(AuthToken.revoked_at.is_not(None))).all()
    assert len(revoked) == 2
    assert staff.client.get("/api/v1/me", headers=accounts.bearer(bearer)).status_code == 401
    staff.client.cookies.set(SESSION_COOKIE, other_secret)
    assert staff.get("/staff/").status_code == 303


@pytest.mark.parametrize(
    ("lang", "wrong", "short", "same"),
    [
        (
            "fr",
            "ne correspond pas à votre mot de passe actuel",
            "doit compter au moins 12 caractères",
            "doit être différent du mot de passe actuel",
        ),
        (
            "es",
            "no coincide con su contraseña actual",
            "debe tener al menos 12 caracteres",
            "debe ser distinta de la contraseña actual",
        ),
    ],
)
def test_a_refused_password_change_says_why_in_the_pages_language(
    staff_login: StaffLogin, lang: str, wrong: str, short: str, same: str
) -> None:
    staff = staff_login("reader")
    for form, reason in (
        ({"current_password": "not it at all, no", "new_password": NEW_PASSWORD}, wrong),
        ({"current_password": accounts.PASSWORD, "new_password": "too short"}, short),
        ({"current_password": accounts.PASSWORD, "new_password": accounts.PASSWORD}, same),
    ):
        page = staff.post(f"/staff/password?lang={lang}", {**form, "confirm_password": form["new_password"]})
        assert page.status_code == 422 and reason in page.text


def test_the_api_asks_the_same_accounts_for_a_new_password(make_app: MakeApp, db: Connection) -> None:
    admin = accounts.headers_for(db, "admin")
    client = TestClient(make_app())
    created = client.post(
        "/api/v1/users",
        json={"email": "new@example.org", "role": "reader", "password": "temporary walrus pancake 7"},
        headers=admin,
    )
    assert created.status_code == 201
    user_id = created.json()["id"]
    token = accounts.bearer(accounts.issue_token(db, user_id))
    refused = client.get("/api/v1/recommendations", headers=token)
    assert refused.status_code == 403 and "POST /api/v1/me/password" in refused.json()["detail"]
    assert client.get("/api/v1/me", headers=token).status_code == 200
    wrong = client.post(
        "/api/v1/me/password", json={"current_password": "nope", "new_password": NEW_PASSWORD}, headers=token
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": "temporary walrus pancake 7", "new_password": NEW_PASSWORD},
        headers=token,
    )
    assert changed.status_code == 204
    assert client.get("/api/v1/recommendations", headers=token).status_code == 200
    # An admin's reset of someone else's password is a temporary one again; the CLI's own users are not.
    etag = client.get(f"/api/v1/users/{user_id}", headers=admin).headers["ETag"]
    client.patch(
        f"/api/v1/users/{user_id}",
        json={"password": "another temporary walrus 8"},
        headers={**admin, "If-Match": etag},
    )
    assert db.scalar(select(User.must_change_password).where(User.id == user_id)) is True


@pytest.mark.parametrize(
    ("lang", "new_password", "reason"),
    [
        # zxcvbn's warning, in the page's language (it was English inside a French sentence).
        (
            "fr",
            "password1234",
            "est trop facile à deviner (c’est un mot de passe très courant) : utilisez",  # noqa: RUF001
        ),
        ("es", "qwertyuiop[]", "es demasiado fácil de adivinar (las filas de teclas seguidas son fáciles"),
        # Far over the limit: the password rule's own reason (not pydantic's "at most 1025 characters").
        ("fr", "Long passphrase " * 320, "doit compter au plus 1024 caractères"),
        ("es", "x" * 5000, "debe tener como máximo 1024 caracteres"),
    ],
)
def test_a_refused_new_password_gives_its_reason_in_the_page_s_language(
    staff_login: StaffLogin, lang: str, new_password: str, reason: str
) -> None:
    staff = staff_login("coordinator")
    data = {
        "current_password": accounts.PASSWORD,
        "new_password": new_password,
        "confirm_password": new_password,
    }
    refused = staff.post(f"/staff/password?lang={lang}", data)
    assert refused.status_code == 422 and 'href="#field-new_password"' in refused.text
    assert reason in refused.text
    assert "1025" not in refused.text and "easy to guess" not in refused.text
