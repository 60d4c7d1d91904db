"""The rules that turn a recommendation's feed-owned fields into what is stored, for every writer.

The import pipeline (app.feed.values, importers.pipeline) and the API's manual recommendations
(app.recommendations.manual) both use these, so a record the API writes is stored exactly as the
CSV import would store it (same plain text, paragraph, cycle, labels and content hash) and an export
of it imports back as "unchanged". Changing any of them changes the content hash of stored records:
the next import rewrites them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from html import unescape
from typing import Any

# The feed-owned columns in the content hash, next to the mechanism code, texts and term labels.
SCALAR_FIELDS = (
    "document_id",
    "symbol",
    "type",
    "publication_date",
    "uhri_published_at",
    "upr_cycle",
    "upr_session",
    "position",
    "upr_info_action",
)

# --- terms --------------------------------------------------------------------------------

# The list field each role fills on a record, in the pipeline's order (imports, API, exports);
# the kind of term each role links to is app.models.taxonomy.ROLE_KIND.
ROLE_FIELDS = {
    "country": "countries",
    "region": "regions",
    "theme": "themes",
    "affected_person": "affected_persons",
    "sdg": "sdgs",
    "recommending_state": "recommending_states",
    "recommending_region": "recommending_regions",
    "issue": "issues",
}


# --- labels ---------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def clean_label(value: str) -> str:
    """A label as displayed: the UHRI ``"- "`` list prefix removed, entities decoded, spaces folded."""
    text = _SPACES.sub(" ", unescape(value)).strip()
    if text.startswith("- "):
        text = text[2:].strip()
    elif text == "-":
        text = ""
    return text


# --- text -----------------------------------------------------------------------------------

# Plain text out, never HTML: regular expressions are enough (and ~10x faster than a parser).
_HIDDEN = re.compile(
    r"<(script|style|template|noscript|iframe|object|head)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|h[1-6]|table|blockquote)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<![^<>]*>|<\?[^<>]*>")
# Control and invisible format characters (zero-width, bidi overrides, soft hyphen, BOM), and the
# noncharacters U+FFFE and U+FFFF, which no XML document (DOCX, XLSX, Atom) may hold.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]"
)
_LINE_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@lru_cache(maxsize=64)  # a reader checks a text for emptiness, then describing the record stores it
def html_to_text(html: str) -> str:
    """Safe plain text from UHRI's HTML: scripts and tags removed, entities decoded, blocks as lines."""
    text = html
    if "<" in text:
        text = _TAG.sub("", _BLOCK.sub("\n", _HIDDEN.sub("", text)))
    if "&" in text:
        text = unescape(text)
    return plain_text(text)


def plain_text(text: str) -> str:
    """A text written as plain text (the CSV template, the API), tidied as ``html_to_text`` tidies:
    invisible characters removed, spaces single, no blank line; nothing in it read as a tag or an
    entity ("A<B and C>D", "R&amp;D" stay as written)."""
    text = _single_spaced(_INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return "\n".join(line for line in (part.strip() for part in text.split("\n")) if line)


# The sources whose texts are HTML (UHRI's "<p>4.The Committee ...</p>"). UPR Info's texts are plain
# text holding HTML entities ("&#40;Unknown&#41;"), decoded once by its reader
# (importers.upr_info_csv), so what it stores is plain text: a "<law>" or "a < b" in it is the
# recommendation's own words, not a tag. A manual recommendation's text (the template, the API) is
# plain text too.
MARKUP_SOURCES = frozenset({"uhri"})


def readable_text(original: str, source: str) -> str:
    """The plain text readers see and search of a stored ``original`` from ``source``."""
    return html_to_text(original) if source in MARKUP_SOURCES else plain_text(original)


def _single_spaced(text: str) -> str:
    """Each run of spaces (tabs, no-break and other Unicode spaces) as one space. The substitution
    visits every single space of a text (11 us for one of 600 characters, most of a text's
    conversion), and most texts have nothing to change: an ASCII text without a tab or two spaces
    in a row (the other ASCII spaces are control characters, already removed) is kept as it is."""
    if text.isascii() and "  " not in text and "\t" not in text:
        return text
    return _LINE_SPACES.sub(" ", text)


_PARAGRAPH = re.compile(r"^(\d{1,3}(?:\.\d{1,3})?)\.?(?=\s|[^\d\s.,])")


def paragraph_number(text: str) -> str | None:
    """The paragraph number a UHRI text starts with ("18.", "118.12"), possibly after a heading line."""
    for line in text.split("\n")[:3]:
        match = _PARAGRAPH.match(line)
        if match:
            return match.group(1)
    return None


# --- search ---------------------------------------------------------------------------------

# Full-text search works the same way in the six UN languages on SQLite and PostgreSQL: text is
# folded here before it is indexed and before it is queried (app.recommendations.search), and
# stemmed by app.feed.stemming.
CJK = re.compile(
    r"([\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])"
)
_WORD = re.compile(r"[^\W_]+")


# Accents, Arabic harakat and other combining marks, deleted by str.translate after NFKD, and the
# Arabic tatweel, which only stretches a word ("الدولـــي" is "الدولي").
_COMBINING: dict[int, int | None] = dict.fromkeys(
    cp for cp in range(0x300, 0x20000) if unicodedata.combining(chr(cp))
)
_COMBINING[0x640] = None


def _ranges(codepoints: list[int]) -> str:
    """A regular-expression character class body for sorted ``codepoints``, as ranges."""
    spans: list[list[int]] = []
    for cp in codepoints:
        if spans and cp == spans[-1][1] + 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in spans)


