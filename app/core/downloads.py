"""The header that sends a file under a name a person gave it (an evidence file, a State's Word
template): a browser saves it under that name, whatever its characters."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Dashes an ASCII fallback name keeps as "-" rather than dropping ("Informe — 2026" was "Informe  2026").
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 6266 / 5987 ``filename*``:
    a browser always downloads the file, never shows it in the page. ``fallback``: the ASCII name's
    stem when nothing of the name is ASCII (a Chinese or Arabic one)."""
    ascii_name = unicodedata.normalize("NFKD", filename.translate(_DASHES)).encode("ascii", "ignore").decode()
    ascii_name = " ".join(re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).split())
    stem, dot, extension = ascii_name.rpartition(".")
    if not (stem if dot else extension).strip("._ -"):
        ascii_name = fallback + (f".{extension}" if dot else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
