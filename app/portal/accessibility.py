"""The accessibility statement (/accessibility): the shipped one in the reader's language, or the
publisher's own from ``NRTD_ACCESSIBILITY_STATEMENT`` (a plain-text file; ``{lang}`` in its path picks
the language's file, the English one serving a language that has none).

A file of the publisher's own is plain text, never HTML: its paragraphs (separated by blank lines)
become paragraphs of the page, escaped like every other value. It is read on each request, so a
publisher may edit it without restarting the server. The settings refuse a file that cannot be read at
start (app.core.setting_checks.text_file); one that cannot be read later (removed since) is an error
of the installation (a 500 page and the reason in the log), not a silent fall back to the default text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.config import Settings
from app.portal.pages import PageContext
from app.web.i18n import DEFAULT_LANGUAGE


def _statement_file(setting: str, lang: str) -> tuple[Path, str | None]:
    """The file to read and the language it is in (None: one file for every language, as written)."""
    if "{lang}" not in setting:
        return Path(setting), None
    own = Path(setting.replace("{lang}", lang))
    if own.is_file():
        return own, lang
    return Path(setting.replace("{lang}", DEFAULT_LANGUAGE)), DEFAULT_LANGUAGE


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each on one line."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def accessibility(page: PageContext, settings: Settings | None) -> dict[str, Any]:
    """The page's context: ``custom`` (the publisher's paragraphs and their language) or None."""
    setting = settings.accessibility_statement if settings else ""
    if not setting:
        return {"custom": None, "custom_lang": None}
    path, lang = _statement_file(setting, page.lang)
    return {"custom": paragraphs(path.read_text(encoding="utf-8")), "custom_lang": lang}
