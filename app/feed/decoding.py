"""The encodings a text file announces, and where a file stops decoding, for the readers' messages."""

from __future__ import annotations

import codecs
from pathlib import Path

# Excel's "Unicode Text" (Save as, and some web exports): UTF-16 with its byte-order mark,
# tab-separated. UTF-32's marks first: UTF-32-LE's starts with UTF-16-LE's.
_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(path: Path) -> str | None:
    """ "utf-16" or "utf-32" for a file that starts with that byte-order mark (the codec reads the mark
    and the byte order from it); None for any other file."""
    with path.open("rb") as stream:
        start = stream.read(4)
    return next((encoding for mark, encoding in _WIDE_MARKS if start.startswith(mark)), None)


def unmarked_wide(path: Path) -> str | None:
    """ "UTF-16-LE" or "UTF-16-BE" for a file in UTF-16 without its byte-order mark, as its first
    bytes show it (every other byte zero and the others not: a header of plain letters); None for any
    other file. Such a file is refused naming its encoding (``file_refusals.UNMARKED_UTF16``): read as
    UTF-8 or a legacy encoding it is NUL bytes and garbled letters."""
    with path.open("rb") as stream:
        head = stream.read(64)
    if len(head) < 4 or wide_encoding(path) is not None:
        return None
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2], head[1::2]
    if not any(odd) and all(even):
        return "UTF-16-LE"
    if not any(even) and all(odd):
        return "UTF-16-BE"
    return None


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


def ends_in_line_break(path: Path) -> bool:
    """Whether a text file's last line ends in a line break (LF or CR, in any of the encodings read:
    UTF-16's and UTF-32's zero bytes and DOS's end-of-file mark Ctrl-Z after it passed over). A row of
    fewer cells than the header with none after it is where a download or copy stopped."""
    with path.open("rb") as stream:
        stream.seek(max(0, stream.seek(0, 2) - 64))
        tail = stream.read().rstrip(b"\x00\x1a")
    return tail.endswith((b"\n", b"\r"))
