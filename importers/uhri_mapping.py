"""Mapping of one UHRI export record (a parsed JSON object) onto a ``SourceRecord``.

Each field is checked and cleaned on its own; a fault raises ``RecordError`` naming the field, which
the reader in ``importers.uhri_json`` turns into a ``Rejection``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from app.feed import record_refusals as reasons
from app.feed.dates import parse_date, parse_datetime
from app.feed.fields import cycle_for_session, html_to_text
from app.feed.records import RecordError, SourceRecord
from app.feed.refusals import refusal
from app.feed.row_problems import Problems
from app.feed.values import (
    MAX_DOCUMENT_ID_CHARS,
    MAX_SDG_LABEL_CHARS,
    MAX_SYMBOL_CHARS,
    MAX_TEXT_CHARS,
    check_text,
    clean_label,
    clean_labels,
    parse_int,
    sdg_codes,
    upr_position,
)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Keyed on label_key-like text (case-folded, punctuation folded) so "- Recommendations",
# "Recommendations" and "- concerns / observations" all land on the same type.
_TYPES = {
    "recommendations": "recommendation",
    "recommendation": "recommendation",
    "concerns observations": "observation",
    "concerns observation": "observation",
    "observations": "observation",
    "observation": "observation",
}
_TYPE_KEY_DROP = re.compile(r"[^\w]+")

_T = TypeVar("_T")


_LABEL_KEYS = (
    "Countries",
    "Regions",
    "Themes",
    "AffectedPersons",
    "UprRecommendingCountry",
    "UprRecommendingRegions",
)
# Every key the reader reads, as the export spells them. A record may spell one otherwise (camelCase, as
# the UHRI search API and many JSON tools write keys: "annotationId", "countries"); that key is not
# read in its place: the record is rejected naming both spellings (``absent``), rather than read as if
# the field were missing (its States, themes or dates lost without a word).
_KEYS = (
    "AnnotationId", "DocumentId", "Symbol", "Text", "AnnotationType", "Body", "PublicationDate",
    "PublicationDateOnUhri", *_LABEL_KEYS, "Sdgs", "UprCycle", "UprPositions", "UprSession",
)  # fmt: skip
_KEY_SET = frozenset(_KEYS)
_KEY_FOLD = re.compile(r"[\W_]+")
_FOLDED_KEYS = {_KEY_FOLD.sub("", key).casefold(): key for key in _KEYS}


def to_record(item: Any, position: str, lang: str) -> SourceRecord:
    """The record, or ``RecordError`` naming every problem it has (app/feed/row_problems.py)."""
    obj = as_object(item)
    problems = Problems()
    external_id = problems.check(annotation_id, obj, default="")
    text = problems.check(record_text, obj, default="")
    record_type = problems.check(_annotation_type, obj, default="recommendation")
    mechanism = problems.check(_mechanism, obj, default="")
    document_id = problems.check(_optional_string, obj, "DocumentId", MAX_DOCUMENT_ID_CHARS, default=None)
    symbol = problems.check(_optional_string, obj, "Symbol", MAX_SYMBOL_CHARS, default=None)
    published = problems.check(_field, obj, "PublicationDate", _publication_date, default=None)
    on_uhri = problems.check(_field, obj, "PublicationDateOnUhri", _on_uhri, default=None)
    labels: dict[str, list[str]] = {key: problems.check(_labels, obj, key, default=[]) for key in _LABEL_KEYS}
    sdgs: list[str] = problems.check(_field, obj, "Sdgs", _sdgs, default=[])
    upr_cycle = problems.check(_field, obj, "UprCycle", _upr_cycle, default=None)
    upr_session = problems.check(_field, obj, "UprSession", _upr_session, default=None)
    upr_position = problems.check(_field, obj, "UprPositions", _position, default="none")
    problems.raise_any()
    if upr_cycle is None and upr_session is not None:
        upr_cycle = cycle_for_session(upr_session)

    return SourceRecord(
        source="uhri",
        external_id=external_id,
        input_position=position,
        type=record_type,
        mechanism=mechanism,
        texts={lang: text},
        document_id=document_id,
        symbol=symbol,
        publication_date=published,
        uhri_published_at=on_uhri,
        countries=labels["Countries"],
        regions=labels["Regions"],
        themes=labels["Themes"],
        affected_persons=labels["AffectedPersons"],
        sdgs=sdgs,
        upr_cycle=upr_cycle,
        upr_session=upr_session,
        position=upr_position,
        recommending_states=labels["UprRecommendingCountry"],
        recommending_regions=labels["UprRecommendingRegions"],
    )


def _mechanism(obj: dict[str, Any]) -> str:
    mechanism = _field(obj, "Body", clean_label, required=True)
    if not mechanism:
        raise RecordError(refusal(reasons.MISSING, field="Body"))
    return mechanism


def _publication_date(value: object) -> Any:
    return parse_date(value, "PublicationDate")


def _on_uhri(value: object) -> Any:
    return parse_datetime(value, "PublicationDateOnUhri")


def _upr_cycle(value: object) -> int | None:
    return parse_int(value, "UprCycle")


def as_object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise RecordError(not_an_object(item))
    return item


def not_an_object(item: Any) -> str:
    """Why ``item`` of the export's array is no record: "record: expected a JSON object, got an array"."""
    return refusal(reasons.NOT_A_JSON_OBJECT, type=json_type(item))