# A combining mark (accent, Arabic haraka): ``\w`` does not match it, yet it belongs to the letter
# before it, and a span of text (a snippet's mark) must not end between them. Those of the Basic
# Multilingual Plane only: a class reaching beyond it is matched range by range, 50 times slower.
COMBINING_MARK = re.compile(
    "[" + _ranges(sorted(cp for cp in _COMBINING if cp != 0x640 and cp <= 0xFFFF)) + "]"
)
_BREVE = "\u0306"
# Russian "й" is a letter of its own, not "и" with an accent (NFKD splits it): the stemmer's
# adjective endings "-ый", "-ий", "-ой" need it. "ё" still folds to its plain vowel, as Russian
# writers often write it.
_SHORT_I = {"\u0438" + _BREVE: "\u0439", "\u0418" + _BREVE: "\u0419"}


# The ligatures French writes ("mise en œuvre", "sœur") and Latin borrowings ("curriculum vitæ"),
# which NFKD keeps whole: their two letters, as readers type them (no common keyboard has "œ").
_LIGATURES = str.maketrans({"\u0153": "oe", "\u00e6": "ae"})


def _stripped(value: str) -> str:
    """``value`` case-folded, without accents, harakat or tatweel (Russian "й" kept), "œ" and "æ"
    written "oe" and "ae"."""
    decomposed = unicodedata.normalize("NFKD", value)
    if _BREVE in decomposed:
        for split, letter in _SHORT_I.items():
            decomposed = decomposed.replace(split, letter)
    return decomposed.translate(_COMBINING).casefold().translate(_LIGATURES)


def fold(value: str) -> list[str]:
    if value.isascii():
        return _WORD.findall(value.lower())
    return _WORD.findall(CJK.sub(r" \1 ", _stripped(value)))


@lru_cache(maxsize=4096)  # labels and names repeat (an export sorts every row's themes)
def alphabetical(value: str) -> tuple[str, str, str]:
    """The sort key of a name or label in alphabetical order as a reader expects it: accents and
    case ignored first ("Éducation" among the E's, not after "Water", as code points would have
    it), then accents, then case, so that equal keys are equal names."""
    folded = value.casefold()
    return (folded if value.isascii() else _stripped(value), folded, value)


# The apostrophe as word processors, decrees and keyboards write it (U+2019 as Word does, U+2018,
# U+02BC, a grave accent or an acute one, a prime, or "'"): one character in a name compared or searched.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u0060\u00b4\u2032", "'"))


def visible(value: str) -> str:
    """``value`` without the characters nobody sees that a paste brings along (format characters: a
    zero-width space, a byte order mark, a direction mark, a soft hyphen)."""
    if value.isascii():
        return value
    return "".join(char for char in value if unicodedata.category(char) != "Cf")


def searched_form(value: str) -> str:
    """``value`` as a name or title is searched and compared: case, accents, the apostrophe's form,
    runs of spaces and invisible characters aside ("Educación" as "educacion", "l\u2019éducation" as
    "l'education"), in Python, so the same on SQLite and PostgreSQL."""
    return " ".join(alphabetical(visible(value).translate(_APOSTROPHES))[0].split())


def same_name(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that is ``name`` as ``searched_form`` compares them: two entities or
    two clusters so named would be two rows nobody could tell apart in a list."""
    wanted = searched_form(name)
    return next((other for other in others if searched_form(other) == wanted), None)


def name_order(name: str, row_id: int) -> tuple[tuple[str, str, str], int]:
    """The sort key of a row in a list of names (clusters, entities, action titles...): its name in
    alphabetical order, then its id. Sorted in Python, never by SQL's ORDER BY: SQLite and
    PostgreSQL's "C" collation compare code points, and other collations each have rules of their own."""
    return alphabetical(name), row_id


# --- UPR ------------------------------------------------------------------------------------


def cycle_for_session(session: int) -> int:
    """UPR cycle of a session: <=12 -> 1, <=26 -> 2, <=40 -> 3, <=54 -> 4, then 14 sessions a cycle."""
    for cycle, last in enumerate((12, 26, 40, 54), start=1):
        if session <= last:
            return cycle
    return 5 + (session - 55) // 14


# --- content hash ---------------------------------------------------------------------------


def content_hash(canonical: dict[str, Any]) -> str:
    """SHA-256 over the feed-owned values; an unchanged hash means an import writes nothing."""
    # repr of plain values (str, int, date, lists, dicts in a fixed key order) is stable and
    # several times cheaper than JSON.
    payload = repr(sorted(canonical.items()))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
