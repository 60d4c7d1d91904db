"""A UHRI JSON export none of whose records holds a key UHRI always sends: a format change.

Each record is read on its own, so a key absent from a record is that field empty (its themes,
regions ... none). Absent from every record of the file, it is the format that changed (OHCHR renamed
or dropped it), and a full export read so would empty that field on every stored recommendation and
mark each for review. ``missing_keys`` finds such keys before the run writes anything, by the bytes
of the file: a real export holds every key in its first record, so the search ends within its first
block; only a file lacking one is read to its end (once, by ``bytes.find``, not parsed).
"""

from __future__ import annotations

import re
from pathlib import Path

from app.feed.file_refusals import JSON_KEYS_MISSING
from app.feed.records import MalformedInput
from app.feed.refusals import refusal

__all__ = ["ALWAYS_SENT", "FormatChanged", "check_keys", "missing_keys"]

# Every key of docs/uhri-formats.md §1: UHRI writes each in every record (null or [] when empty).
ALWAYS_SENT = (
    "AnnotationId",
    "DocumentId",
    "Symbol",
    "Text",
    "AnnotationType",
    "Body",
    "PublicationDate",
    "PublicationDateOnUhri",
    "Countries",
    "Regions",
    "Themes",
    "AffectedPersons",
    "Sdgs",
    "UprCycle",
    "UprPositions",
    "UprRecommendingCountry",
    "UprRecommendingRegions",
    "UprSession",
)

_BLOCK_BYTES = 1024 * 1024
_OVERLAP = 64  # longer than any key with its quotes and the blanks before its colon
_AFTER_KEY = re.compile(rb"[ \t\r\n]*:")


class FormatChanged(MalformedInput):
    """No record of the export holds one of the keys UHRI always sends: the run is refused (exit 2)."""


def missing_keys(path: Path) -> list[str]:
    """The keys of ``ALWAYS_SENT`` that no record of the file holds, in that order. None when none of
    them is found at all (an empty array, another document), or when the file does not end as an array
    does (cut short): the reader refuses those in its own words."""
    wanted = {key: b'"' + key.encode() + b'"' for key in ALWAYS_SENT}
    found: set[str] = set()
    tail = b""
    with path.open("rb") as file:
        while len(found) < len(wanted):
            block = file.read(_BLOCK_BYTES)
            if not block:
                break
            data = tail + block
            for key, quoted in wanted.items():
                if key not in found and _holds_key(data, quoted):
                    found.add(key)
            tail = data[-_OVERLAP:]
    if not found or (len(found) < len(wanted) and not tail.rstrip(b" \t\r\n").endswith(b"]")):
        return []  # no record at all, or a file cut short: the reader names it
    return [key for key in ALWAYS_SENT if key not in found]


def _holds_key(data: bytes, quoted: bytes) -> bool:
    """Whether ``quoted`` ("Themes") stands in ``data`` as a key: followed by a colon. A value cannot
    end so inside a string (its quote would be escaped)."""
    at = data.find(quoted)
    while at >= 0:
        end = at + len(quoted)
        if _AFTER_KEY.match(data, end) or len(data) - end < _OVERLAP:
            return True  # a key, or too near the block's end to tell: the next block holds it again
        at = data.find(quoted, end)
    return False


def check_keys(path: Path) -> None:
    """Refuse (``FormatChanged``) an export none of whose records holds a key UHRI always sends."""
    missing = missing_keys(path)
    if missing:
        raise FormatChanged(refusal(JSON_KEYS_MISSING, name=path.name, keys=", ".join(missing)))
