"""The staff templates' shared form macros see the page: csrf() writes the session's token."""

from __future__ import annotations

import re

from app.staff.pages import TEMPLATES
from app.web.i18n import environment


def test_every_template_imports_the_form_macros_with_context() -> None:
    # Without context a Jinja import sees no page variable: csrf() would write an empty token and
    # every form of the page would be refused (403) in a browser.
    lacking = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        for line in re.findall(r"{%-?\s*import\s+\"_forms.html\"[^%]*%}", path.read_text())
        if "with context" not in line
    ]
    assert lacking == []


def test_the_csrf_macro_writes_the_token() -> None:
    template = environment(TEMPLATES, "en").from_string(
        '{% import "_forms.html" as forms with context %}{{ forms.csrf() }}'
    )
    html = template.render(csrf_field="csrf_token", csrf_token="the-token")
    assert html == '<input type="hidden" name="csrf_token" value="the-token">'
