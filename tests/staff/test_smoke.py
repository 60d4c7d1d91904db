"""The workspace's first pages answer a signed-in user and send anyone else to sign in."""

from __future__ import annotations

from tests.staff.conftest import StaffLogin


def test_home_needs_a_session_and_shows_the_user(staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator", email="coord@example.org")
    page = staff.get("/staff/")
    assert page.status_code == 200
    assert "coord@example.org" in page.text
    staff.client.cookies.clear()
    assert staff.get("/staff/").headers["location"] == "/staff/login?next=/staff/"
