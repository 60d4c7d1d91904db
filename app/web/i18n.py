"""Interface languages of the portal and the staff workspace: choosing one per request, the one
message catalogue both use, and a Jinja environment per site and language.

One environment per (site, language), built once, rather than installing translations per request:
the environments are shared by every request thread, so nothing in them may change after they are built.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from app.core.catalogue import InContext, Reason, marked, translated
from app.core.languages import known_language, preferred_tags
from app.core.time_zone import instance_zone, local_day, local_time
from app.evidence.content import format_name
from app.feed.countries import iso2_for, state_name_in
from app.feed.excerpts import excerpt
from app.feed.mechanisms import localised_name
from app.feed.refusals import ANOTHER_STATE, position_of, reason_of
from app.feed.workspace_refusals import in_workspace
from app.web.number_locale import box_number
from app.web.paragraphs import paragraphs
from app.web.record_names import record_name
from app.web.scripts import UNKNOWN_LANGUAGE, claimed_language

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

DEFAULT_LANGUAGE = "en"
# Interface languages shipped, each named in its own language (for the switcher).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
# Languages of texts written right to left (of the UN languages a source may publish in: Arabic).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
# A currency code's letter touching a digit ("PEN1,500.00"): CLDR's currency spacing puts a
# no-break space between them; Babel does not.
_CODE_AGAINST_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def from_accept_language(header: str | None) -> str | None:
    """The shipped language the browser prefers most (RFC 9110 q-values), or None."""
    return next(filter(None, (known_language(tag, LANGUAGES) for tag in preferred_tags(header))), None)


def asked_language(query_lang: str | None) -> str | None:
    """The shipped language ``?lang=`` names, a regional variant ("fr-CA") as its language, or None."""
    return known_language(query_lang, LANGUAGES) if query_lang else None


def choose_language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """(language, chosen explicitly): ``?lang=`` first, then Accept-Language, then English; a regional
    or script variant (``fr-CA``, ``es-419``) in either is its language (``app.core.languages``)."""
    asked = asked_language(query_lang)
    if asked:
        return asked, True
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE, False


class _Catalogue(gettext.GNUTranslations):
    """A shipped catalogue whose ``gettext`` translates a message marked with its context
    (``app.core.catalogue.pgettext``) in that context: the labels marked in Python reach the pages
    through ``gettext`` (``_`` in a template, ``page.gettext``, the ``reason`` filter)."""

    def gettext(self, message: str) -> str:
        if isinstance(message, InContext):
            return self.pgettext(message.context, message)
        return super().gettext(message)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    # fallback=False: a missing compiled catalogue is a packaging error, not English in disguise.
    return gettext.translation("messages", localedir=TRANSLATIONS_DIR, languages=[lang], class_=_Catalogue)


def format_file_size(size: int, lang: str) -> str:
    """A file's size as people of ``lang`` read it, the same on every page: "2.38 MB", "2 KB";
    "2,38 Mo", "2 Ko" (three significant digits from a megabyte up, whole kilobytes below)."""
    gettext_ = translations(lang).gettext
    if size >= 1024 * 1024:
        amount = format_decimal(float(f"{size / (1024 * 1024):.3g}"), locale=lang)
        return gettext_(marked("%(size)s MB")) % {"size": amount}
    amount = format_decimal(max(1, round(size / 1024)), locale=lang)
    return gettext_(marked("%(size)s KB")) % {"size": amount}


# What a page shows for a value that is missing (no unit, no priority, no lead entity...): one dash,
# written by the ``or_dash`` filter, never the word "None" Jinja writes for a missing value.
MISSING = "\u2014"


def or_dash(value: Any) -> Any:
    """``value``, or the dash of a missing value when it is None, empty text or an empty list."""
    if value is None or (isinstance(value, (str, list, tuple, dict, set)) and not value):
        return MISSING
    return value


def format_number(value: int | float | Decimal, lang: str) -> str:
    """A number the reader's way: "1 234,5" in French, "1,234.5" in English (Babel's CLDR data).
    The pages' ``number`` filter and the reports write their numbers with it. Every decimal it holds
    is written: an indicator's value has up to 4, and CLDR's patterns stop at 3 ("1.234,5678" was
    shown "1.234,568")."""
    return format_decimal(value, locale=lang, decimal_quantization=False)


def _localised(lang: str, numbers: str) -> dict[str, object]:
    """Jinja filters that write dates, times and numbers the reader's way (Babel's CLDR data); numbers
    and amounts in ``numbers``, the reader's region's locale (app.web.number_locale)."""

    def date_filter(value: date | datetime | None, style: str = "medium") -> str:
        if value is None:
            return ""
        # A moment's day where the instance is (NRTD_TIME_ZONE), not in UTC.
        day = local_day(value) if isinstance(value, datetime) else value
        return format_date(day, format=style, locale=lang)

    def month_filter(value: date) -> str:
        """A month and its year as the language writes them alone, a calendar's heading: "December
        2026", "diciembre de 2026" (CLDR's yMMMM; a fixed "MMMM y" wrote "diciembre 2026")."""
        return format_skeleton("yMMMM", value, locale=lang)

    def month_heading_filter(value: date) -> str:
        """A month as a calendar's heading starts, with a capital ("Décembre 2026"): the staff and the
        portal calendars' rule; a sentence naming the month keeps ``month`` ("décembre 2026")."""
        name = month_filter(value)
        return name[:1].upper() + name[1:]

    # Between the labels of a list (themes, States): "; " in English and Spanish, " ; " in French.
    between = escape(semicolon(lang))

    def claimed(text: str, source_lang: str) -> str | None:
        """The language to mark ``text`` with, given as the feed's (``source_lang``): none on a page of
        that language, ``UNKNOWN_LANGUAGE`` when its letters say otherwise (``app.web.scripts``)."""
        return claimed_language(text, None if source_lang == lang else source_lang, lang)

    def datetime_filter(value: datetime | None, style: str = "medium") -> str:
        # Stored in UTC (naive from SQLite), shown in the instance's time zone.
        return "" if value is None else format_datetime(local_time(value), format=style, locale=lang)

    def file_size_filter(size: int) -> str:
        return format_file_size(size, lang)

    def number_filter(value: int | float | None) -> str:
        return "" if value is None else format_number(value, numbers)

    def box_number_filter(value: Decimal | str) -> str:
        return box_number(value, numbers)

    def money_filter(amount: Decimal, currency: str | None) -> str:
        """An amount of money the reader's way, with its cents: "150 000,50 PEN" in French, and
        "PEN 150,000.50" in English, a code spaced from its digits as CLDR's currency spacing has it
        (Babel writes "PEN150,000.50")."""
        if currency:
            return _CODE_AGAINST_DIGIT.sub("\u00a0", format_currency(amount, currency, locale=numbers))
        return format_decimal(amount, format="#,##0.00", locale=numbers)

    def mechanism_label(ref: Any, source_lang: str = DEFAULT_LANGUAGE) -> tuple[str, str | None]:
        """(name, its language when not the page's): the official name in the reader's language
        where the mechanism table has one (app/feed/data/mechanisms.csv), else the stored name.
        ``ref``: a mechanism with ``code`` and ``name`` (an object, or a mapping such as the search
        form's choices), or a name alone."""
        if isinstance(ref, str):
            code, name = "", ref
        elif isinstance(ref, Mapping):
            code, name = ref["code"], ref["name"]
        else:
            code, name = ref.code, ref.name
        own = localised_name(code, lang)
        if own:
            return own, None
        return name, claimed(name, source_lang)

    def mechanism_filter(ref: Any, source_lang: str = DEFAULT_LANGUAGE) -> Markup:
        return _in_language(*mechanism_label(ref, source_lang))

    def source_filter(value: str | Sequence[str], source_lang: str = DEFAULT_LANGUAGE) -> Markup:
        """Labels as the feed gives them (themes, affected persons, States: UHRI publishes them in the
        language of the export imported first), marked with that language on another language's page."""
        labels = [value] if isinstance(value, str) else list(value)
        return between.join(_in_language(label, claimed(label, source_lang)) for label in labels)

    def term_label(
        label: str, names: Mapping[str, str], source_lang: str = DEFAULT_LANGUAGE
    ) -> tuple[str, str | None]:
        """(label, its language when not the page's): the term's label in the reader's language where
        a secondary language's export gave one (``names``: stored label -> label), else the stored one."""
        own = names.get(label)
        if own:
            return own, None
        return label, claimed(label, source_lang)

    def terms_filter(
        value: str | Sequence[str], names: Mapping[str, str], source_lang: str = DEFAULT_LANGUAGE
    ) -> Markup:
        """Terms (themes, affected persons) in the reader's language where known, each marked with
        the source's language otherwise; several separated the page language's way (``semicolon``)."""
        labels = [value] if isinstance(value, str) else list(value)
        return between.join(_in_language(*term_label(label, names, source_lang)) for label in labels)

    def lang_attrs(text_lang: str | None) -> Markup:
        """` lang=".." dir=".."` for an element holding text in ``text_lang`` when that is not the
        page's language (Arabic read right to left); nothing otherwise."""
        if not text_lang or text_lang == lang:
            return Markup("")
        if text_lang == UNKNOWN_LANGUAGE:
            return Markup(' lang="" dir="auto"')
        return Markup(' lang="{}"{}').format(
            text_lang, Markup(' dir="rtl"') if text_lang in RTL_LANGUAGES else ""
        )

    def state_filter(name: str | None) -> str:
        """A State (its UHRI name) as the reader's language names it: "Perú" on a Spanish page."""
        return state_name_in(name, lang) if name else ""

    def states_filter(value: str | Sequence[str], source_lang: str = DEFAULT_LANGUAGE) -> Markup:
        """States as the feed gives them (a recommendation's countries, the recommending States), each
        in the reader's language where it is a known State ("Perú; Chile"), else as the ``source``
        filter shows a label (marked with the feed's language)."""
        labels = [value] if isinstance(value, str) else list(value)
        return between.join(
            escape(state_name_in(label, lang))
            if iso2_for(label)
            else _in_language(label, claimed(label, source_lang))
            for label in labels
        )

    def reason_filter(value: object) -> str:
        """A refusal's reason in the reader's language where the catalogue has it (the fixed ones; a
        ``Reason``'s message, its values filled in after); plain text, escaped on output like any
        value (``_()`` in a template marks its result safe, and a reason may quote what the user typed)."""
        return translated(value, translations(lang).gettext, number_filter)

    def import_reason_filter(value: str | None) -> str:
        """An import's refusal as stored (a run's message, a rejected record's reason: English) in the
        reader's language where it was written from a message of app/feed/refusals.py; as stored
        otherwise. Plain text, escaped on output. Shown on the staff workspace, where no command's
        option can be given: in its words (app/feed/workspace_refusals.py)."""
        if value is None:
            return ""
        return reason_filter(_states_named_in(in_workspace(reason_of(value)), lang))

    def import_position_filter(value: str) -> str:
        """Where an import's rejected record stood ("row 3", as stored) in the reader's language."""
        return reason_filter(position_of(value))

    return {
        "reason": reason_filter,
        "import_reason": import_reason_filter,
        "import_position": import_position_filter,
        "date": date_filter,
        "month": month_filter,
        "month_heading": month_heading_filter,
        "lang_attrs": lang_attrs,
        "datetime": datetime_filter,
        "number": number_filter,
        "file_size": file_size_filter,
        "money": money_filter,
        "mechanism": mechanism_filter,
        "mechanism_label": mechanism_label,
        "box_number": box_number_filter,  # a box's example: "1500.25"|box_number
        "source": source_filter,
        "state": state_filter,
        "states": states_filter,
        "term_label": term_label,
        "terms": terms_filter,
    }


