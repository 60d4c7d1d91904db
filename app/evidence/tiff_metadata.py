"""A TIFF image without its metadata (app/evidence/metadata.py does JPEG, PNG and WebP).

A TIFF's metadata are tags of its directories (IFDs): the EXIF and GPS directories they point to,
XMP, IPTC, Photoshop's resources, GeoTIFF's coordinates, the camera's make and model, the time, the
author. The file is written again with, for each page, only the tags that draw the picture (its size,
samples, compression, strips or tiles, colours, ICC profile, resolution, orientation), the strips or
tiles copied byte for byte (no pixel re-encoded), in the file's byte order, classic or BigTIFF as it
came. Other images a directory points to (thumbnails, previews: SubIFDs) are dropped with it.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Piece = bytes | tuple[int, int]

# The tags that draw a page (TIFF 6.0 baseline and extensions, ICC profile); any other is dropped.
_KEPT = {
    254, 255, 256, 257, 258, 259, 262, 263, 264, 265, 266, 273, 274, 277, 278, 279, 280, 281, 282,
    283, 284, 290, 291, 292, 293, 296, 297, 301, 317, 318, 319, 320, 321, 322, 323, 324, 325, 332,
    334, 336, 338, 339, 340, 341, 342, 347, 512, 513, 514, 515, 529, 530, 531, 532, 34675,
}  # fmt: skip
# Where the image data are, and their lengths: strips, tiles, or an old-style JPEG stream.
_DATA = {273: 279, 324: 325, 513: 514}
# Bytes of a value of each field type.
_WIDTHS = {
    1: 1,
    2: 1,
    3: 2,
    4: 4,
    5: 8,
    6: 1,
    7: 1,
    8: 2,
    9: 4,
    10: 8,
    11: 4,
    12: 8,
    13: 4,
    16: 8,
    17: 8,
    18: 8,
}
_UNSIGNED = {3: "H", 4: "I", 13: "I", 16: "Q", 18: "Q"}


@dataclass
class _Format:
    order: str
    big: bool

    @property
    def offset(self) -> str:  # an offset, a count of entries or values
        return "Q" if self.big else "I"

    @property
    def inline(self) -> int:  # bytes of a value held in its entry
        return 8 if self.big else 4

    @property
    def entry(self) -> int:
        return 20 if self.big else 12

    @property
    def entries(self) -> str:  # the number of entries of a directory
        return "Q" if self.big else "H"


@dataclass
class _Entry:
    tag: int
    kind: int
    count: int
    value: Piece  # the value's bytes: held in the entry, or a range of the file
    data: list[tuple[int, int]] = field(default_factory=list)  # the image data it points to


def tiff_pieces(data: mmap.mmap, damaged: Callable[[], Exception]) -> Iterator[Piece]:
    """The pieces of ``data`` (a TIFF) without its metadata; ``damaged()`` raised when its structure
    cannot be followed."""
    try:
        fmt, first = _header(data, damaged)
        pages = _pages(data, fmt, first, damaged)
    except struct.error:
        raise damaged() from None
    yield from _written(fmt, pages, damaged)


def _header(data: mmap.mmap, damaged: Callable[[], Exception]) -> tuple[_Format, int]:
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None:
        raise damaged()
    (magic,) = struct.unpack_from(order + "H", data, 2)
    if magic == 42:
        return _Format(order, big=False), struct.unpack_from(order + "I", data, 4)[0]
    if magic == 43 and struct.unpack_from(order + "HH", data, 4) == (8, 0):
        return _Format(order, big=True), struct.unpack_from(order + "Q", data, 8)[0]
    raise damaged()


def _pages(
    data: mmap.mmap, fmt: _Format, offset: int, damaged: Callable[[], Exception]
) -> list[list[_Entry]]:
    pages: list[list[_Entry]] = []
    seen: set[int] = set()
    size = len(data)
    while offset:
        if offset in seen or offset >= size:
            raise damaged()  # a loop, or a directory past the end
        seen.add(offset)
        (count,) = struct.unpack_from(fmt.order + fmt.entries, data, offset)
        start = offset + struct.calcsize(fmt.entries)
        entries = []
        for position in range(start, start + count * fmt.entry, fmt.entry):
            tag, kind, number = struct.unpack_from(fmt.order + "HH" + fmt.offset, data, position)
            if tag not in _KEPT:
                continue
            width = _WIDTHS.get(kind)
            if width is None:
                raise damaged()
            length, value_at = width * number, position + 4 + struct.calcsize(fmt.offset)
            if length <= fmt.inline:
                value: Piece = bytes(data[value_at : value_at + length])
            else:
                (at,) = struct.unpack_from(fmt.order + fmt.offset, data, value_at)
                if at + length > size:
                    raise damaged()
                value = (at, at + length)
            entries.append(_Entry(tag, kind, number, value))
        (offset,) = struct.unpack_from(fmt.order + fmt.offset, data, start + count * fmt.entry)
        pages.append(_with_image_data(data, fmt, sorted(entries, key=lambda e: e.tag), damaged))
    if not pages:
        raise damaged()
    return pages


def _numbers(data: mmap.mmap, fmt: _Format, entry: _Entry, damaged: Callable[[], Exception]) -> list[int]:
    code = _UNSIGNED.get(entry.kind)
    if code is None:
        raise damaged()
    raw = entry.value if isinstance(entry.value, bytes) else data[entry.value[0] : entry.value[1]]
    return list(struct.unpack_from(f"{fmt.order}{entry.count}{code}", raw))


def _with_image_data(
    data: mmap.mmap, fmt: _Format, entries: list[_Entry], damaged: Callable[[], Exception]
) -> list[_Entry]:
    """The page's entries, those that point to its image data given the ranges they point to."""
    by_tag = {entry.tag: entry for entry in entries}
    found = False
    for where, lengths in _DATA.items():
        if (where in by_tag) != (lengths in by_tag):
            raise damaged()
        if where not in by_tag:
            continue
        starts = _numbers(data, fmt, by_tag[where], damaged)
        sizes = _numbers(data, fmt, by_tag[lengths], damaged)
        if len(starts) != len(sizes) or any(
            start + n > len(data) for start, n in zip(starts, sizes, strict=True)
        ):
            raise damaged()
        by_tag[where].data = [(start, start + n) for start, n in zip(starts, sizes, strict=True)]
        found = found or where != 513
    if not found:
        raise damaged()  # no strips nor tiles: no picture
    return entries


