"""Field-level normalisation shared by every reader: labels, text, dates, codes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser

from app.taxonomies.keys import label_key
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

_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
_DROP_CONTENT = {"script", "style", "template", "noscript", "iframe", "object"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._dropping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Safe plain text from UHRI's HTML: tags and scripts removed, entities decoded, blocks as lines."""
    if "<" not in html and "&" not in html:
        text = html
    else:
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


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
