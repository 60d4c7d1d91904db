"""The report as one printable, self-contained HTML page (no external resources), in its language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.reports.labels import RTL_LANGUAGES, Words
from app.reports.schemas import Report
from app.web.i18n import translations

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment(lang: str) -> Environment:
    # Every value is escaped: recommendation texts and narratives come from outside (UHRI, staff).
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render_html(report: Report) -> bytes:
    words = Words.of(report)
    template = _environment(words.lang).get_template("implementation.html")
    return template.render(report=report, words=words, rtl=RTL_LANGUAGES).encode("utf-8")
