"""The bytes the UHRI JSON reader hands its parser: a part of a file, checked on the way.

``GuardedStream`` sits between the file and yajl and keeps two kinds of hostile input away from it:

- Nesting deeper than the format has. ijson builds a prefix string per level ("item.a.a.a..."),
  so memory grows with the square of the depth: 200,000 levels in a 1.2 MB file took 23 GB. The
  depth is counted here on whole read-ahead chunks with bytes operations (no Python code per
  character), so the file is refused after one chunk, before the parser sees it.
- An unpaired UTF-16 surrogate escape (``\\udfff``). JSON allows it, but yajl then produces bytes
  that are not UTF-8 and ijson stops the whole run with a UnicodeDecodeError. It is rewritten as
  ``\\uffff`` (same length, so byte offsets hold), which the record checks reject as "not text":
  that one record is rejected and the run goes on.
"""

from __future__ import annotations

import itertools
import operator
import re
from typing import IO, Protocol

from app.feed import file_refusals
from app.feed.refusals import refusal

# The UHRI export nests 3 levels (the array, a record, a list of labels); anything much deeper is
# not an export, and at this depth the parser's prefixes stay tiny.
MAX_DEPTH = 16

# What decides the depth: quotes (strings), brackets and backslashes (escapes); all else is dropped.
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"\\'))
_NOT_STRUCTURE_OR_ESCAPE = bytes(set(range(256)) - set(b'[]{}"'))
_LEVELS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # an opener adds a level, a closer takes one
_PAIR = b"\x02\x00"  # an innermost pair of brackets
# An escape of a surrogate code point: a run of backslashes (an odd run escapes the "u"), its digits.
_SURROGATE_ESCAPE = re.compile(rb"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")
_LOW_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_HIGH_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
# A surrogate pair is 12 bytes: a chunk keeps back any escape that may continue in the next one.
_HELD_BACK = 12
_FEW_ESCAPES = 64


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class TooDeep(Exception):
    """The document nests deeper than ``MAX_DEPTH``, at ``offset`` bytes into the file."""

    def __init__(self, offset: int, limit: int) -> None:
        super().__init__(refusal(file_refusals.JSON_TOO_DEEP, limit=limit, offset=f"{offset:,}"))
        self.offset = offset


class GuardedStream:
    """``source`` read like a file, refusing deep nesting and defusing unpaired surrogate escapes.

    ``offset`` is where ``source``'s first byte lies in the file, for messages.
    """

    def __init__(self, source: Readable, offset: int = 0, max_depth: int = MAX_DEPTH) -> None:
        self._source = source
        self._offset = offset  # of the first byte not yet handed to the parser
        self._max_depth = max_depth
        self._held = b""  # the tail of the last chunk, which an escape may continue
        self._depth = 0
        self._in_string = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to tell bytes from text
            return b""
        while True:
            data = self._source.read(size)
            if not data:
                data, self._held = self._held, b""
                return self._checked(data) if data else b""
            data = self._held + data
            cut = _safe_end(data)
            data, self._held = data[:cut], data[cut:]
            if data:
                return self._checked(data)

    def _checked(self, data: bytes) -> bytes:
        structure = data.translate(None, _NOT_STRUCTURE)
        if b"\\" in structure:  # a chunk of a real export has a few escapes, or none
            data, structure = _unescaped(data, structure)
        self._count_depth(data, structure)
        self._offset += len(data)
        return data

    def _count_depth(self, data: bytes, structure: bytes) -> None:
        # Dropping two adjacent quotes keeps every bracket inside or outside its string; what is
        # left between quotes is inside a string and does not count. Most chunks have none left.
        in_string = self._in_string
        quoted = (b'"' if in_string else b"") + structure.replace(b'""', b"")
        if b'"' in quoted:
            pieces = quoted.split(b'"')
            self._in_string = len(pieces) % 2 == 0
            quoted = b"".join(pieces[::2])
        brackets = quoted.translate(_LEVELS)
        if not brackets:
            return
        depth = self._depth
        self._depth += len(brackets) - 2 * brackets.count(0)
        # The deepest level is the deepest running sum of +1 and -1, summed in C. Removing an
        # innermost pair lowers it by at most one, so a few removals first shorten the sum to a
        # few brackets per chunk; only a chunk that may be too deep is summed in full.
        shorter, removed = brackets, 0
        while removed < 3 and _PAIR in shorter:
            shorter, removed = shorter.replace(_PAIR, b""), removed + 1
        limit = self._max_depth
        if _deepest(shorter, depth) + removed > limit and _deepest(brackets, depth) > limit:
            raise TooDeep(self._offset + self._deep_at(data, depth, in_string), limit)

    def _deep_at(self, data: bytes, depth: int, in_string: bool) -> int:
        """Where in ``data`` the nesting first passes the limit (only when it does: one chunk)."""
        escaped = False
        for index, byte in enumerate(data):
            if escaped:
                escaped = False
            elif in_string:
                escaped = byte == 0x5C
                in_string = byte != 0x22
            elif byte == 0x22:
                in_string = True
            elif byte in b"[{":
                depth += 1
                if depth > self._max_depth:
                    return index
            elif byte in b"]}":
                depth -= 1
        return len(data)


