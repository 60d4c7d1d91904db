"""Interface languages of the portal: choosing one per request, and a Jinja environment for each.

One environment per language (built once) rather than installing translations per request: the
environments are shared by every request thread, so nothing in them may change after they are built.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

PORTAL_DIR = Path(__file__).resolve().parent
TRANSLATIONS_DIR = PORTAL_DIR / "translations"
TEMPLATES_DIR = PORTAL_DIR / "templates"

DEFAULT_LANGUAGE = "en"
# Interface languages shipped, each named in its own language (for the switcher).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}


def from_accept_language(header: str | None) -> str | None:
    """The shipped language the browser prefers most (RFC 9110 q-values), or None."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """(language, chosen explicitly): ``?lang=`` first, then Accept-Language, then English."""
    if query_lang and query_lang.lower() in LANGUAGES:
        return query_lang.lower(), True
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE, False


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    # fallback=False: a missing compiled catalogue is a packaging error, not English in disguise.
    return gettext.translation("messages", localedir=TRANSLATIONS_DIR, languages=[lang])


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env
