"""A digest as e-mail text, in its reader's language: the subject and a plain-text body whose links
open the staff workspace (NRTD_BASE_URL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from app.deadlines.labels import titled
from app.models import User
from app.notify.items import Section
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, environment, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str
    items: int


def language_of(user: User) -> str:
    return user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE


def staff_link(base_url: str, lang: str, path: str) -> str:
    """A staff page's address in the digest's language (the page is then in it, and remembers it):
    ``lang`` joins the query, before the part of the page a ``#`` names."""
    page, mark, part = path.partition("#")
    return f"{base_url}{page}{'&' if '?' in page else '?'}lang={lang}{mark}{part}"


def render_digest(user: User, sections: list[Section], base_url: str, today: date) -> Digest:
    lang = language_of(user)
    gettext = translations(lang).gettext
    body = (
        environment(TEMPLATES, lang)
        .get_template("digest.txt")
        .render(
            user=user,
            sections=sections,
            link=partial(staff_link, base_url, lang),
            today=today,
            heading=gettext,
            titled=partial(titled, gettext=gettext),
            lang=lang,
        )
    )
    subject = gettext("Your work in NRTD, %(date)s") % {
        "date": environment(TEMPLATES, lang).filters["date"](today)
    }
    return Digest(subject=subject, body=body, items=sum(section.total for section in sections))
