"""One State from a UHRI export: the other States' records passed over by their bytes, unparsed.

Parsing is nearly all the cost of a one-State import, and 98-99% of the records it parses only to
pass them over. ``scan`` reads the export in blocks, cuts it into records at the bytes between two
of them (``}``, a comma, ``{`` and a key: in valid JSON these lie nowhere else than between the
objects of an array) and looks at each record's raw ``Countries`` array. A record is passed over
unparsed only when its bytes leave no doubt that parsing would give one object whose Countries the
filter refuses; every other record (not one flat object, not UTF-8, the State's, Countries with an
escape ...) is handed back whole, to be parsed alone exactly as the full parse would parse it
(``importers.uhri_json``). Where the scan cannot cut (an end that is not ``}`` and ``]``, a record
larger than a block) it stops and says where; there, or where a record does not parse alone, the
caller parses the rest of the file in full, so any fault is named exactly as a full parse names it.

The one difference from parsing everything: a record passed over is not parsed, so a syntax error
inside one of another State's records goes unnoticed (docs/uhri-formats.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import IO

from app.feed.records import CountryFilter

__all__ = ["BLOCK_BYTES", "BOUNDARY", "Record", "Rest", "scan"]

# Read this much at a time; a record larger than this stops the scan (memory stays bounded). Each
# reader holds about three blocks at once: at 8 MiB, one State from 250,000 records peaked at
# 192-200 MB (importing process and two readers), at 2 MiB at 146-149 MB, in the same time.
BLOCK_BYTES = 2 * 1024 * 1024
# Decisions kept per raw Countries array: most records share a few arrays.
_CACHED_ARRAYS = 4096

_WS = rb"[ \t\r\n]*"  # JSON's whitespace, which \s is not: it also takes \v and \f
# Where one record ends and the next begins: "}", a comma (group 1), "{" and a key. In valid JSON
# this can never lie inside a string: the quote before the key would close the string, and a key
# after a closed string is not JSON. Inside a record it would need objects nested in a list, which
# the UHRI format does not have (a cut that lands in one makes the part or record fail to parse).
BOUNDARY = re.compile(rb"\}" + _WS + rb"(,)" + _WS + rb"\{" + _WS + rb'"[A-Za-z]+"' + _WS + rb":")
_COUNTRIES_KEY = b'"Countries"'
_COUNTRIES = re.compile(_COUNTRIES_KEY + _WS + rb":" + _WS + rb"\[([^\]]*)\]")
_OPENING = re.compile(_WS + rb"\{")
_JSON_WS = b" \t\r\n"
# A key holding an escape (from its first backslash to the quote and colon that end it): it may
# spell "Countries" in a way the bytes do not show ("Countri\u0065s").
_ESCAPED_KEY = re.compile(rb'\\.(?:[^"\\]|\\.)*"' + _WS + rb":", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Record:
    """A record the scan does not pass over: its bytes (those between the two separators around
    it) and the offset of the first one in the file. Parse it as the full parse would."""

    start: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Rest:
    """The scan cannot cut the input into records from ``start`` on (a record's first byte):
    parse the rest in full."""

    start: int


def scan(
    file: IO[bytes], start: int, end: int | None, keep: CountryFilter
) -> Generator[int | Record | Rest, None, None]:
    """The records of ``file`` from ``start`` (a record's first byte, after the array's ``[`` or a
    comma) to ``end`` (the comma after a part's last record) or, with None, to the array's ``]``:
    in order, a run of records passed over as their count, each other record as a ``Record``, and
    at most one ``Rest``, last. ``keep`` is called with the labels of a Countries array."""
    decisions = _Decisions(keep)
    file.seek(start)
    left = -1 if end is None else max(0, end - start)
    carry, carry_at = b"", start  # the bytes of a record not yet whole, and where they lie
    opened: bool | None = None  # whether that record begins with "{" (after whitespace)
    passed = 0
    while left != 0:
        block = file.read(BLOCK_BYTES if left < 0 else min(BLOCK_BYTES, left))
        if not block:
            break
        if left > 0:
            left -= len(block)
        buffer = carry + block if carry else block
        if opened is None:  # the first record; each later one follows a boundary, which opens it
            opened = _OPENING.match(buffer) is not None
        decisions.escapes = b"\\" in buffer
        at = 0  # where the next record begins
        # Each "}" found (memchr) and tried as a boundary: faster than a regex search for one. A
        # record that may be passed over has its "}" first found end it (-1: may not).
        first = close = buffer.find(b"}")
        if not opened:
            first = -1
        while close >= 0:
            boundary = BOUNDARY.match(buffer, close)
            if boundary is None:
                close = buffer.find(b"}", close + 1)
                continue
            comma = boundary.start(1)
            data = buffer[at:comma]
            if close == first and decisions.passes_over(data):
                passed += 1
            else:
                if passed:
                    yield passed
                    passed = 0
                yield Record(carry_at + at, data)
            at = comma + 1
            first = close = buffer.find(b"}", at)
            opened = True
        carry, carry_at = buffer[at:], carry_at + at
        if len(carry) > BLOCK_BYTES:  # not cut here: memory stays bounded
            if passed:
                yield passed
            yield Rest(carry_at)
            return
    last = _last_record(carry, closed=end is None)
    if last is None:
        cut: Record | Rest | None = Rest(carry_at)
    elif opened and last.find(b"}") == len(last.rstrip(_JSON_WS)) - 1 and decisions.passes_over(last):
        cut, passed = None, passed + 1
    else:
        cut = Record(carry_at, last)
    if passed:
        yield passed
    if cut is not None:
        yield cut


def _last_record(rest: bytes, *, closed: bool) -> bytes | None:
    """The last record's bytes in what follows the last separator, when it ends in a "}" and, with
    ``closed``, nothing follows but the array's "]" (and whitespace); else None."""
    if closed:
        body = rest.rstrip(_JSON_WS)
        if not body.endswith(b"]"):
            return None
        rest = body[:-1]
    return rest if rest.rstrip(_JSON_WS).endswith(b"}") else None


class _Decisions:
    """Whether a record's bytes can be passed over; the decision on its Countries array cached."""

    def __init__(self, keep: CountryFilter) -> None:
        self._keep = keep
        self._by_array: dict[bytes, bool] = {}
        self.escapes = True  # whether the records looked at may hold a backslash

    def passes_over(self, data: bytes) -> bool:
        """Whether ``data`` (a record that begins with ``{`` and whose one ``}`` ends it, both
        but for whitespace) is certainly one object, with one Countries key, holding labels
        ``keep`` refuses."""
        at = data.find(_COUNTRIES_KEY)
        if at < 0:
            return False
        countries = _COUNTRIES.match(data, at)
        if countries is None:
            return False
        array = countries.group(1)
        refused = self._by_array.get(array)
        if refused is None:
            refused = self._refused(array)
        if not refused:
            return False
        # One "{" and one "}", at either end: one flat object, so the cut was between two records
        # (no object lies in a list) and the key above is the record's own. The key once only,
        # and no key with an escape, which could name it again.
        return (
            data.find(b"{", data.find(b"{") + 1) < 0
            and data.find(_COUNTRIES_KEY, countries.end()) < 0
            and (not self.escapes or b"\\" not in data or _ESCAPED_KEY.search(data) is None)
            and (data.isascii() or _is_utf8(data))
        )

    def _refused(self, array: bytes) -> bool:
        """Whether the filter refuses these Countries (the raw bytes between the brackets): only
        when they are plainly a list of strings, without escapes (which GuardedStream may
        rewrite), and the filter says no without raising."""
        refused = False
        if b"\\" not in array:
            try:
                labels = json.loads("[" + array.decode("utf-8") + "]")
            except ValueError:  # not UTF-8, or not JSON (a "]" inside a label cuts the array short)
                labels = None
            if isinstance(labels, list) and all(type(label) is str for label in labels):
                try:
                    refused = not self._keep(labels)
                except Exception:  # parsed, the record meets the same filter, and the same fault
                    refused = False
        if len(self._by_array) >= _CACHED_ARRAYS:
            self._by_array.clear()
        self._by_array[array] = refused
        return refused


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
