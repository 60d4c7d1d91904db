"""Field-level normalisation shared by every reader: labels, text, dates, codes."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from html import unescape
from pathlib import Path

from app.taxonomies.keys import label_key as label_key  # re-exported: the readers import it from here
from importers.record import RecordError

_SPACES = re.compile(r"\s+")


def clean_label(value: object) -> str:
    """A label as displayed: the UHRI ``"- "`` list prefix removed, entities decoded, spaces folded."""
    if not isinstance(value, str):
        raise RecordError(f"expected a text label, got {type(value).__name__}")
    text = _SPACES.sub(" ", unescape(value)).strip()
    if text.startswith("- "):
        text = text[2:].strip()
    elif text == "-":
        text = ""
    return text


def clean_labels(values: object) -> list[str]:
    """A list of labels, de-duplicated on their key, empty ones dropped."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise RecordError(f"expected a list of labels, got {type(values).__name__}")
    seen: dict[str, str] = {}
    for value in values:
        label = clean_label(value)
        if label:
            seen.setdefault(label_key(label), label)
    return list(seen.values())


# --- text ---------------------------------------------------------------------------------

# Plain text out, never HTML: regular expressions are enough (and ~10x faster than a parser).
_HIDDEN = re.compile(
    r"<(script|style|template|noscript|iframe|object|head)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|h[1-6]|table|blockquote)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<![^<>]*>|<\?[^<>]*>")
# Control and invisible format characters (zero-width, bidi overrides, soft hyphen, BOM).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_LINE_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@lru_cache(maxsize=4096)  # a reader checks a text for emptiness, then the pipeline stores it
def html_to_text(html: str) -> str:
    """Safe plain text from UHRI's HTML: scripts and tags removed, entities decoded, blocks as lines."""
    text = html
    if "<" in text:
        text = _TAG.sub("", _BLOCK.sub("\n", _HIDDEN.sub("", text)))
    if "&" in text:
        text = unescape(text)
    text = _LINE_SPACES.sub(" ", _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    return "\n".join(line for line in (part.strip() for part in text.split("\n")) if line)


_PARAGRAPH = re.compile(r"^(\d{1,3}(?:\.\d{1,3})?)\.?(?=\s|[^\d\s.,])")


def paragraph_number(text: str) -> str | None:
    """The paragraph number a UHRI text starts with ("18.", "118.12"), possibly after a heading line."""
    for line in text.split("\n")[:3]:
        match = _PARAGRAPH.match(line)
        if match:
            return match.group(1)
    return None


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


def cycle_for_session(session: int) -> int:
    """UPR cycle of a session: <=12 -> 1, <=26 -> 2, <=40 -> 3, <=54 -> 4, then 14 sessions a cycle."""
    for cycle, last in enumerate((12, 26, 40, 54), start=1):
        if session <= last:
            return cycle
    return 5 + (session - 55) // 14


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
