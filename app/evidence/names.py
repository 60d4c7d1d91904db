"""An uploaded file's name made safe to store and to send back, and the header that sends it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

MAX_NAME = 200
FALLBACK_NAME = "evidence"
# Characters no file system or download dialog should meet: separators, reserved Windows ones, quotes.
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
# Dashes an ASCII fallback name keeps as "-" rather than dropping ("Informe — 2026" was "Informe  2026").
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def _printable(char: str) -> bool:
    # Control (Cc), format (Cf: bidi overrides that disguise an extension), separators other than
    # the plain space (Zl, Zp) and unassigned or private code points are dropped.
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def safe_filename(raw: str | None, extension: str) -> str:
    """The last path part of ``raw`` without control characters, at most ``MAX_NAME`` characters,
    ending with ``extension`` (the one the content was found to be: a PDF named ``x.exe`` is kept as
    ``x.exe.pdf``, so that no program opens it as something else)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if _printable(char))
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    suffix = f".{extension}"
    if not name.lower().endswith(suffix) and not (extension == "jpg" and name.lower().endswith(".jpeg")):
        name = f"{name}{suffix}" if name else FALLBACK_NAME + suffix
    if len(name) > MAX_NAME:
        stem = PurePosixPath(name).stem[: MAX_NAME - len(suffix)].rstrip(" .")
        name = (stem or FALLBACK_NAME) + suffix
    return name


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 6266 / 5987 ``filename*``:
    a browser always downloads the file, never shows it in the page."""
    ascii_name = unicodedata.normalize("NFKD", filename.translate(_DASHES)).encode("ascii", "ignore").decode()
    ascii_name = " ".join(re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).split())
    stem, dot, extension = ascii_name.rpartition(".")
    if not (stem if dot else extension).strip("._ -"):  # nothing left of a Chinese or Arabic name
        ascii_name = FALLBACK_NAME + (f".{extension}" if dot else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
