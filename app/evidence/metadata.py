"""Photos and scans lose their metadata before they are stored: EXIF (with its GPS position, the
camera's serial number, the time), XMP, IPTC and comments can place a person's home once the evidence
is published.

JPEG, PNG and WebP are rewritten without re-encoding a pixel: the file's own segments (JPEG), chunks
(PNG) or RIFF chunks (WebP) are copied, except those that carry metadata, and nothing after the
image's end is kept (phones append a second picture or a trailer that has its own EXIF and GPS). What
draws the picture stays: the colour profile (ICC), transparency, animation, gamma. The EXIF
orientation is the one tag kept, in a minimal EXIF of its own, so that a photo taken sideways is still
shown upright. A TIFF keeps only the tags that draw each of its pages (app/evidence/tiff_metadata.py),
its strips or tiles copied as they are. A file whose structure cannot be followed is refused rather
than stored with whatever it may hold (``Unreadable``).

The file is read through a memory map, never held whole in memory; the result is written in pieces.
"""

from __future__ import annotations

import mmap
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from app.core.catalogue import marked as _
from app.evidence.tiff_metadata import tiff_pieces

STRIPPED = ("image/jpeg", "image/png", "image/webp", "image/tiff")
_PIECE = 1024 * 1024
_ORIENTATION_TAG = 0x0112
_EXIF_HEADER = b"Exif\x00\x00"

# A piece of the result: bytes made here, or a range (start, end) of the original file.
Piece = bytes | tuple[int, int]


class Unreadable(Exception):
    """The image's structure cannot be followed: the reason, for the field ``file``."""


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


def _damaged() -> Unreadable:
    return Unreadable(
        _("the image is damaged or incomplete, so its location and camera data cannot be removed")
    )


def orientation_of(exif: bytes) -> int | None:
    """The orientation (2 to 8) an EXIF block (a TIFF structure, with or without its ``Exif`` header)
    gives its first image; ``None`` for upright (1), none, or a block that cannot be read."""
    tiff = exif.removeprefix(_EXIF_HEADER)
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return None
    try:
        magic, ifd = struct.unpack_from(order + "HI", tiff, 2)
        if magic != 42:
            return None
        (count,) = struct.unpack_from(order + "H", tiff, ifd)
        for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
            tag, kind, _count = struct.unpack_from(order + "HHI", tiff, entry)
            if tag == _ORIENTATION_TAG and kind == 3:
                (value,) = struct.unpack_from(order + "H", tiff, entry + 8)
                return int(value) if 2 <= value <= 8 else None
    except struct.error:
        return None
    return None


def orientation_exif(orientation: int) -> bytes:
    """A TIFF structure holding the orientation tag alone (big-endian, one IFD of one entry)."""
    entry = struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0)
    return b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)


# JPEG -------------------------------------------------------------------------------------------

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE


def _jpeg_keeps(marker: int, payload: bytes) -> bool:
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")  # the colour profile; not MPF, FlashPix
    if marker == _APP14:
        return payload.startswith(b"Adobe")  # how the colours are coded
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def _scan_end(data: mmap.mmap, start: int) -> int:
    """Where the entropy-coded data that starts at ``start`` ends: the next marker that is neither a
    stuffed 0xFF nor a restart; the file's end if it has none (a truncated scan)."""
    position = start
    while True:
        found = data.find(b"\xff", position)
        if found == -1 or found + 1 >= len(data):
            return len(data)
        following = data[found + 1]
        if following == 0 or following == 0xFF or 0xD0 <= following <= 0xD7:
            position = found + 1 if following == 0xFF else found + 2
            continue
        return found


def _jpeg(data: mmap.mmap) -> Iterator[Piece]:
    if data[:2] != b"\xff\xd8":
        raise _damaged()
    kept: list[Piece] = []
    orientation: int | None = None
    position, size = 2, len(data)
    while True:
        if position < size and data[position] != 0xFF:
            # Stray bytes before a marker, which decoders skip (libjpeg warns and reads on).
            position = data.find(b"\xff", position)
        if position < 0 or position >= size:
            raise _damaged()
        start = position
        while position < size and data[position] == 0xFF:
            position += 1  # fill bytes before a marker
        if position >= size:
            raise _damaged()
        marker = data[position]
        position += 1
        if marker == _EOI:
            break  # what follows the image (another picture, a trailer) is dropped
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, _SOI):
            continue  # markers without a length carry nothing
        if position + 2 > size:
            raise _damaged()
        (length,) = struct.unpack_from(">H", data, position)
        end = position + length
        if length < 2 or end > size:
            raise _damaged()
        payload = data[position + 2 : min(end, position + 2 + 16)]
        if marker == _SOS:
            scan_end = _scan_end(data, end)
            kept.append((start, scan_end))
            if scan_end == size:
                break  # truncated after its last scan: the picture is kept, its end written
            position = scan_end
            continue
        if marker == _APP1 and payload.startswith(_EXIF_HEADER) and orientation is None:
            orientation = orientation_of(data[position + 2 : end])
        if marker == _APP0:
            if payload.startswith(b"JFIF\x00") and length >= 16:
                # The JFIF header (its density) without the thumbnail it may hold: one left by an editor
                # that cropped the photo shows what was cut away. A JFXX extension (another thumbnail)
                # is dropped with the other APP0 segments.
                kept.append(b"\xff\xe0\x00\x10" + data[position + 2 : position + 14] + b"\x00\x00")
        elif _jpeg_keeps(marker, payload):
            kept.append((start, end))
        position = end
    if _SOS not in (_marker_at(data, piece) for piece in kept):
        raise _damaged()  # no picture at all
    yield b"\xff\xd8"
    leading_app0 = 0
    while leading_app0 < len(kept) and _marker_at(data, kept[leading_app0]) == _APP0:
        leading_app0 += 1
    yield from kept[:leading_app0]
    if orientation is not None:
        exif = _EXIF_HEADER + orientation_exif(orientation)
        yield b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    yield from kept[leading_app0:]
    yield b"\xff\xd9"


