"""An uploaded file's name made safe to store and to send back (``app.core.downloads`` sends it)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from app.core.upload_names import sent_name

MAX_NAME = 200
FALLBACK_NAME = "evidence"
# Characters no file system or download dialog should meet: separators, reserved Windows ones, quotes.
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
# The other names a kind's files usually end with: kept, not given the kind's own after them.
_SAME_KIND = {"jpg": (".jpeg", ".jpe", ".jfif"), "tif": (".tiff",)}


def _printable(char: str) -> bool:
    # Control (Cc), format (Cf: bidi overrides that disguise an extension), separators other than
    # the plain space (Zl, Zp) and unassigned or private code points are dropped.
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def safe_filename(raw: str | None, extension: str) -> str:
    """The last path part of ``raw`` without control characters, at most ``MAX_NAME`` characters,
    ending with ``extension`` (the one the content was found to be: a PDF named ``x.exe`` is kept as
    ``x.exe.pdf``, so that no program opens it as something else) or another name of that kind
    (``.jpeg``, ``.tiff``)."""
    name = unicodedata.normalize("NFC", sent_name(raw))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if _printable(char))
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    suffix = f".{extension}"
    if not name.lower().endswith((suffix, *_SAME_KIND.get(extension, ()))):
        name = f"{name}{suffix}" if name else FALLBACK_NAME + suffix
    if len(name) > MAX_NAME:
        stem = PurePosixPath(name).stem[: MAX_NAME - len(suffix)].rstrip(" .")
        name = (stem or FALLBACK_NAME) + suffix
    return name
