"""Field-level normalisation shared by every reader: labels, text, dates, codes."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

# The rules every writer shares live in app/ (the API stores manual recommendations by them too);
# re-exported here, where the readers import them from.
from app.recommendations.feed_fields import clean_label as _clean_label
from app.recommendations.feed_fields import cycle_for_session as cycle_for_session
from app.recommendations.feed_fields import html_to_text as html_to_text
from app.recommendations.feed_fields import paragraph_number as paragraph_number
from app.taxonomies.keys import label_key as label_key  # re-exported: the readers import it from here
from importers.record import RecordError


def clean_label(value: object) -> str:
    """A source value as a label (see feed_fields.clean_label); anything but text is a record error."""
    if not isinstance(value, str):
        raise RecordError(f"expected a text label, got {type(value).__name__}")
    return _clean_label(value)


def clean_labels(values: object) -> list[str]:
    """A list of labels, de-duplicated on their key, empty ones dropped."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise RecordError(f"expected a list of labels, got {type(values).__name__}")
    seen: dict[str, str] = {}
    for value in values:
        cleaned = _CLEANED.get(value) if type(value) is str else None
        if cleaned is None:
            label = clean_label(value)
            cleaned = (label_key(label), label) if label else ("", "")
            if len(_CLEANED) < _CLEANED_MAX:
                _CLEANED[value] = cleaned
        key, label = cleaned
        if label:
            seen.setdefault(key, label)
    return list(seen.values())


# A feed spells its few thousand labels again and again: each raw spelling is cleaned once.
_CLEANED: dict[str, tuple[str, str]] = {}
_CLEANED_MAX = 20_000


# --- dates and numbers ----------------------------------------------------------------------


def parse_date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise RecordError(f"{field}: expected a date, got {type(value).__name__}")
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        raise RecordError(f"{field}: not an ISO date: {value[:40]!r}") from None


def parse_datetime(value: object, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise RecordError(f"{field}: expected a date-time, got {type(value).__name__}")
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise RecordError(f"{field}: not an ISO date-time: {value[:40]!r}") from None


def parse_int(value: object, field: str, *, low: int = 1, high: int = 999) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise RecordError(f"{field}: expected a number, got a boolean")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise RecordError(f"{field}: expected a whole number, got {str(value)[:40]!r}")
    if not low <= value <= high:
        raise RecordError(f"{field}: {value} is outside {low}..{high}")
    return value


# --- SDGs -----------------------------------------------------------------------------------

_SDG_CODE = re.compile(
    r"^\s*(?:goal\s+|target\s+)?(\d{1,2})(?:\.(\d{1,2}|[a-z]))?(?=\s|-|:|$)", re.IGNORECASE
)


def sdg_code(label: str) -> str:
    """The code of a UHRI SDG label: "16 - PEACE ..." -> "16", "16.2 - Protect ..." -> "16.2"."""
    from app.taxonomies.sdg import SDG_CODES

    match = _SDG_CODE.match(label)
    if not match:
        raise RecordError(f"Sdgs: no goal or target code in {label[:60]!r}")
    code = match.group(1) + (f".{match.group(2).lower()}" if match.group(2) else "")
    if code not in SDG_CODES:
        raise RecordError(f"Sdgs: {code!r} is not an SDG goal or target")
    return code


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
}


def upr_position(values: list[str]) -> str:
    return _upr_position(tuple(values))


@lru_cache(maxsize=256)
def _upr_position(values: tuple[str, ...]) -> str:
    """Supported / noted / none. Partly supported recommendations count as supported in part: noted
    wins only when nothing was supported."""
    keys = {label_key(value) for value in values}
    mapped = set()
    for key in keys:
        if key not in _POSITIONS:
            raise RecordError(f"position: unknown UPR position {key!r}")
        mapped.add(_POSITIONS[key])
    if "supported" in mapped:
        return "supported"
    if "noted" in mapped:
        return "noted"
    return "none"


# --- derived ids ----------------------------------------------------------------------------


def text_key(text: str) -> str:
    """Letters and digits of the plain text, case-folded, accents dropped: stable across re-exports
    that change spacing, punctuation, case, HTML entities or lose accents."""
    decomposed = unicodedata.normalize("NFKD", html_to_text(text)).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def derived_id(*parts: str) -> str:
    """A deterministic external id for sources that have none: 32 hex chars of a SHA-256 over the
    parts' text keys, so the same recommendation keeps its id across re-exports."""
    joined = "\x1f".join(text_key(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


# --- files ----------------------------------------------------------------------------------


def undecodable_line(path: Path, encoding: str) -> tuple[int, bytes] | None:
    """Where a file stops decoding: its 1-based physical line and the offending byte, or None.

    Streaming decoders fail a whole read-ahead chunk at a time, so this re-reads the file to tell
    the user which line to fix. Lines end in LF, CRLF or (old Mac) CR.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    line_breaks = {b"\n": 0, b"\r": 0}
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: max(0, exc.start - pending)]
                lf, cr = (line_breaks[mark] + before.count(mark) for mark in (b"\n", b"\r"))
                return 1 + max(lf, cr), exc.object[exc.start : exc.start + 1]
            for mark in line_breaks:
                line_breaks[mark] += chunk.count(mark)
        try:
            decoder.decode(b"", True)
        except UnicodeDecodeError as exc:
            line = 1 + max(line_breaks.values())
            return line, exc.object[exc.start : exc.start + 1]
    return None