def _marker_at(data: mmap.mmap, piece: Piece) -> int | None:
    if isinstance(piece, bytes):  # a segment made here (the JFIF header)
        return piece[1] if piece[:1] == b"\xff" else None
    position = piece[0]
    while data[position] == 0xFF:
        position += 1
    return data[position]


# PNG --------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The chunks that draw the picture (PNG 3rd edition, APNG); text, XMP, EXIF, times and unknown
# ancillary chunks are dropped.
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCv", b"cLLi", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(data: mmap.mmap) -> Iterator[Piece]:
    if data[:8] != _PNG_SIGNATURE:
        raise _damaged()
    kept: list[Piece] = []
    orientation: int | None = None
    position, size, ended = 8, len(data), False
    while position + 12 <= size:
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if end > size:
            raise _damaged()
        if kind == b"eXIf" and orientation is None:
            orientation = orientation_of(data[position + 8 : end - 4])
        elif kind in _PNG_KEPT or kind[:1].isupper():  # an unknown critical chunk: needed to draw it
            kept.append((position, end))
        position = end
        if kind == b"IEND":
            ended = True
            break  # nothing after the end
    first = kept[0] if kept else (0, 0)
    if not ended or not isinstance(first, tuple) or data[first[0] + 4 : first[0] + 8] != b"IHDR":
        raise _damaged()
    yield _PNG_SIGNATURE
    yield kept[0]
    if orientation is not None:  # before the image data, where viewers read it
        yield _png_chunk(b"eXIf", orientation_exif(orientation))
    yield from kept[1:]


# WebP -------------------------------------------------------------------------------------------

_WEBP_KEPT = {b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_XMP_FLAG, _EXIF_FLAG = 0x04, 0x08


def _webp(data: mmap.mmap) -> Iterator[Piece]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _damaged()
    (riff_size,) = struct.unpack_from("<I", data, 4)
    size = 8 + riff_size
    if size > len(data):
        raise _damaged()
    kept: list[Piece] = []
    orientation: int | None = None
    position, extended = 12, False
    while position + 8 <= size:
        kind, length = struct.unpack_from("<4sI", data, position)
        end = position + 8 + length + (length % 2)
        if end > size:
            raise _damaged()
        if kind == b"EXIF" and orientation is None:
            orientation = orientation_of(data[position + 8 : position + 8 + length])
        elif kind == b"VP8X" and position == 12 and length >= 10:
            extended = True
            flags = data[position + 8] & ~(_XMP_FLAG | _EXIF_FLAG)
            kept.append(data[position : position + 8] + bytes([flags]) + data[position + 9 : end])
        elif kind in _WEBP_KEPT:
            kept.append((position, end))
        position = end
    if position != size or not kept:
        raise _damaged()
    if orientation is not None and extended:  # an EXIF chunk needs the extended format's header
        first = kept[0]
        assert isinstance(first, bytes)
        kept[0] = first[:8] + bytes([first[8] | _EXIF_FLAG]) + first[9:]
        exif = orientation_exif(orientation)
        kept.append(b"EXIF" + struct.pack("<I", len(exif)) + exif + b"\x00" * (len(exif) % 2))
    body = sum(len(piece) if isinstance(piece, bytes) else piece[1] - piece[0] for piece in kept)
    yield b"RIFF" + struct.pack("<I", 4 + body) + b"WEBP"
    yield from kept


def _tiff(data: mmap.mmap) -> Iterator[Piece]:
    return tiff_pieces(data, _damaged)


_READERS = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp, "image/tiff": _tiff}


def write_stripped(source: Path, media_type: str, out: Writer) -> None:
    """Write ``source`` (a ``STRIPPED`` kind) to ``out`` without its metadata; ``Unreadable`` when its
    structure cannot be followed (nothing useful is written then)."""
    with source.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        pieces = list(_READERS[media_type](data))
        for piece in pieces:
            if isinstance(piece, bytes):
                out.write(piece)
                continue
            for start in range(piece[0], piece[1], _PIECE):
                out.write(data[start : min(start + _PIECE, piece[1])])
