"""The workspace's templates: every form a browser gets carries its session's CSRF token."""

from __future__ import annotations

import re

import pytest

from app.staff.pages import NOTICES, TEMPLATES, Notices
from app.web.i18n import environment
from tests.staff.conftest import StaffLogin, form_token


def test_templates_import_the_form_macros_with_their_context() -> None:
    """Jinja imports macros without the page's variables unless told: ``forms.csrf()`` would then write
    an empty token, and every form of that page would be refused."""
    imports = re.compile(r'{%\s*import\s+"_forms.html"\s+as\s+\w+(?P<context>\s+with\s+context)?\s*%}')
    without = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        for match in imports.finditer(path.read_text(encoding="utf-8"))
        if not match.group("context")
    ]
    assert without == []


def test_a_form_carries_the_sessions_token(staff_login: StaffLogin) -> None:
    staff = staff_login("reader")
    assert form_token(staff.get("/staff/password").text) == staff.csrf


def test_the_csrf_macro_writes_the_token() -> None:
    template = environment(TEMPLATES, "en").from_string(
        '{% import "_forms.html" as forms with context %}{{ forms.csrf() }}'
    )
    html = template.render(csrf_field="csrf_token", csrf_token="the-token")
    assert html == '<input type="hidden" name="csrf_token" value="the-token">'


def test_every_allowed_static_file_is_shipped(staff_login: StaffLogin) -> None:
    from app.staff.static import MEDIA_TYPES

    staff = staff_login("reader")
    for name, media_type in MEDIA_TYPES.items():
        response = staff.get(f"/staff/static/{name}")
        assert response.status_code == 200 and response.headers["content-type"] == media_type, name
    assert staff.get("/staff/static/../pages.py").status_code == 404
    assert staff.get("/staff/static/nothing.js").status_code == 404


def test_a_notice_key_keeps_its_message() -> None:
    """Two page modules giving one ``?done=`` key different messages: the second is refused at import
    (the progress queue's "Approved." once replaced the update page's "The progress update is approved.")."""
    assert isinstance(NOTICES, Notices)
    notices = Notices({"approved": "The progress update is approved."})
    notices["approved"] = "The progress update is approved."  # the same message again: fine
    with pytest.raises(ValueError, match="'approved' is already"):
        notices["approved"] = "Approved."
    assert notices["approved"] == "The progress update is approved."


@pytest.mark.parametrize(("lang", "joined"), [("en", "Education; Health"), ("fr", "Education ; Health")])
def test_a_list_of_labels_is_joined_the_page_languages_way(lang: str, joined: str) -> None:
    """The feed's labels (themes, States) are a list of clauses: French sets a space before « ; »."""
    template = environment(TEMPLATES, lang).from_string("{{ labels|source('en') }}")
    html = template.render(labels=["Education", "Health"])
    assert re.sub(r"<[^>]+>", "", html) == joined