class _Out:
    """The new file's pieces and where the next one starts; each piece at an even offset, as TIFF
    asks of values and directories."""

    def __init__(self, start: int) -> None:
        self.position = start
        self.pieces: list[Piece] = []

    def add(self, piece: Piece) -> tuple[int, int]:
        """Where ``piece`` starts in the file, and its index among the pieces (to be replaced)."""
        if self.position % 2:
            self.pieces.append(b"\x00")
            self.position += 1
        at = self.position
        self.pieces.append(piece)
        self.position += len(piece) if isinstance(piece, bytes) else piece[1] - piece[0]
        return at, len(self.pieces) - 1


def _written(fmt: _Format, pages: list[list[_Entry]], damaged: Callable[[], Exception]) -> Iterator[Piece]:
    """The new file: its header, then each page's directory, the values it points to, and its image
    data; the image data's offsets written anew (LONG, LONG8 in a BigTIFF)."""
    o, offset = fmt.order, "Q" if fmt.big else "I"
    out = _Out(16 if fmt.big else 8)
    directories: list[tuple[int, int, list[_Entry], dict[int, int]]] = []
    for entries in pages:
        size = struct.calcsize(fmt.entries) + fmt.entry * len(entries) + struct.calcsize(fmt.offset)
        at, index = out.add(b"\x00" * size)  # written once the offsets it holds are known
        value_at: dict[int, int] = {}
        value_index: dict[int, int] = {}
        for entry in entries:
            if entry.data:
                entry.kind = 16 if fmt.big else 4
                entry.value = bytes(struct.calcsize(offset) * entry.count)
            if isinstance(entry.value, tuple) or len(entry.value) > fmt.inline:
                value_at[entry.tag], value_index[entry.tag] = out.add(entry.value)
        for entry in entries:
            if entry.data:
                starts = [out.add(piece)[0] for piece in entry.data]
                entry.value = struct.pack(f"{o}{entry.count}{offset}", *starts)
                if entry.tag in value_index:
                    out.pieces[value_index[entry.tag]] = entry.value
        directories.append((at, index, entries, value_at))
    if not fmt.big and out.position >= 2**32:
        raise damaged()
    for number, (_at, index, entries, value_at) in enumerate(directories):
        following = directories[number + 1][0] if number + 1 < len(directories) else 0
        written = [struct.pack(o + fmt.entries, len(entries))]
        for entry in entries:
            written.append(struct.pack(f"{o}HH{fmt.offset}", entry.tag, entry.kind, entry.count))
            if entry.tag in value_at:
                written.append(struct.pack(o + fmt.offset, value_at[entry.tag]))
            else:
                assert isinstance(entry.value, bytes)
                written.append(entry.value.ljust(fmt.inline, b"\x00"))
        written.append(struct.pack(o + fmt.offset, following))
        out.pieces[index] = b"".join(written)
    first = directories[0][0]
    header = struct.pack(o + "HHHQ", 43, 8, 0, first) if fmt.big else struct.pack(o + "HI", 42, first)
    yield (b"II" if o == "<" else b"MM") + header
    yield from out.pieces
