"""The header that sends a file under a name a person gave it (an evidence file, a State's Word
template): a browser saves it under that name, whatever its characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

# Dashes an ASCII fallback name keeps as "-" rather than dropping ("Informe — 2026" was "Informe  2026").
# Ligatures it spells out ("mise en œuvre" was "mise en uvre").
_DASHES = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
    }
)


def content_disposition(filename: str, fallback: str, kind: str = "attachment") -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 6266 / 5987 ``filename*``:
    a browser always downloads the file, never shows it in the page. ``fallback``: the ASCII name's
    stem when nothing of the name is ASCII (a Chinese or Arabic one). ``kind`` ``inline``: a page the
    browser shows, saved under that name."""
    ascii_name = unicodedata.normalize("NFKD", filename.translate(_DASHES)).encode("ascii", "ignore").decode()
    ascii_name = " ".join(re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).split())
    ascii_name = re.sub(r"-{2,}", "-", ascii_name)  # "gratuite-教育-en" is "gratuite-en", not "gratuite--en"
    stem, dot, extension = ascii_name.rpartition(".")
    if not (stem if dot else extension).strip("._ -"):
        ascii_name = fallback + (f".{extension}" if dot else "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


# Characters a file name cannot hold on some system, or that read as punctuation in one.
_NOT_IN_NAME = re.compile(r"[\s\\/:*?\"<>|'\u2018\u2019`,;()\[\]{}#%&+=!$@^~\x00-\x1f]+")


def name_words(text: str, most: int | None = None) -> str:
    """``text`` as words of a file name, joined by "-" ("UPR cycle: 3, Perú" is
    "UPR-cycle-3-Perú"): letters of any script, digits, "." and "_" kept, the rest a separator; past
    ``most`` characters cut at a word."""
    words = "-".join(part for part in _NOT_IN_NAME.sub("-", text).split("-") if part)
    if most is not None and len(words) > most:
        cut = words[: most + 1]  # its last character a "-" when the cut falls between two words
        words = cut.rsplit("-", 1)[0] if "-" in cut else words[:most]
    return words


def whole_filters(filters: Iterable[str], joiner: str, most: int) -> str:
    """The filters of a download's name (each already ``name_words``), joined by ``joiner``, as many
    whole ones as ``most`` characters hold: the name is cut between two filters, never inside one
    ("CRC_Pérou", not "CRC_Pérou_État-En", a status without its value). A first filter longer than
    ``most`` alone (a long search) is cut at a word: the name still says what it looked for."""
    kept = ""
    for part in filters:
        if not part:
            continue
        joined = f"{kept}{joiner}{part}" if kept else part
        if len(joined) > most:
            return kept or name_words(part, most)
        kept = joined
    return kept
