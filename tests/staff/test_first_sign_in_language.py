"""The reminder digests of a person an admin invited come in the language they chose their first
password in, not in English, unless they chose a language for them."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, select, update

from app.models import User
from tests import accounts
from tests.staff.conftest import StaffLogin

NEW_PASSWORD = "violet tangerine ocean marmot"
CHOOSE = {
    "current_password": accounts.PASSWORD,
    "new_password": NEW_PASSWORD,
    "confirm_password": NEW_PASSWORD,
}


def _language(db: Connection, user_id: int) -> str | None:
    return db.scalar(select(User.language).where(User.id == user_id))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_first_password_chosen_in_french_or_spanish_sets_the_digests_language(
    lang: str, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("focal_point", must_change_password=True)
    assert _language(db, staff.user_id) == "en"  # the default an invitation gives
    assert staff.post(f"/staff/password?lang={lang}", CHOOSE).status_code == 303
    assert _language(db, staff.user_id) == lang
    assert f'<option value="{lang}" selected>' in staff.get(f"/staff/account?lang={lang}").text


def test_a_language_chosen_before_is_kept(staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    chosen = staff.post("/staff/account?lang=fr", {"digest": "daily", "language": "es"})
    assert chosen.status_code == 303, chosen.text
    # An admin resets the password: the next one is chosen on a French page.
    db.execute(update(User).where(User.id == staff.user_id).values(must_change_password=True))
    assert staff.post("/staff/password?lang=fr", CHOOSE).status_code == 303
    assert _language(db, staff.user_id) == "es"


def test_a_password_changed_later_changes_no_language(staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("reader")
    assert staff.post("/staff/password?lang=es", CHOOSE).status_code == 303
    assert _language(db, staff.user_id) == "en"
