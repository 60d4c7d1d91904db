"""Signing in to the staff workspace: the session cookie, CSRF on every form, sign-out, deactivation,
timeouts, the login throttle, the forced password change, and the API that a cookie never opens."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from babel.messages.extract import extract_from_file
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import AuditEvent, AuthToken, User
from app.staff import session as staff_session
from app.staff.session import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from app.web.i18n import translations
from tests import accounts
from tests.apps import app_for
from tests.conftest import MakeApp
from tests.staff.conftest import StaffLogin, form_token

ROUTES = ""  # the foundation's routes are in tests/staff/test_matrix.py

NEW_PASSWORD = "violet tangerine ocean marmot"


@pytest.fixture
def browser_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client as a browser is one: cookies kept, redirects not followed (committed mode: the sign-in
    runs its own transactions)."""
    with TestClient(app_for(settings), follow_redirects=False) as client:
        yield client


def _sign_in(
    client: TestClient, email: str, password: str = accounts.PASSWORD, next_path: str = "/staff/"
) -> Response:
    form = client.get("/staff/login", params={"next": next_path})
    response: Response = client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": form_token(form.text), "next": next_path},
    )
    return response


def test_sign_in_sets_a_safe_session_cookie_and_opens_the_workspace(
    browser_client: TestClient, engine: Engine
) -> None:
    accounts.create_user(engine, "coord@example.org", "coordinator")
    response = _sign_in(browser_client, " Coord@Example.org ", next_path="/staff/password")
    assert response.status_code == 303 and response.headers["location"] == "/staff/password"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the next test
    home = browser_client.get("/staff/")
    assert home.status_code == 200 and "coord@example.org" in home.text
    with Session(engine) as session:
        token = session.scalars(select(AuthToken)).one()
        assert token.kind == "session" and token.csrf_token and token.csrf_token in home.text
        assert token.token_hash != browser_client.cookies.get(SESSION_COOKIE)  # only the hash is stored
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).one()
        assert event.after == {"via": "session"}


def test_the_cookie_is_secure_over_https_or_when_told(settings: Settings, engine: Engine) -> None:
    accounts.create_user(engine, "secure@example.org", "reader")
    app = app_for(settings.model_copy(update={"staff_cookie_secure": "auto"}))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = _sign_in(client, "secure@example.org")
        assert response.status_code == 303
        assert all("Secure" in c for c in response.headers.get_list("set-cookie"))
    # Behind a proxy that does not say it terminated HTTPS, "always" still marks the cookies Secure.
    app = app_for(settings.model_copy(update={"staff_cookie_secure": "always"}))
    with TestClient(app, follow_redirects=False) as client:
        assert "Secure" in client.get("/staff/login").headers["set-cookie"]


def test_wrong_password_keeps_the_email_and_names_the_problem(
    browser_client: TestClient, engine: Engine
) -> None:
    accounts.create_user(engine, "fp@example.org", "reader")
    response = _sign_in(browser_client, "fp@example.org", "not the password")
    assert response.status_code == 401
    assert 'value="fp@example.org"' in response.text and "Wrong email or password" in response.text
    assert SESSION_COOKIE not in browser_client.cookies
    empty = browser_client.post(
        "/staff/login",
        data={"email": "", "password": "", "csrf_token": browser_client.cookies[LOGIN_CSRF_COOKIE]},
    )
    assert empty.status_code == 422
    assert 'href="#field-email"' in empty.text and 'href="#field-password"' in empty.text


def test_a_temporary_password_signs_in_for_a_week_only(browser_client: TestClient, engine: Engine) -> None:
    """An invitation's or a reset's password stayed valid until first used, however late."""
    user_id = accounts.create_user(engine, "late@example.org", "focal_point", must_change_password=True)

    def set_days_ago(days: int) -> None:
        with engine.begin() as conn:
            set_at = datetime.now(UTC) - timedelta(days=days)
            conn.execute(update(User).where(User.id == user_id).values(password_set_at=set_at))

    set_days_ago(8)
    page = _sign_in(browser_client, "late@example.org")
    assert page.status_code == 401 and 'value="late@example.org"' in page.text
    assert "was set 7 days ago or more and no longer signs in. Ask an administrator" in page.text
    api = browser_client.post(
        "/api/v1/auth/token", data={"username": "late@example.org", "password": accounts.PASSWORD}
    )
    assert api.status_code == 401 and "ask an administrator for a new one" in api.json()["detail"]
    with Session(engine) as session:
        reasons = session.scalars(select(AuditEvent.after).where(AuditEvent.action == "auth.login_failed"))
        assert list(reasons) == [{"reason": "temporary password expired"}] * 2
        assert session.scalar(select(func.count()).select_from(AuthToken)) == 0
    set_days_ago(6)
    assert _sign_in(browser_client, "late@example.org").status_code == 303


