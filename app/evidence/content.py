"""Which files may be evidence, decided from their content (never from their name).

Accepted: PDF; PNG, JPEG, GIF, WebP and TIFF images; office documents (Word, Excel, PowerPoint, old
and new, and OpenDocument); CSV and plain text (UTF-8 without NUL bytes that does not look like HTML,
XML, SVG or a script). Everything else is refused with the reason: executables, web pages, archives,
empty files, text in another encoding (Windows' Western one, or UTF-16 with its byte order mark:
saved again as UTF-8, it is accepted). The binary kinds are recognised by their signatures (the
``filetype`` library).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import filetype

from app.core.catalogue import Reason
from app.core.catalogue import marked as _

# The bytes the signatures are read from (filetype reads as many).
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    media_type: str
    extension: str  # added to a name that does not end with it
    label: str


BINARY_KINDS: dict[str, Kind] = {
    kind.media_type: kind
    for kind in (
        Kind("application/pdf", "pdf", "PDF"),
        Kind("image/png", "png", "PNG image"),
        Kind("image/jpeg", "jpg", "JPEG image"),
        Kind("image/gif", "gif", "GIF image"),
        Kind("image/webp", "webp", "WebP image"),
        Kind("image/tiff", "tif", "TIFF image"),
        Kind("application/msword", "doc", "Word document"),
        Kind("application/vnd.ms-excel", "xls", "Excel workbook"),
        Kind("application/vnd.ms-powerpoint", "ppt", "PowerPoint presentation"),
        Kind(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "Word document",
        ),
        Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook"),
        Kind(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
            "PowerPoint presentation",
        ),
        Kind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text"),
        Kind("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet"),
        Kind("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument presentation"),
    )
}
CSV = Kind("text/csv", "csv", "CSV")
TEXT = Kind("text/plain", "txt", "plain text")
# The kinds accepted, as a refusal names them (a ``Reason``: translated where it is shown).
ACCEPTED = Reason(
    _("PDF, PNG, JPEG, GIF, WebP, TIFF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text")
)
# What a text file must not start with (after spaces and a BOM), or hold near its start: a browser
# or a desktop would treat it as a page, an image with scripts or a program.
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<meta")
_DESCRIBED = {
    "application/x-msdownload": _("a Windows program"),
    "application/x-executable": _("a program (ELF)"),
    "application/x-mach-binary": _("a program (Mach-O)"),
    "application/x-shockwave-flash": _("a Flash file"),
    "application/zip": _("a ZIP archive"),
    "application/x-rar-compressed": _("a RAR archive"),
    "application/x-7z-compressed": _("a 7-Zip archive"),
    "application/x-tar": _("a TAR archive"),
    "application/gzip": _("a gzip archive"),
    "application/x-bzip2": _("a bzip2 archive"),
    "application/x-xz": _("an XZ archive"),
    "application/vnd.microsoft.portable-executable": _("a Windows program"),
}

# The brands of an ISO base media file (its ``ftyp`` box, 4 bytes in) that are a HEIC/HEIF photo: an
# iPhone's (or a recent Android's) camera format, of which the type guess knows some brands only.
_HEIF_BRANDS = frozenset((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"))
# What to do, not only what is refused: such a photo cannot be shown by most computers, nor be
# stripped of its GPS position here.
HEIC = _(
    "the file is a HEIC photo (an iPhone's), which is not accepted as evidence: export it as JPEG (on a "
    "Mac, in Preview: File, Export; on the iPhone, Settings, Camera, Formats, Most Compatible takes the next "
    "photos as JPEG) and attach it again"
)


def _heic(head: bytes) -> bool:
    """Whether the file starts as a HEIC photo: an ``ftyp`` box of one of its brands (an AVIF image
    may share the generic ``mif1``, and names itself among the box's compatible brands)."""
    if head[4:8] != b"ftyp" or head[8:12] not in _HEIF_BRANDS:
        return False
    compatible = head[16 : int.from_bytes(head[:4], "big")]
    return b"avif" not in compatible and b"avis" not in compatible


def format_name(media_type: str) -> str:
    """A file's format as people name it, the same in every language: its usual extension in capitals
    ("PDF", "DOCX", "JPG") where the media type is one of the accepted kinds, else the media type."""
    kind = BINARY_KINDS.get(media_type) or {CSV.media_type: CSV, TEXT.media_type: TEXT}.get(media_type)
    return kind.extension.upper() if kind is not None else media_type


class Refused(Exception):
    """The content is not one of the accepted kinds: the reason, for the field ``file``."""


class ContentCheck:
    """Fed the file piece by piece as it is stored; ``kind`` then says what it is or raises ``Refused``.

    Only the first ``HEAD_BYTES`` are kept; the text test decodes every piece incrementally."""

    def __init__(self) -> None:
        self.head = b""
        self.size = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text = True
        self._nul = False

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        self.size += len(chunk)
        if self._text:
            if b"\0" in chunk:
                self._text, self._nul = False, True
                return
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self._text = False

    def kind(self, filename: str | None) -> Kind:
        if self.size == 0:
            raise Refused(_("the file is empty"))
        if _heic(self.head):
            raise Refused(HEIC)
        found = filetype.guess(self.head)
        if found is not None:
            media_type = str(found.mime)
            if media_type in BINARY_KINDS:
                return BINARY_KINDS[media_type]
            described = _DESCRIBED.get(media_type)
            what = Reason(described) if described else Reason(_("of type %(type)s"), type=media_type)
            raise Refused(
                Reason(
                    _("the file is %(what)s, which is not accepted as evidence (%(accepted)s)"),
                    what=what,
                    accepted=ACCEPTED,
                )
            )
        return self._text_kind(filename)

    def _text_kind(self, filename: str | None) -> Kind:
        if self._text:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self._text = False
        if not self._text:
            if (not self._nul and _legacy_text(self.head)) or _utf16_text(self.head):
                raise Refused(
                    _(
                        "the file is text in another encoding than UTF-8: save it as UTF-8 (in Excel: "
                        "“CSV UTF-8”) and attach it again"
                    )
                )
            raise Refused(
                Reason(_("the file's content is of no accepted kind (%(accepted)s)"), accepted=ACCEPTED)
            )
        start = self.head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
        if start.startswith(b"#!"):
            raise Refused(_("the file looks like a program or script, which is not accepted as evidence"))
        lowered = self.head.lower()
        if start.startswith(b"<") or any(tag in lowered for tag in _MARKUP):
            raise Refused(
                Reason(
                    _(
                        "the file looks like a web page, XML or SVG, which is not accepted as evidence "
                        "(%(accepted)s; save a web page as PDF)"
                    ),
                    accepted=ACCEPTED,
                )
            )
        return CSV if (filename or "").lower().endswith(".csv") else TEXT


def _utf16_text(head: bytes) -> bool:
    """Whether the bytes are text in UTF-16 with its byte order mark (Excel's "Unicode Text", Notepad's
    "Unicode"): its NUL bytes are half of every Latin letter, not a binary file's."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            body = head[len(bom) :]
            text = body[: len(body) - len(body) % 2].decode(encoding, errors="replace")
            return _readable(text)
    return False


def _readable(text: str) -> bool:
    """Letters, and no control character but tabs and line breaks."""
    controls = any(ord(char) < 32 and char not in "\t\n\r\f" for char in text)
    return not controls and any(char.isascii() and char.isalpha() for char in text)


def _legacy_text(head: bytes) -> bool:
    """Whether bytes that are not UTF-8 read as text in Windows' Western encoding (cp1252, which
    spreadsheets in Spanish, French or English save CSV files in): letters, and no control character
    but tabs and line breaks."""
    try:
        text = head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return _readable(text)
