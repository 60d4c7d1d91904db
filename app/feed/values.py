"""The checks every reader applies to a source's values: labels, text, numbers, codes
(the dates: app.feed.dates).

A value that cannot be stored is a ``RecordError`` naming the field: the record is rejected and the
run goes on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from app.feed import fields, refusals
from app.feed import record_refusals as reasons
from app.feed.fields import html_to_text
from app.feed.keys import label_key
from app.feed.records import RecordError

# --- bounds ---------------------------------------------------------------------------------

# The sizes of the columns a record's values are stored in (app/models/recommendation.py and
# taxonomy.py). A longer value would fail the whole run on PostgreSQL and, on SQLite, be stored and
# served on every page: the record is rejected instead, naming the field. Nothing is truncated: a
# cut identifier is another identifier, and a cut label another term.
MAX_ID_CHARS = 128  # recommendations.external_id
MAX_DOCUMENT_ID_CHARS = 64  # recommendations.document_id
MAX_SYMBOL_CHARS = 255  # recommendations.symbol
MAX_LABEL_CHARS = 255  # mechanisms.name, mechanism_labels.key, terms.key
MAX_TEXT_CHARS = 200_000  # one language's text: its column is unbounded, a page showing it is not
MAX_SDG_LABEL_CHARS = 1000  # an SDG label is stored as its code; the titles of targets run long

# NUL is legal in JSON and CSV but PostgreSQL's text columns refuse it; a lone surrogate cannot be
# encoded to UTF-8 at all. U+FFFF is what importers.json_stream puts in place of an unpaired
# surrogate escape (\udfff), which the JSON parser cannot decode; it is no character of any text.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff\uffff]")


def text_problem(value: str, limit: int) -> str | None:
    """Why ``value`` cannot be stored as text of at most ``limit`` characters, or None."""
    if len(value) > limit:
        return refusals.refusal(reasons.LONGER_THAN, limit=limit)
    if value.isascii():  # the usual case, and far cheaper than the search below
        at = value.find("\x00")
        return None if at < 0 else refusals.refusal(reasons.NUL_AT, at=at + 1)
    bad = _NOT_TEXT.search(value)
    if bad is None:
        return None
    char, at = bad.group(), bad.start() + 1
    if char == "\x00":
        return refusals.refusal(reasons.NUL_AT, at=at)
    if char == "\uffff":
        return refusals.refusal(reasons.SURROGATE_ESCAPE_AT, at=at)
    return refusals.refusal(reasons.SURROGATE_AT, char=f"U+{ord(char):04X}", at=at)


# What a spreadsheet saves in a cell whose formula failed (Excel; LibreOffice also writes "Err:502"):
# never a value, though it reads as one ("#N/A" would become a theme, "#REF!" a mechanism).
SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!"}
    | {"#GETTING_DATA", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")


def spreadsheet_error(value: str) -> str | None:
    """Why ``value`` (stripped) is no value but a spreadsheet's error, or None."""
    if len(value) > 16 or not value.startswith(("#", "Err:")):  # cheap for the texts of a feed
        return None
    if value.upper() in SPREADSHEET_ERRORS or _LIBREOFFICE_ERROR.match(value):
        return refusals.refusal(reasons.SPREADSHEET_ERROR, typed=repr(value))
    return None