def _states_named_in(reason: object, lang: str) -> object:
    """A refusal naming States (a template row about another State than the instance's: "about
    Brazil, Guatemala, not Peru", UHRI's English names as stored) with each State it knows named as
    ``lang`` names it ("Brasil, Guatemala, no a Perú"); any other refusal as it is."""
    if not isinstance(reason, Reason) or reason.message != ANOTHER_STATE:
        return reason
    states = str(reason.values.get("states", "")).split(", ")
    return Reason(
        reason.message,
        **{
            **reason.values,
            "states": ", ".join(state_name_in(name, lang) if iso2_for(name) else name for name in states),
            "own": state_name_in(str(reason.values.get("own", "")), lang),
        },
    )


def _in_language(text: str, text_lang: str | None) -> Markup:
    """``text`` escaped, in a ``<span lang>`` when it is not in the page's language."""
    if text_lang is None or not text:
        return escape(text)
    if text_lang == UNKNOWN_LANGUAGE:  # typed by a person in another script than the feed's language
        return Markup('<span lang="" dir="auto">{}</span>').format(text)
    if text_lang in RTL_LANGUAGES:
        return Markup('<span lang="{}" dir="rtl">{}</span>').format(text_lang, text)
    return Markup('<span lang="{}">{}</span>').format(text_lang, text)