def annotation_id(obj: dict[str, Any]) -> str:
    if "AnnotationId" not in obj or obj["AnnotationId"] is None:
        raise absent(obj, "AnnotationId")
    value = obj["AnnotationId"]
    if not isinstance(value, str):
        raise RecordError(refusal(reasons.EXPECTED_A_STRING, field="AnnotationId", type=json_type(value)))
    value = value.strip()
    if not value:
        raise RecordError(refusal(reasons.MISSING, field="AnnotationId"))
    if not _UUID.match(value):
        raise RecordError(refusal(reasons.NOT_A_UUID, field="AnnotationId", value=repr(value[:60])))
    return value.lower()  # a UUID is case-insensitive: one spelling, one record (app.feed.keys.record_key)


def external_id_or_none(item: Any) -> str | None:
    """The record's id for a rejection, when it has a usable one despite the other fault."""
    if not isinstance(item, dict):
        return None
    try:
        return annotation_id(item)
    except RecordError:
        return None


def record_text(obj: dict[str, Any]) -> str:
    """The original HTML, kept as published; only its plain-text form decides whether it is empty."""
    if "Text" not in obj or obj["Text"] is None:
        raise absent(obj, "Text")
    value = obj["Text"]
    if not isinstance(value, str):
        raise RecordError(refusal(reasons.EXPECTED_A_STRING, field="Text", type=json_type(value)))
    check_text(value, "Text", MAX_TEXT_CHARS)
    if not html_to_text(value):
        raise RecordError(refusal(reasons.EMPTY, field="Text"))
    return value