def check_text(value: str, field: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` unchanged, or a RecordError naming ``field`` if it cannot be stored as text."""
    problem = text_problem(value, limit) or spreadsheet_error(value.strip())
    if problem is not None:
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field=field, problem=problem))
    return value


def clean_label(value: object, limit: int = MAX_LABEL_CHARS) -> str:
    """A source value as a label (see ``fields.clean_label``); anything but text is a record error,
    and so is a label that cannot be stored (see ``text_problem``): the caller names the field."""
    if not isinstance(value, str):
        raise RecordError(refusals.refusal(reasons.EXPECTED_TEXT_LABEL, type=type(value).__name__))
    label = _CLEAN_LABEL.get(value)
    if label is None:
        label = fields.clean_label(value)
        widest = max(limit, MAX_LABEL_CHARS)
        problem = text_problem(label, widest)
        if problem is not None:
            longer = problem.startswith("longer")
            raise RecordError(
                refusals.refusal(reasons.LABEL_LONGER_THAN, limit=widest) if longer else problem
            )
        problem = spreadsheet_error(label)
        if problem is not None:
            raise RecordError(problem)
        if len(value) <= MAX_SDG_LABEL_CHARS and len(_CLEAN_LABEL) < _CLEANED_MAX:
            _CLEAN_LABEL[value] = label
    if len(label) > limit:
        raise RecordError(refusals.refusal(reasons.LABEL_LONGER_THAN, limit=limit))
    return label


# A body or type label recurs on every record: each raw spelling that is a good label is cleaned once.
_CLEAN_LABEL: dict[str, str] = {}


def named_label(value: object, field: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``clean_label`` for one field: its errors name the field."""
    try:
        return clean_label(value, limit)
    except RecordError as exc:
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field=field, problem=str(exc))) from None


def named_labels(values: object, field: str, limit: int = MAX_LABEL_CHARS) -> list[str]:
    """``clean_labels`` for one field: its errors name the field."""
    try:
        return clean_labels(values, limit)
    except RecordError as exc:
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field=field, problem=str(exc))) from None


def clean_labels(values: object, limit: int = MAX_LABEL_CHARS) -> list[str]:
    """A list of labels, de-duplicated on their key, empty ones dropped."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise RecordError(refusals.refusal(reasons.EXPECTED_LABEL_LIST, type=type(values).__name__))
    seen: dict[str, str] = {}
    for value in values:
        cleaned = _CLEANED.get(value) if type(value) is str else None
        if cleaned is None:
            # Cached whatever the limit (SDG labels are longer than terms' labels), checked below.
            label = clean_label(value, MAX_TEXT_CHARS)
            cleaned = (label_key(label), label) if label else ("", "")
            if len(_CLEANED) < _CLEANED_MAX:
                _CLEANED[value] = cleaned
        key, label = cleaned
        if len(label) > limit:
            raise RecordError(refusals.refusal(reasons.LABEL_LONGER_THAN, limit=limit))
        if label:
            seen.setdefault(key, label)
    return list(seen.values())


# A feed spells its few thousand labels again and again: each raw spelling is cleaned once.
_CLEANED: dict[str, tuple[str, str]] = {}
_CLEANED_MAX = 20_000


# --- numbers --------------------------------------------------------------------------------


_MAX_DIGITS = 18  # more than any range a record field has, fewer than int()'s limits


# A whole number written as a decimal: "42.0", "42.00", or with a decimal comma as a French or Spanish
# spreadsheet writes it ("43,0"); not ",000", a thousands separator ("1,000" is no 1).
_WHOLE_DECIMAL = re.compile(r"(?<=\d)(\.0+|,0{1,2})$")


def parse_int(value: object, field: str, *, low: int = 1, high: int = 999) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise RecordError(refusals.refusal(reasons.NUMBER_NOT_BOOLEAN, field=field))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        # A whole number a program wrote as a decimal ("42.0": a column of numbers with empty cells
        # saved by a data tool; "43,0" in French or Spanish) is that number; a fraction is not.
        digits = _WHOLE_DECIMAL.sub("", value.strip())
        # isdigit() alone admits superscripts and other scripts' digits, which int() refuses, and
        # int() refuses (or takes quadratic time on) thousands of digits: bound the text first.
        if digits.isascii() and digits.isdigit():
            if len(digits) > _MAX_DIGITS:
                raise RecordError(
                    refusals.refusal(
                        reasons.TOO_MANY_DIGITS, field=field, digits=len(digits), low=low, high=high
                    )
                )
            value = int(digits)
    if not isinstance(value, int):
        raise RecordError(
            refusals.refusal(reasons.NOT_A_WHOLE_NUMBER, field=field, value=repr(str(value)[:40]))
        )
    if not low <= value <= high:
        if abs(value) >= 10**_MAX_DIGITS:  # 1e300 is a whole number too: not worth printing
            length = len(str(abs(value)))
            raise RecordError(
                refusals.refusal(reasons.TOO_MANY_DIGITS, field=field, digits=length, low=low, high=high)
            )
        raise RecordError(
            refusals.refusal(reasons.OUTSIDE_RANGE, field=field, value=value, low=low, high=high)
        )
    return value


# --- SDGs -----------------------------------------------------------------------------------

# Before the code, a word people write it with: "Goal 5", "SDG 5.2", and the French and Spanish
# acronyms ("ODD 5.2", "ODS 5.2").
_SDG_CODE = re.compile(
    r"^\s*(?:goal\s+|target\s+|(?:sdgs?|odd|ods)\s*)?(\d{1,2})(?:\.(\d{1,2}|[a-z]))?(?=\s|-|:|$)",
    re.IGNORECASE,
)


def sdg_code(label: str) -> str:
    """The code of a UHRI SDG label: "16 - PEACE ..." -> "16", "16.2 - Protect ..." -> "16.2"."""
    from app.feed.sdg import SDG_CODES  # reads the SDG tables: only when a record has SDGs

    match = _SDG_CODE.match(label)
    if not match:
        problem = refusals.refusal(reasons.NO_SDG_CODE, label=repr(label[:60]))
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field="Sdgs", problem=problem))
    code = match.group(1) + (f".{match.group(2).lower()}" if match.group(2) else "")
    if code not in SDG_CODES:
        raise RecordError(not_an_sdg(code))
    return code


def not_an_sdg(code: str) -> str:
    """Why ``code`` is refused: "Sdgs: '18' is not an SDG goal or target"."""
    problem = refusals.refusal(reasons.NOT_AN_SDG, sdg=repr(code))
    return refusals.refusal(reasons.FIELD_PROBLEM, field="Sdgs", problem=problem)


def sdg_codes(labels: list[str]) -> list[str]:
    return list(dict.fromkeys(sdg_code(label) for label in labels))


# --- UPR position ---------------------------------------------------------------------------

_POSITIONS = {
    "supported": "supported",
    "accepted": "supported",
    "support": "supported",
    "noted": "noted",
    "rejected": "noted",
    "not accepted": "noted",
    "pending": "none",
    "": "none",
    # The same words in French and Spanish (keys without accents), as a template filled in those
    # languages has them: the UN's "soutenue / notée", "apoyada / anotada", and the older forms.
    "soutenue": "supported",
    "soutenu": "supported",
    "acceptee": "supported",
    "accepte": "supported",
    "appuyee": "supported",
    "notee": "noted",
    "note": "noted",
    "prise en note": "noted",
    "rejetee": "noted",
    "apoyada": "supported",
    "apoyado": "supported",
    "aceptada": "supported",
    "aceptado": "supported",
    "anotada": "noted",
    "anotado": "noted",
    "tomada nota": "noted",
    "se toma nota": "noted",
    "rechazada": "noted",
}


def without_accents(key: str) -> str:
    """``key`` with its letters' accents dropped ("acceptée" -> "acceptee")."""
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def upr_position(values: list[str]) -> str:
    return _upr_position(tuple(values))


@lru_cache(maxsize=256)
def _upr_position(values: tuple[str, ...]) -> str:
    """Supported / noted / none. Partly supported recommendations count as supported in part: noted
    wins only when nothing was supported."""
    # Each key with the value it was folded from, which a refusal names as it was typed.
    keys = {label_key(value): value.strip() for value in values}
    mapped = set()
    for key, typed in keys.items():
        position = _POSITIONS.get(without_accents(key))
        if position is None:
            problem = refusals.refusal(reasons.UNKNOWN_POSITION, key=repr(typed))
            raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field="position", problem=problem))
        mapped.add(position)
    if "supported" in mapped:
        return "supported"
    if "noted" in mapped:
        return "noted"
    return "none"


# --- derived ids ----------------------------------------------------------------------------


# A language code: two or three letters, optionally a script or region (pt-BR, zh-Hant, es-419).
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?$")


# The six UN languages' three-letter codes (ISO 639-2, its bibliographic fre and chi too) as BCP 47
# writes them, with two letters: a library catalogue or a UN document's metadata says "fra", and read
# as a language of its own its text showed under no language the pages and exports know.
_TWO_LETTER = {
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "rus": "ru",
    "ara": "ar",
    "zho": "zh",
    "chi": "zh",
}


def language_code(value: str) -> str:
    """A language code (matching ``LANGUAGE_CODE``) in its one spelling: "FR" and "fr" are one
    language, and so one stored text, one column of the export, one filter value. BCP 47's case:
    the language lower case, a region upper case (pt-BR), a script title case (zh-Hant). A UN
    language's three-letter code is its two-letter one ("fra" and "fra-CA" are "fr" and "fr-CA")."""
    language, _, subtag = value.partition("-")
    language = _TWO_LETTER.get(language.lower(), language)
    if not subtag:
        return language.lower()
    return f"{language.lower()}-{subtag.title() if len(subtag) == 4 else subtag.upper()}"


# What text_key drops: every character that is not a letter or a digit (``str.isalnum``). A regular
# expression's \w is exactly isalnum() or "_" (CPython's _sre), so this is isalnum's complement.
_NOT_ALNUM = re.compile(r"[\W_]+")
_ASCII_NOT_ALNUM = bytes(code for code in range(128) if not chr(code).isalnum())


def text_key(text: str) -> str:
    """Letters and digits of the plain text, case-folded, accents dropped: stable across re-exports
    that change spacing, punctuation, case, HTML entities or lose accents.

    The text's NFKD form, case-folded, without what is not ``isalnum()`` (tests/feed/test_text_key.py
    holds that definition). Most texts are ASCII (NFKD is then the text itself, case folding is
    ``lower()``), or hold no letter outside ASCII once decomposed ("Côte d\u2019Ivoire": the accent and
    the apostrophe are no letters): what is left of them is ASCII letters and digits, kept bytewise
    by one translation, a tenth of the time a test per character takes."""
    plain = html_to_text(text)
    if not plain.isascii():
        plain = unicodedata.normalize("NFKD", plain).casefold()
        if any(char.isalnum() for char in set(plain) if not char.isascii()):
            return _NOT_ALNUM.sub("", plain)
    return plain.encode("ascii", "ignore").translate(None, _ASCII_NOT_ALNUM).decode("ascii").lower()


def derived_id(*parts: str) -> str:
    """A deterministic external id for sources that have none: 32 hex chars of a SHA-256 over the
    parts' text keys, so the same recommendation keeps its id across re-exports."""
    joined = "\x1f".join(text_key(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]