def test_sign_in_without_its_form_token_is_refused(browser_client: TestClient, engine: Engine) -> None:
    accounts.create_user(engine, "csrf@example.org", "reader")
    browser_client.get("/staff/login")
    for token in ("", "forged"):
        response = browser_client.post(
            "/staff/login",
            data={"email": "csrf@example.org", "password": accounts.PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 403 and "text/html" in response.headers["content-type"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuthToken)) == 0


# The French of the throttle's refusal, standing in until the catalogue has it (it is filled apart
# from the code).
FRENCH_WAIT = {
    "Too many failed sign-ins. Wait %(wait)s, then try again.": (
        "Trop de connexions échouées. Attendez %(wait)s, puis réessayez."
    )
}


def test_the_login_throttle_of_the_api_applies(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.create_user(engine, "slow@example.org", "reader")
    app = app_for(settings.model_copy(update={"login_max_failures": 2}))
    with TestClient(app, follow_redirects=False) as client:
        statuses = [_sign_in(client, "slow@example.org", "wrong").status_code for _ in range(3)]
        assert statuses[:2] == [401, 401] and statuses[2] == 429
        right = _sign_in(client, "slow@example.org")
        assert right.status_code == 429 and "Retry-After" in right.headers
        # The wait the throttle asks for (2 seconds after two failures), not "a few minutes".
        wait = right.headers["Retry-After"]
        assert f"Too many failed sign-ins. Wait {wait} s, then try again." in right.text
        for message, french in FRENCH_WAIT.items():
            monkeypatch.setitem(vars(translations("fr"))["_catalog"], message, french)
        form = client.get("/staff/login", params={"lang": "fr"})
        sent = {
            "email": "slow@example.org",
            "password": accounts.PASSWORD,
            "csrf_token": form_token(form.text),
        }
        french = client.post("/staff/login?lang=fr", data=sent)
        assert french.status_code == 429
        assert re.search(r"Attendez \d s, puis réessayez", html.unescape(french.text)), french.text


@pytest.mark.parametrize(
    "next_path", ["//evil.example/", "https://evil.example/", "/api/v1/me", "/staff/\\evil"]
)
def test_after_sign_in_only_a_workspace_page_is_opened(
    browser_client: TestClient, engine: Engine, next_path: str
) -> None:
    accounts.create_user(engine, f"next{abs(hash(next_path))}@example.org", "reader")
    response = _sign_in(browser_client, f"next{abs(hash(next_path))}@example.org", next_path=next_path)
    assert response.headers["location"] == "/staff/"


def test_a_post_without_the_sessions_token_is_refused_and_changes_nothing(
    staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    other = staff_login("coordinator")
    for token in ("", "forged", other.csrf):
        response = staff.post("/staff/logout", csrf=token)
        assert response.status_code == 403 and "security token" in response.text
    assert staff.get("/staff/").status_code == 200  # still signed in
    assert staff.client.post("/staff/logout", headers={"X-CSRF-Token": staff.csrf}).status_code == 303


def test_sign_out_ends_the_session_at_once(staff_login: StaffLogin) -> None:
    staff = staff_login("reader")
    secret = staff.secret
    response = staff.post("/staff/logout")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login?done=signed-out"
    staff.client.cookies.set(SESSION_COOKIE, secret)  # the browser kept it: it no longer works
    assert staff.get("/staff/").headers["location"] == "/staff/login?next=/staff/&done=session-ended"
    assert "You are signed out." in staff.get("/staff/login?done=signed-out").text


def test_deactivation_ends_the_session_at_once(staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("focal_point", entity_id=accounts.create_entity(db, "Ministry"))
    assert staff.get("/staff/").status_code == 200
    db.execute(update(User).where(User.id == staff.user_id).values(active=False))
    assert staff.get("/staff/").status_code == 303


@pytest.mark.parametrize(
    ("ttl", "idle"),
    [(timedelta(hours=1), timedelta(minutes=31)), (timedelta(seconds=-1), timedelta(0))],
    ids=["idle", "absolute"],
)
def test_sessions_end_after_their_idle_and_absolute_timeouts(
    make_app: MakeApp, db: Connection, ttl: timedelta, idle: timedelta
) -> None:
    user_id = accounts.create_user(db, "idle@example.org", "reader")
    secret, _csrf = accounts.issue_session(db, user_id, ttl=ttl, last_used=datetime.now(UTC) - idle)
    client = TestClient(make_app(staff_session_idle_minutes=30), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, secret)
    # The sign-in form says why it is there: back from lunch, one is not just shown the form.
    led = client.get("/staff/actions")
    assert led.status_code == 303
    assert led.headers["location"] == "/staff/login?next=/staff/actions&done=session-ended"
    assert "Your session ended. Sign in again to go on." in client.get(led.headers["location"]).text
    # A form sent meanwhile (a narrative written on a phone) was lost behind the sign-in form: the
    # page says nothing was saved, shows what was typed, and signs in back to the form.
    typed = {"csrf_token": _csrf, "reported_on": "2026-06-30", "narrative": "Trained 120 officers\nin Cusco"}
    form_page = "http://testserver/staff/actions/1/progress/new"
    sent = client.post("/staff/actions/1/progress", data=typed, headers={"Referer": form_page})
    assert sent.status_code == 401 and "Your session ended" in sent.text
    assert "<p>Trained 120 officers\nin Cusco</p>" in sent.text and _csrf not in sent.text
    assert 'href="/staff/login?next=/staff/actions/1/progress/new"' in sent.text
    # A button (sign out) had nothing typed: the sign-in form, as before.
    assert client.post("/staff/logout", data={"csrf_token": _csrf}).status_code == 303
    # A button pressed on a page (approve, attach a file): the sign-in form leads back to that page,
    # not to My work, where the coordinator back from lunch had to find the update again.
    page = "http://testserver/staff/progress/7?done=progress-submitted&lang=fr"
    pressed = client.post("/staff/progress/7/approve", data={"csrf_token": _csrf}, headers={"Referer": page})
    assert pressed.headers["location"] == "/staff/login?next=/staff/progress/7%3Flang%3Dfr&done=session-ended"
    elsewhere = {"Referer": "https://elsewhere.example/staff/progress/7"}
    pressed = client.post("/staff/progress/7/approve", data={"csrf_token": _csrf}, headers=elsewhere)
    assert pressed.headers["location"] == "/staff/login?next=/staff/&done=session-ended"


def test_a_recent_session_stays_and_its_idle_clock_moves(make_app: MakeApp, db: Connection) -> None:
    user_id = accounts.create_user(db, "busy@example.org", "reader")
    secret, _csrf = accounts.issue_session(db, user_id, last_used=datetime.now(UTC) - timedelta(minutes=29))
    client = TestClient(make_app(staff_session_idle_minutes=30), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, secret)
    assert client.get("/staff/").status_code == 200
    last_used = db.scalar(select(AuthToken.last_used_at).where(AuthToken.user_id == user_id))
    assert last_used is not None and datetime.now(UTC) - last_used.replace(tzinfo=UTC) < timedelta(minutes=1)


def test_a_session_cookie_never_opens_the_api(staff_login: StaffLogin) -> None:
    staff = staff_login("admin")
    cookie = {"Cookie": f"{SESSION_COOKIE}={staff.secret}", "X-CSRF-Token": staff.csrf}
    write = staff.client.post(
        "/api/v1/entities", json={"name": "Ministry X", "kind": "ministry"}, headers=cookie
    )
    assert write.status_code == 401
    assert staff.client.get("/api/v1/me", headers=cookie).status_code == 401
    # Nor is its secret a bearer token.
    assert staff.client.get("/api/v1/me", headers=accounts.bearer(staff.secret)).status_code == 401


def test_pages_follow_the_browsers_language_and_remember_a_choice(make_app: MakeApp) -> None:
    client = TestClient(make_app(), follow_redirects=False)
    french = client.get("/staff/login", headers={"Accept-Language": "fr-CH, en;q=0.5"})
    assert '<html lang="fr">' in french.text and "Se connecter" in french.text
    spanish = client.get("/staff/login?lang=es", headers={"Accept-Language": "fr"})
    assert '<html lang="es">' in spanish.text and "Iniciar sesión" in spanish.text
    remembered = client.get("/staff/login", headers={"Accept-Language": "fr"})
    assert '<html lang="es">' in remembered.text
    assert re.search(r"no-store", remembered.headers["cache-control"])


def test_a_regional_variant_is_its_language(make_app: MakeApp) -> None:
    """?lang=es-419 gave the browser's language: a regional variant is its language, as on the portal."""
    client = TestClient(make_app(), follow_redirects=False)
    spanish = client.get("/staff/login?lang=es-419", headers={"Accept-Language": "fr"})
    assert '<html lang="es">' in spanish.text and "Iniciar sesión" in spanish.text
    # The sign-in page a page sends to keeps the language, as its code.
    led = client.get("/staff/?lang=fr-CA").headers["location"]
    assert led == "/staff/login?next=/staff/%3Flang%3Dfr-CA&lang=fr"


def test_a_session_ended_page_shows_only_what_was_typed(make_app: MakeApp, db: Connection) -> None:
    """The page listed under "What you typed" the form's one-time token (a random string) and the
    codes of the choices made ("high", "in_progress"), in English on a French page: none was typed, and
    a person copying their words back could not tell them from their own."""
    user_id = accounts.create_user(db, "ended@example.org", "coordinator")
    secret, csrf = accounts.issue_session(db, user_id, ttl=timedelta(seconds=-1))
    client = TestClient(make_app(), follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, secret)
    token = "jaBByZ1N37hqfQd7px-By7RCt_RvyhTD"
    form = {
        "csrf_token": csrf,
        "form_token": token,
        "etag": '"3"',
        "priority": "high",
        "priority_rationale": "Engagement présidentiel",
        "status": "in_progress",
        "status_note": "Programme lancé à Cusco",
        "lead_entity_id": "2",
    }
    sent = client.post("/staff/recommendations/1?lang=fr", data=form)
    assert sent.status_code == 401
    typed = re.findall(r"<p>([^<]*)</p>", sent.text.split("<h2>")[1].split("</div>")[0])
    assert typed == ["Engagement présidentiel", "Programme lancé à Cusco"]


def test_a_form_refused_for_its_security_token_shows_what_was_typed(staff_login: StaffLogin) -> None:
    """A page opened before signing in again (its session had ended; another tab signed in) sends
    the old session's token: the form is refused, and the words typed in it (a narrative written for
    half an hour) were lost with it; the refusal now shows them, to copy, as an ended session's page
    does, without the tokens, the version read or the codes of the choices made."""
    staff = staff_login("coordinator")
    other = staff_login("coordinator")
    form = {
        "etag": '"3"',
        "priority": "high",
        "priority_rationale": "Compromiso presidencial de 2026",
        "status": "in_progress",
    }
    refused = staff.post("/staff/recommendations/1", form, csrf=other.csrf)
    assert refused.status_code == 403 and "security token" in refused.text
    typed = re.findall(r"<p>([^<]*)</p>", refused.text.split("<h2>")[1].split("</div>")[0])
    assert typed == ["Compromiso presidencial de 2026"]
    # Nothing typed (a button's form): the refusal as before, with nothing to copy.
    assert "<h2>" not in staff.post("/staff/logout", csrf=other.csrf).text.split("<main")[1]


def test_a_refused_security_token_is_explained_in_the_page_s_language(
    staff_login: StaffLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A form sent with another session's token (a page opened before signing in again) was refused
    with its reason in English on a Spanish page, and so was a sign-in form whose token had expired;
    each reason is a catalogue message now (their Spanish stood in here: the catalogue is filled apart
    from the code)."""
    catalogue = vars(translations("es"))["_catalog"]
    stand_in = {
        "the form's security token is missing or does not match your session: reload the page": (
            "falta el código de seguridad del formulario o no corresponde a su sesión: recargue la página"
        ),
        "the form's security token is missing or expired: reload the sign-in page and try again": (
            "falta el código de seguridad del formulario o caducó: recargue la página de inicio de sesión"
        ),
    }
    # Marked for the catalogue: pybabel extracts them, so that the catalogue can say them in Spanish.
    extracted = {
        message for _line, message, *_rest in extract_from_file("python", str(staff_session.__file__))
    }
    assert set(stand_in) <= extracted
    for message, spanish in stand_in.items():
        monkeypatch.setitem(catalogue, message, spanish)
    spanish_page = {"Accept-Language": "es"}
    staff = staff_login("coordinator")
    refused = staff.post("/staff/logout", csrf="forged", headers=spanish_page)
    assert refused.status_code == 403
    assert "no corresponde a su sesión: recargue la página" in html.unescape(refused.text)
    expired = staff.client.post(
        "/staff/login",
        data={"email": "x@example.org", "password": "y", "csrf_token": "z"},
        headers=spanish_page,
    )
    assert expired.status_code == 403
    assert "caducó: recargue la página de inicio de sesión" in html.unescape(expired.text)


def test_a_password_typed_in_the_email_box_is_not_shown_again(
    browser_client: TestClient, engine: Engine
) -> None:
    """The failed sign-in page re-showed the email box as typed: a password typed there by mistake was
    then on the screen, in clear, for anyone behind the user. What has no "@" is not shown again; the
    page names the field and why instead. An email address is kept, as before."""
    accounts.create_user(engine, "typed@example.org", "reader")
    secret = "Purple-Walrus-Seventeen"
    refused = _sign_in(browser_client, secret, "also typed")
    assert refused.status_code == 422, refused.text
    assert secret not in refused.text
    assert 'href="#field-email">Email address: This is not an email address (it has no @)' in refused.text
    assert "in case it was a password" in refused.text
    assert re.search(r'<input[^>]*id="field-email"[^>]*aria-invalid="true"', refused.text)
    wrong = _sign_in(browser_client, "typed@example.org", "wrong")
    assert wrong.status_code == 401 and 'value="typed@example.org"' in wrong.text
