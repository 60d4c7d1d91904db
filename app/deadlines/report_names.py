"""A periodic report's name in the reader's language: the concluding observations ask, in English,
for the "combined eighth and ninth periodic reports"; the calendar's title keeps that English beside
the document's symbol (``CRC/C/PER/CO/6-7: combined eighth and ninth periodic reports``) and each
page, feed and e-mail shows it as a ``Reason`` translated where it is read. A wording not known here
stays in English, as the document has it."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.core.catalogue import Reason, translated
from app.core.catalogue import marked as _

# The ordinals a committee numbers reports with (CERD's have passed twenty); Spanish: masculine (informe).
ORDINALS = {
    "first": _("first"),
    "second": _("second"),
    "third": _("third"),
    "fourth": _("fourth"),
    "fifth": _("fifth"),
    "sixth": _("sixth"),
    "seventh": _("seventh"),
    "eighth": _("eighth"),
    "ninth": _("ninth"),
    "tenth": _("tenth"),
    "eleventh": _("eleventh"),
    "twelfth": _("twelfth"),
    "thirteenth": _("thirteenth"),
    "fourteenth": _("fourteenth"),
    "fifteenth": _("fifteenth"),
    "sixteenth": _("sixteenth"),
    "seventeenth": _("seventeenth"),
    "eighteenth": _("eighteenth"),
    "nineteenth": _("nineteenth"),
    "twentieth": _("twentieth"),
    "twenty-first": _("twenty-first"),
    "twenty-second": _("twenty-second"),
    "twenty-third": _("twenty-third"),
    "twenty-fourth": _("twenty-fourth"),
    "twenty-fifth": _("twenty-fifth"),
    "twenty-sixth": _("twenty-sixth"),
    "twenty-seventh": _("twenty-seventh"),
    "twenty-eighth": _("twenty-eighth"),
    "twenty-ninth": _("twenty-ninth"),
    "thirtieth": _("thirtieth"),
}
_ORDINAL = "|".join(sorted(map(re.escape, ORDINALS), key=len, reverse=True))
# The wordings the reader finds (app.followup.reader: lower case, single spaces), each with its message.
_WORDINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"next periodic report"), _("next periodic report")),
    (re.compile(rf"(?P<first>{_ORDINAL}) periodic report"), _("%(first)s periodic report")),
    (
        re.compile(rf"combined (?P<first>{_ORDINAL}) and (?P<second>{_ORDINAL}) periodic reports"),
        _("combined %(first)s and %(second)s periodic reports"),
    ),
    (
        re.compile(rf"(?P<first>{_ORDINAL}) and (?P<second>{_ORDINAL}) combined periodic reports"),
        _("%(first)s and %(second)s combined periodic reports"),
    ),
    (
        re.compile(rf"(?P<first>{_ORDINAL}) and (?P<second>{_ORDINAL}) periodic reports"),
        _("%(first)s and %(second)s periodic reports"),
    ),
    (
        re.compile(rf"combined (?P<first>{_ORDINAL}) to (?P<second>{_ORDINAL}) periodic reports"),
        _("combined %(first)s to %(second)s periodic reports"),
    ),
]


def report_name(what: str) -> str:
    """``what`` as a ``Reason`` when its wording is known, else as it is (English)."""
    for pattern, message in _WORDINGS:
        found = pattern.fullmatch(what)
        if found is None:
            continue
        return Reason(message, **{name: Reason(ORDINALS[word]) for name, word in found.groupdict().items()})
    return what


def report_title(symbol: str, what: str | None) -> str:
    """The calendar's title of a periodic report due: its symbol, and what is due after it."""
    if not what:
        return symbol
    return Reason(_("%(name)s: %(value)s"), name=symbol, value=report_name(what))


def shown_title(kind: str, title: str) -> Reason:
    """A deadline's title for a reader, as a ``Reason`` a page translates: a periodic report's read
    back into its parts (the symbol before the first ": ", which no UN symbol holds) so that its
    wording is translated; any other title (what someone typed) as it is, never looked up."""
    if kind == "periodic_report":
        symbol, separator, what = title.partition(": ")
        shown = report_title(symbol, what) if separator else title
        if isinstance(shown, Reason):
            return shown
    return Reason("%(title)s", title=title)


def shown_in(kind: str, title: str, gettext: Callable[[str], str]) -> str:
    """A deadline's title in the language of ``gettext`` (a feed's, an e-mail's)."""
    return translated(shown_title(kind, title), gettext)
