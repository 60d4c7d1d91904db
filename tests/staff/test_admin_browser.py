"""The administration pages in a real browser (Debian's chromium, a real uvicorn): the issue's journey,
where an admin invites a focal point who signs in through the sign-in form, must choose a new
password, and cannot open pages outside their role; axe-core finds nothing on any of these pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import User
from tests import accounts
from tests.live_server import live_server
from tests.staff.browser_support import assert_accessible, screenshot, signed_in

# A page flow in the browser runs in one of the two runs (database_run, tests/conftest.py): the
# handlers and services it drives are tested on both databases without a browser.
pytestmark = [pytest.mark.slow, pytest.mark.database_run("postgresql")]

TEMPORARY = "amber kettle window sixty"  # what the admin gives the new focal point
CHOSEN = "lantern river cobalt meadow"  # what the focal point chooses


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as base_url:
        yield base_url


def _checked(page: Page, path: str, heading: str, shot: str | None = None) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    if shot:
        screenshot(page, shot)


def test_an_admin_invites_a_focal_point_who_must_change_the_password(
    browser: Browser, site: str, engine: Engine
) -> None:
    health = accounts.create_entity(engine, "Ministry of Health", acronym="MOH")
    justice = accounts.create_entity(engine, "Ministry of Justice", acronym="MOJ")
    admin_id = accounts.create_user(engine, "admin@example.org", "admin")
    secret, _csrf = accounts.issue_session(engine, admin_id)
    context = signed_in(browser, site, secret)
    page = context.new_page()

    # The admin invites the focal point; the first try forgets the entity and the page says so.
    _checked(page, "/staff/users", "Users", "admin-users")
    page.get_by_role("link", name="Invite a user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a user")
    assert_accessible(page)
    page.get_by_label("Email").fill("nadia@example.org")
    page.get_by_label("Full name").fill("Nadia Health")
    page.get_by_label("Role").select_option("focal_point")
    page.get_by_label("Temporary password").fill(TEMPORARY)
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".error-summary")).to_contain_text("Entity")
    expect(page.get_by_label("Email")).to_have_value("nadia@example.org")
    assert_accessible(page)
    screenshot(page, "admin-invite-error")
    page.get_by_label("Entity").select_option(label="Ministry of Health (MOH)")
    page.get_by_label("Temporary password").fill(TEMPORARY)
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("nadia@example.org")
    expect(page.locator(".notice")).to_contain_text("The user is invited")
    assert_accessible(page)
    screenshot(page, "admin-user")
    with Session(engine) as session:
        nadia = session.scalars(select(User).where(User.email == "nadia@example.org")).one()
        assert (nadia.entity_id, nadia.must_change_password) == (health, True)

    # The other administration pages, each checked by axe-core.
    _checked(page, "/staff/entities", "Entities", "admin-entities")
    _checked(page, "/staff/entities/new", "Add an entity")
    _checked(page, f"/staff/entities/{justice}", "Ministry of Justice", "admin-entity")
    _checked(page, "/staff/api-keys/new", "Create an API key")
    page.get_by_label("What it is for").fill("Statistics office dashboard")
    page.get_by_label("Role").select_option("reader")
    page.get_by_role("button", name="Create the key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API key created")
    key = page.get_by_label("The key").input_value()
    assert key.startswith("nrtd_")
    assert_accessible(page)
    screenshot(page, "admin-api-key-created")
    _checked(page, "/staff/api-keys", "API keys", "admin-api-keys")
    expect(page.locator("main")).not_to_contain_text(key)
    _checked(page, "/staff/audit", "Audit log", "admin-audit")
    expect(page.locator("table.audit")).to_contain_text("user.create")
    context.close()

    # The focal point signs in through the form, and must choose a password first.
    context = browser.new_context(base_url=site, locale="en-GB")
    page = context.new_page()
    page.goto("/staff/actions")  # a link to their actions
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Email").fill("nadia@example.org")
    page.get_by_label("Password").fill(TEMPORARY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/password?next=/staff/actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)
    screenshot(page, "first-sign-in-password")
    page.goto("/staff/calendar")  # nothing else opens before the new password
    page.wait_for_url("**/staff/password?next=/staff/calendar")
    page.get_by_label("Current password").fill(TEMPORARY)
    page.get_by_label("New password", exact=True).fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/staff/calendar?done=password-changed")  # on to the page last asked for
    expect(page.locator(".notice")).to_contain_text("Your password is changed")
    expect(page.get_by_role("navigation", name="Workspace")).not_to_contain_text("Users")

    # Another entity's page, and the administration: refused with a page that says so.
    for path in (f"/staff/entities/{justice}", "/staff/users", f"/staff/users/{admin_id}", "/staff/audit"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this")
    assert_accessible(page)
    context.close()


def test_a_refused_form_puts_the_keyboard_at_the_error_summary(
    browser: Browser, site: str, engine: Engine
) -> None:
    """Sent with the keyboard, a refused invitation opened with the focus at the top of the page (the
    summary was one of many stops away); the focus is now on the summary, whose links lead to the fields."""
    admin_id = accounts.create_user(engine, "admin@example.org", "admin")
    secret, _csrf = accounts.issue_session(engine, admin_id)
    page = signed_in(browser, site, secret, locale="fr-FR").new_page()
    page.goto("/staff/users/new")
    page.get_by_label("Courriel").fill("nadia.example.org")
    page.get_by_label("Nom complet").fill("N" * 256)
    page.get_by_label("Mot de passe temporaire").press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("pas une adresse électronique.")
    expect(summary).to_contain_text("Nom complet : Écrivez au plus 255 caractères")  # French typography
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Courriel")).to_be_focused()
    expect(page.get_by_label("Courriel")).to_have_value("nadia.example.org")
    assert_accessible(page)