def colon(lang: str) -> str:
    """The colon after a label, the catalogue's way ("%(name)s: %(value)s"): ":" in English and
    Spanish, " :" in French (a space before it)."""
    separator = translations(lang).gettext("%(name)s: %(value)s") % {"name": "\x00", "value": ""}
    return separator.split("\x00", 1)[-1].rstrip()


def semicolon(lang: str) -> str:
    """What stands between the items of a list of clauses, the catalogue's way ("%(filters)s;
    %(filter)s"): "; " in English and Spanish, " ; " in French (a space before it)."""
    separator = translations(lang).gettext("%(filters)s; %(filter)s") % {"filters": "\x00", "filter": "\x00"}
    return separator.split("\x00")[1]


@cache
def environment(templates: Path, lang: str, numbers: str | None = None) -> Environment:
    """The Jinja environment of a site's templates in ``lang``, its numbers written in ``numbers`` (a
    regional locale of ``lang``, app.web.number_locale: a bounded set), else ``lang``'s own way."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(_localised(lang, numbers or lang))
    # Jinja's truncate cuts at the last space: a Chinese text, spaceless but after its paragraph
    # number, became "118.1...".
    env.filters["excerpt"] = excerpt
    # An evidence file's format: "DOCX" where the public saw "application/vnd.openxmlformats-...".
    env.filters["file_format"] = format_name
    env.filters["paragraphs"] = paragraphs
    env.filters["or_dash"] = or_dash  # "{{ value|or_dash }}"; "{{ none|or_dash }}" in an else branch
    env.globals["time_zone"] = lambda: instance_zone().key  # NRTD_TIME_ZONE, the times' zone
    env.globals["colon"] = colon(lang)  # "{{ label }}{{ colon }} {{ value }}"
    env.globals["semicolon"] = semicolon(lang)  # "{{ reasons|join(semicolon) }}"
    gettext_ = translations(lang).gettext
    env.globals["record_name"] = lambda symbol, record_id: record_name(symbol, record_id, gettext_)
    return env


def language_name(code: str, lang: str) -> str:
    """A text language's name in the page's language ("Arabic", "arabe"), from Babel's CLDR data."""
    try:
        name = Locale.parse(code).get_display_name(lang) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]