def translated_labels(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    """A translated export's labels (Themes, AffectedPersons), cleaned; none when unusable: they only
    name the terms' labels in that language, so a fault drops them, never the record's text."""
    try:
        return tuple(_clean_labels(obj.get(key)))
    except RecordError:
        return ()


def _annotation_type(obj: dict[str, Any]) -> str:
    label = _field(obj, "AnnotationType", clean_label, required=True)
    key = _TYPE_KEY_DROP.sub(" ", label.casefold()).strip()
    if key not in _TYPES:
        raise RecordError(refusal(reasons.UNKNOWN_TYPE, field="AnnotationType", label=repr(label[:60])))
    return _TYPES[key]


def _upr_session(value: object) -> int | None:
    # The export wraps the session in a list (["43"]); a bare value is accepted too. Several
    # sessions reject the record, as in the XLSX: which one the cycle follows cannot be known.
    sessions = {
        session
        for item in (value if isinstance(value, list) else [value])
        if (session := _one_session(item)) is not None
    }
    if len(sessions) > 1:
        raise RecordError(
            refusal(reasons.SEVERAL_SESSIONS, field="UprSession", sessions=str(sorted(sessions)))
        )
    return sessions.pop() if sessions else None


def _one_session(value: object) -> int | None:
    if isinstance(value, str):
        value = clean_label(value, MAX_TEXT_CHARS)  # parse_int says what is wrong with a long one
    return parse_int(value, "UprSession")


def _optional_string(obj: dict[str, Any], key: str, limit: int) -> str | None:
    if key not in obj and (spelt := _spelt_otherwise(obj, key)) is not None:
        raise spelt
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(refusal(reasons.EXPECTED_A_STRING, field=key, type=json_type(value)))
    return check_text(value.strip(), key, limit) or None


def _labels(obj: dict[str, Any], key: str) -> list[str]:
    return _field(obj, key, _clean_labels)


_LABEL_CACHE: dict[tuple[Any, ...], tuple[str, ...]] = {}
_LABEL_CACHE_MAX = 50_000


def _clean_labels(values: object) -> list[str]:
    # The same few hundred label lists recur across ~270,000 records; cleaning them is most of the
    # per-record cost, so equal lists are cleaned once. Bad input takes the uncached path to fail.
    if type(values) is list:
        key = tuple(values)
        try:
            return list(_LABEL_CACHE[key])
        except KeyError:
            pass
        except TypeError:  # an unhashable element (a list or an object): clean_labels says why
            return clean_labels(values)
        cleaned = tuple(clean_labels(values))
        if len(_LABEL_CACHE) < _LABEL_CACHE_MAX:
            _LABEL_CACHE[key] = cleaned
        return list(cleaned)
    return clean_labels(values)


@lru_cache(maxsize=4096)
def _sdg_code_tuple(values: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(sdg_codes(clean_labels(list(values), MAX_SDG_LABEL_CHARS)))


def _sdgs(values: object) -> list[str]:
    if type(values) is list:
        try:
            return list(_sdg_code_tuple(tuple(values)))
        except TypeError:  # an unhashable element (a list or an object): clean_labels says why
            pass
    return sdg_codes(clean_labels(values, MAX_SDG_LABEL_CHARS))


def _position(values: object) -> str:
    return upr_position(_clean_labels(values))


def _field(obj: dict[str, Any], key: str, parse: Callable[[Any], _T], *, required: bool = False) -> _T:
    """Parse one field, naming it in the error; an absent optional key parses as None (empty)."""
    if required and obj.get(key) is None:
        raise absent(obj, key)
    if key not in obj and (spelt := _spelt_otherwise(obj, key)) is not None:
        raise spelt
    try:
        return parse(obj.get(key))
    except RecordError as exc:
        message = str(exc)
        if message.startswith(f"{key}:"):
            raise RecordError(message) from None
        raise RecordError(refusal(reasons.FIELD_PROBLEM, field=key, problem=message)) from None


def absent(obj: dict[str, Any], key: str) -> RecordError:
    """Why the record lacks ``key``: missing, or spelt otherwise ("AnnotationId: missing, but the
    record has 'annotationId' ...")."""
    return _spelt_otherwise(obj, key) or RecordError(refusal(reasons.MISSING, field=key))


def _spelt_otherwise(obj: dict[str, Any], key: str) -> RecordError | None:
    """The refusal of a record that spells the export's ``key`` otherwise (in another case, or with
    spaces or underscores in it) and lacks ``key`` itself; None when it does not."""
    if key in obj or _KEY_SET.issuperset(obj):
        return None
    for typed in obj:
        if isinstance(typed, str) and _FOLDED_KEYS.get(_KEY_FOLD.sub("", typed).casefold()) == key:
            return RecordError(refusal(reasons.KEY_SPELT_OTHERWISE, field=key, typed=repr(typed[:60])))
    return None


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return reasons.JSON_TYPES["bool"]
    if isinstance(value, int | float):
        return reasons.JSON_TYPES["number"]
    if isinstance(value, str):
        return reasons.JSON_TYPES["str"]
    if isinstance(value, list):
        return reasons.JSON_TYPES["list"]
    if isinstance(value, dict):
        return reasons.JSON_TYPES["dict"]
    return type(value).__name__