def _deepest(levels: bytes, depth: int) -> int:
    deepest: int = max(itertools.accumulate(map(operator.sub, levels, itertools.repeat(1)), initial=depth))
    return deepest


def _unescaped(data: bytes, structure: bytes) -> tuple[bytes, bytes]:
    """``data`` with its unpaired surrogate escapes defused, and its structure without escapes.

    An escaped quote or backslash is not structure; the backslash of any other escape is dropped
    with the rest. A chunk never ends inside an escape (see _safe_end). The usual few escapes are
    visited one by one (found with memchr); many are handled with whole-chunk passes instead.
    """
    if structure.count(b"\\") > _FEW_ESCAPES:
        if b"\\ud" in data or b"\\uD" in data:
            data = _defuse_surrogates(data)
        escaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
        return data, escaped.translate(None, _NOT_STRUCTURE_OR_ESCAPE)
    kept: list[bytes] = []
    start = 0
    at = data.find(b"\\")
    while at >= 0:
        escaped_char = data[at + 1 : at + 2]
        if escaped_char in (b'"', b"\\"):
            kept.append(data[start:at])
            start = at + 2
        elif escaped_char == b"u" and _SURROGATE_ESCAPE.match(data, at):
            return _unescaped(_defuse_surrogates(data), b"\\" * (_FEW_ESCAPES + 1))
        at = data.find(b"\\", at + 2)
    if not kept:
        return data, structure.translate(None, b"\\")
    kept.append(data[start:])
    return data, b"".join(kept).translate(None, _NOT_STRUCTURE_OR_ESCAPE)


def _safe_end(data: bytes) -> int:
    """Where to end a chunk so that no escape is split: before any backslash in its last 12 bytes,
    and never inside a pair of backslashes (a run of them is pairs from its start)."""
    cut = data.find(b"\\", max(0, len(data) - _HELD_BACK))
    if cut < 0:
        return len(data)
    if _LOW_SURROGATE_ESCAPE.match(data, cut) and _HIGH_SURROGATE_ESCAPE.match(data, max(0, cut - 6)):
        cut -= 6  # never between the two halves of a pair
    run_start = cut
    while run_start > 0 and data[run_start - 1] == 0x5C:
        run_start -= 1
    return run_start + (cut - run_start) // 2 * 2


def _defuse_surrogates(data: bytes) -> bytes:
    """``data`` with each unpaired surrogate escape replaced by ``\\uffff``; pairs are kept."""
    paired_low_at = -1

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal paired_low_at
        if len(match.group(1)) % 2 == 0:  # "\\\\udfff": an escaped backslash, then plain letters
            return match.group()
        start = match.start()
        if start == paired_low_at:
            return match.group()
        if match.group(2)[1:2] in b"89abAB" and _LOW_SURROGATE_ESCAPE.match(data, match.end()):
            paired_low_at = match.end()
            return match.group()
        return match.group(1) + b"uffff"

    return _SURROGATE_ESCAPE.sub(replace, data)


class Slice:
    """Bytes ``start`` to ``end`` of a file between ``head`` and ``tail``, read like a file."""

    def __init__(self, file: IO[bytes], start: int, end: int | None, head: bytes, tail: bytes) -> None:
        file.seek(start)
        self._file = file
        self._left = -1 if end is None else end - start
        self._head = head
        self._tail = tail

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._head:
            data, self._head = self._head, b""
            return data
        if self._left != 0:
            wanted = size if size > 0 else -1
            if self._left > 0:
                wanted = self._left if wanted < 0 else min(wanted, self._left)
            data = self._file.read(wanted)
            if data:
                if self._left > 0:
                    self._left -= len(data)
                return data
            self._left = 0
        data, self._tail = self._tail, b""
        return data
