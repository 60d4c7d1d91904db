"""/staff/account: one's reminder settings, through the API's service (app.notify.preferences)."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.models import User
from tests.conftest import MakeApp
from tests.staff.conftest import StaffLogin, _signer

ROUTES = """
GET    /staff/account     200 200 200 200 303
POST   /staff/account     422 422 422 422 303
"""


def test_the_page_saves_the_choice_and_keeps_a_bad_one_with_its_field(
    staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("focal_point")
    page = staff.get("/staff/account")
    assert page.status_code == 200
    assert '<option value="weekly" selected>' in page.text
    # The language chosen is also the calendar feed's (app/deadlines/feed.py), not the e-mail's alone.
    assert "Your calendar feed is in this language too." in page.text
    bad = staff.post("/staff/account", {"digest": "hourly", "language": "fr"})
    assert bad.status_code == 422
    assert 'href="#field-digest"' in bad.text and '<option value="fr" selected>' in bad.text
    saved = staff.post("/staff/account", {"digest": "never", "language": "fr"})
    assert saved.status_code == 303 and saved.headers["location"].startswith(
        "/staff/account?done=reminders-saved"
    )
    user = Session(db).get_one(User, staff.user_id)
    assert (user.digest, user.language) == ("never", "fr")
    assert (
        staff.post("/staff/account", {"digest": "daily", "language": "en"}, csrf="forged").status_code == 403
    )
    assert Session(db).get_one(User, staff.user_id).digest == "never"


def test_the_page_says_what_each_role_s_digest_holds(staff_login: StaffLogin) -> None:
    """It told everyone of approvals and imports (a coordinator's items) and nothing of deadlines or
    indicator values, and told a reader a digest comes, which none does (app/notify/items.py)."""
    focal = staff_login("focal_point", entity_id=None).get("/staff/account").text
    assert "indicator values returned to your entity" in focal and "deadlines" in focal
    assert "waiting for your approval" not in focal and "an import changed" not in focal
    coordinator = staff_login("coordinator").get("/staff/account").text
    assert "waiting for your approval" in coordinator and "an import changed" in coordinator
    reader = staff_login("reader").get("/staff/account").text
    assert "A reader receives no digest" in reader and "comes by e-mail" not in reader


def test_a_server_that_sends_no_e_mail_says_so(make_app: MakeApp, db: Connection) -> None:
    """With no mail server set (NRTD_SMTP_HOST empty: digests are built, never sent) the page said a
    digest "comes by e-mail" and offered "Every day": a coordinator chose it and waited for mail that
    could not come. The page now says this server sends none yet; the choices are kept for when it does."""
    without = _signer(make_app, db)("coordinator").get("/staff/account").text
    assert "This server sends no e-mail yet" in without
    assert '<select id="field-digest"' in without  # still chosen, for when it sends
    with_mail = _signer(lambda: make_app(smtp_host="mail.example.org"), db)("coordinator")
    assert "This server sends no e-mail yet" not in with_mail.get("/staff/account").text
