"""The report as one printable, self-contained HTML page (no external resources), in its language."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from app.reports.addresses import web_addresses
from app.reports.labels import RTL_LANGUAGES, Words
from app.reports.schemas import Report
from app.web.i18n import translations

TEMPLATES = Path(__file__).resolve().parent / "templates"
_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


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
    env.filters["linked"] = linked
    return env


def linked(text: str) -> Markup:
    """``text`` escaped, its web addresses (an evidence link, an evidence file's) made links to follow."""
    parts: list[str] = []
    done = 0
    for start, end in web_addresses(text):
        parts += [escape(text[done:start]), Markup('<a href="{0}">{0}</a>').format(text[start:end])]
        done = end
    parts.append(escape(text[done:]))
    return Markup("").join(parts)


@cache
def page_policy() -> str:
    """``content_security_policy`` of every report page, known without building one (a HEAD's): the
    style sheet is the template's own text, the same on each page."""
    return content_security_policy((TEMPLATES / "implementation.html").read_bytes())


def render_html(report: Report) -> bytes:
    words = Words.of(report)
    template = _environment(words.lang).get_template("implementation.html")
    return template.render(report=report, words=words, rtl=RTL_LANGUAGES).encode("utf-8")


def content_security_policy(body: bytes) -> str:
    """The policy the page is served with: its own style sheet (inline, so the saved file stays one
    self-contained page), allowed by its hash, and nothing else. The site's policy, which forbids
    inline style, would leave the page unstyled in the browser: on a phone its tables as wide as their
    text, the whole page scrolling sideways."""
    sources = [
        "'sha256-{}'".format(base64.b64encode(hashlib.sha256(style).digest()).decode("ascii"))
        for style in _STYLE.findall(body)
    ]
    styles = " ".join(sources) or "'none'"
    directives = ["default-src 'none'", f"style-src {styles}", "base-uri 'none'", "form-action 'none'"]
    return "; ".join([*directives, "frame-ancestors 'none'"])
