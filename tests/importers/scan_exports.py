"""Exports for the tests of the one-State scan, and the full parse they are compared with.

The reference is the reader as it was before the scan: every record parsed (``_stream_items``), each
then kept or passed over on its parsed Countries (``_in_scope``). A file is written with its raw
JSON spelled out, so records can hold what ``json.dumps`` never writes: escapes in a Countries
array, a key twice, a key spelled with an escape, a syntax error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import importers.uhri_json
from app.feed.records import CountryFilter, KnownCheck, MalformedInput
from importers.uhri_json import Part, read_uhri_json, read_uhri_json_hashed
from tests.uhri_records import uhri_record

# Markers json.dumps writes as plain strings, replaced in the file's text by raw JSON.
RAW = {
    "escaped Peru": '"P\\u0065ru"',
    "escaped Chile": '"Ch\\u0069le"',
    "Countries": '"Countries"',  # as a key: a second Countries key
    "escaped Countries": '"Countri\\u0065s"',  # as a key: a second one, spelled with an escape
    "lone surrogate": '"<p>1. A lone \\udfff surrogate</p>"',
    "tru": "tru",  # a syntax error
}


def raw(name: str) -> str:
    """The marker that becomes ``name``'s raw JSON in the file (see RAW)."""
    assert name in RAW
    return f"@{name}@"


NO_KEY = object()


def record(n: int, countries: Any = ("Chile",), **fields: Any) -> dict[str, Any]:
    """A record as the export has it, concerning ``countries`` (a tuple or list of labels, any
    other value as it is, ``NO_KEY`` for no Countries key)."""
    rec = uhri_record(n, **fields)
    if countries is NO_KEY:
        del rec["Countries"]
    else:
        rec["Countries"] = list(countries) if isinstance(countries, tuple) else countries
    return rec


def _dumps(rec: Any, **options: Any) -> str:
    return json.dumps(rec, **options)


# How records are laid out: separators, indentation, line ends, whitespace between records.
LAYOUTS: dict[str, Callable[[list[Any]], str]] = {
    "compact": lambda recs: (
        "[" + ",".join(_dumps(r, ensure_ascii=False, separators=(",", ":")) for r in recs) + "]"
    ),
    "one a line": lambda recs: "[\n" + ",\n".join(_dumps(r, ensure_ascii=False) for r in recs) + "\n]\n",
    "indented": lambda recs: _dumps(recs, ensure_ascii=False, indent=2),
    "ascii, CRLF and tabs": lambda recs: (
        "\t[\r\n "
        + "\r\n\t,\t ".join(_dumps(r, indent="\t").replace("\n", "\r\n") for r in recs)
        + " \r\n]\t\r\n"
    ),
}


def export_text(records: list[Any], layout: str = "one a line") -> str:
    text = LAYOUTS[layout](records)
    for name, json_text in RAW.items():
        text = text.replace(f'"@{name}@"', json_text)
    return text


def write(path: Path, records: list[Any], layout: str = "one a line", *, bom: bool = False) -> Path:
    data = export_text(records, layout).encode()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


Outcome = tuple[list[Any], str | None]


def outcome(items: Iterable[Any]) -> Outcome:
    """What a reader yields, and the message it fails with (None: it reads to the end)."""
    got: list[Any] = []
    try:
        for item in items:
            got.append(item)
    except MalformedInput as exc:
        return got, str(exc)
    return got, None


def _full_parse(path: Path, keep: CountryFilter, part: Part | None) -> Iterator[tuple[int, Any]]:
    del keep
    return importers.uhri_json._stream_items(path, part)


def read_both(
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    keep: CountryFilter,
    *,
    part: Part | None = None,
    known: KnownCheck | None = None,
) -> tuple[tuple[Outcome, Outcome], tuple[Outcome, Outcome]]:
    """(scanned, fully parsed): what ``read_uhri_json`` (with ``known``) and
    ``read_uhri_json_hashed`` yield and fail with, each way."""

    def read() -> tuple[Outcome, Outcome]:
        return (
            outcome(read_uhri_json(path, "en", keep, known, part)),
            outcome(read_uhri_json_hashed(path, "en", keep, part, forms=False)),
        )

    scanned = read()
    with monkeypatch.context() as patched:
        patched.setattr(importers.uhri_json, "_scanned_items", _full_parse)
        full = read()
    return scanned, full
