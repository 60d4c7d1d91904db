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


def test_an_address_that_names_no_page_is_the_workspaces_404_page(staff_login: StaffLogin) -> None:
    """Never JSON in a browser: an unknown address, or one whose id is not a number, is the
    workspace's own 404 page (a JSON client still gets problem+json)."""
    staff = staff_login("coordinator")
    for path in (
        "/staff/no-such-page",
        "/staff/recommendations/abc",
        "/staff/clusters/1.5",
        "/staff/actions/x",
    ):
        page = staff.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "<title>Page not found · Staff workspace" in page.text, path
    refused = staff.client.post("/staff/no-such-page")
    assert refused.status_code in (404, 405) and refused.headers["content-type"].startswith("text/html")
    wanted = staff.client.get("/staff/no-such-page", headers={"Accept": "application/json"})
    assert wanted.status_code == 404 and wanted.headers["content-type"] == "application/problem+json"


def test_an_error_page_keeps_the_workspace_s_navigation_and_the_sign_out(staff_login: StaffLogin) -> None:
    """A page refused or not found inside the workspace showed its heading and "Back to my work" alone:
    no menu, no sign-out, as though the user had left the workspace."""
    focal = staff_login("focal_point", email="focal@example.org")
    for path, status in (("/staff/actions/2147483647", 404), ("/staff/users", 403)):
        page = focal.get(path)
        assert page.status_code == status, path
        assert 'aria-label="Workspace"' in page.text and "/staff/logout" in page.text, path
        assert "focal@example.org" in page.text, path
