"""Which encoding a UPR Info CSV is in: UTF-8, a byte-order mark's, or (read from its accented
letters) Windows-1252 or Mac Roman, the legacy encodings its exports were saved in.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.feed import file_refusals, refusals
from app.feed.decoding import undecodable_line, unmarked_wide, wide_encoding
from app.feed.records import MalformedInput

# The reader's name: a guess is logged as the reading of the file it is (importers.upr_info_csv).
logger = logging.getLogger("importers.upr_info_csv")

_CHUNK = 1 << 20
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_WINDOW_SIDE = 30  # bytes of the line kept on either side of a run of non-ASCII bytes
_MAX_WINDOWS = 5000
_APOSTROPHES = {"\u2019", "\u2018", "\u02bc"}
_COMMON_MARKS = set("\u201c\u201d\u2013\u2014\u2026\u2022\u20ac\xab\xbb\xb0\xa0\xa7\xa9\xae\u201e\u201a")


_ENCODING_NAMES = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman"}


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding a file is read in, and why, when its bytes alone did not settle it (``why`` is
    None for UTF-8 and for a byte-order mark)."""

    encoding: str
    why: str | None = None
    # False when the accented letters did not settle it (a tie, broken by charset_normalizer or by
    # Windows-1252 being the commoner): good enough for UPR Info's exports, whose encodings are known
    # to be these, not for a file typed by anyone (the CSV template), which is then refused.
    decided: bool = True

    def note(self) -> str | None:
        """What the run's record says of a guessed encoding (its page and the API show it): a wrong
        guess garbles every accented letter, and the one who imported must be able to tell."""
        if self.why is None:
            return None
        name = _ENCODING_NAMES.get(self.encoding, self.encoding)
        # What to do in words that hold on the staff page too, where no command option can be given; a
        # catalogue message, which the run's page says in its language.
        return refusals.refusal(file_refusals.READ_AS_LEGACY_ENCODING, encoding=name, why=self.why)


def detect_encoding(path: Path) -> str:
    return guess_encoding(path).encoding


def guess_encoding(path: Path) -> EncodingGuess:
    """The encoding of a UPR Info CSV: "utf-8-sig" (BOM or not), "cp1252" or "mac_roman"; "utf-16" or
    "utf-32" for a file that starts with their byte-order mark.

    Reads the file in chunks. Windows-1252 and Mac Roman both decode any byte sequence, so the choice
    rests on evidence: bytes Windows-1252 leaves undefined mean Mac Roman; otherwise the decoding whose
    non-ASCII characters look like text (accented letters inside words, quotes beside spaces) wins,
    charset_normalizer breaks a tie, and Windows-1252, the commoner one, wins what is left.
    A guess is logged and noted on the run, because a wrong one would corrupt every accented letter.
    """
    # Every other character of UTF-16 is a NUL byte, so it is named before the NUL check below.
    wide = wide_encoding(path)
    if wide is not None:
        logger.warning(
            "%s is not UTF-8; reading it as %s (it starts with that byte-order mark)", path.name, wide
        )
        return EncodingGuess(wide)
    if (unmarked := unmarked_wide(path)) is not None:
        raise MalformedInput(refusals.refusal(file_refusals.UNMARKED_UTF16, encoding=unmarked))
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    utf8_failure: UnicodeDecodeError | None = None
    utf8_letters_seen = False
    has_cp1252_undefined = False
    windows: list[bytes] = []
    with path.open("rb") as raw:
        # UTF-8's byte-order mark says UTF-8 as surely as an accented letter in it does.
        utf8_marked = raw.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        raw.seek(0)
        while chunk := raw.read(_CHUNK):
            if b"\x00" in chunk:
                raise MalformedInput(file_refusals.NUL_BYTES)
            if utf8_failure is None:
                utf8_failure, non_ascii = _decode_utf8(decoder, chunk, final=False)
                utf8_letters_seen = utf8_letters_seen or non_ascii
            has_cp1252_undefined = has_cp1252_undefined or bool(_CP1252_UNDEFINED.search(chunk))
            if len(windows) < _MAX_WINDOWS:
                windows.extend(_non_ascii_windows(chunk))
    if utf8_failure is None:
        utf8_failure, _ = _decode_utf8(decoder, b"", final=True)
        if utf8_failure is None:
            return EncodingGuess("utf-8-sig")
    if utf8_letters_seen or utf8_marked:
        # Valid multi-byte UTF-8 first, then bytes that are not: no single decoding reads it right.
        bad = utf8_failure.object[utf8_failure.start : utf8_failure.start + 1]
        how = file_refusals.BY_ITS_MARK if utf8_marked and not utf8_letters_seen else ""
        where = undecodable_line(path, "utf-8-sig")
        line = refusals.refusal(file_refusals.ON_LINE, number=where[0]) if where else ""
        raise MalformedInput(
            refusals.refusal(file_refusals.MIXED_ENCODINGS, how=how, byte=repr(bad), line=line)
        )
    if has_cp1252_undefined:
        encoding, why, decided = "mac_roman", file_refusals.UNDEFINED_IN_WINDOWS_1252, True
    else:
        encoding, why, decided = _likelier_legacy_encoding(windows[:_MAX_WINDOWS])
    _refuse_unreadable_letters(windows[:_MAX_WINDOWS], encoding)
    # The run's record says it too (EncodingGuess.note): the summary line, the run's page, the API.
    logger.info("%s is not UTF-8; reading it as %s (%s)", path.name, encoding, why)
    return EncodingGuess(encoding, why, decided)


def _non_ascii_windows(chunk: bytes) -> Iterator[bytes]:
    """What ``[^\r\n]{0,30}[\x80-\xff]+[^\r\n]{0,30}`` finds in ``chunk`` (the text around each
    accented letter), found from the non-ASCII bytes alone: that pattern, tried at every byte of a
    long ASCII text, backtracks 30 bytes at each (two seconds a megabyte)."""
    side = _WINDOW_SIDE
    position = 0
    while (found := _NON_ASCII.search(chunk, position)) is not None:
        first = found.start()
        # The match starts as far back as 30 bytes of the same line allow, not before the last one.
        start = max(position, first - side)
        start = max(start, chunk.rfind(b"\n", start, first) + 1, chunk.rfind(b"\r", start, first) + 1)
        # Its leading part is greedy: the run it ends at is the last one starting within 30 bytes.
        reach = min(len(chunk), start + side + 1)
        reach = min(_line_end(chunk, start, reach), reach)
        anchor = first
        for run in _NON_ASCII.finditer(chunk, first, reach):
            anchor = run.start()
        run_end = _NON_ASCII.match(chunk, anchor)
        assert run_end is not None
        end = _line_end(chunk, run_end.end(), min(len(chunk), run_end.end() + side))
        yield chunk[start:end]
        position = end


def _line_end(chunk: bytes, start: int, stop: int) -> int:
    """The first CR or LF in ``chunk[start:stop]``, else ``stop``."""
    breaks = [i for i in (chunk.find(b"\n", start, stop), chunk.find(b"\r", start, stop)) if i >= 0]
    return min(breaks, default=stop)


def _decode_utf8(
    decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool
) -> tuple[UnicodeDecodeError | None, bool]:
    """The decoding error, if any, and whether non-ASCII text decoded cleanly before it."""
    try:
        text = decoder.decode(chunk, final)
    except UnicodeDecodeError as exc:
        valid = exc.object[: exc.start].decode("utf-8-sig", errors="ignore")
        return exc, not valid.isascii()
    return None, not text.isascii()


def _likelier_legacy_encoding(windows: list[bytes]) -> tuple[str, str, bool]:
    """The encoding, why, and whether the letters decided it."""
    sample = b"\n".join(windows)
    cp1252 = _plausibility(sample.decode("cp1252"))
    mac_roman = _plausibility(sample.decode("mac_roman"))
    if mac_roman > cp1252:
        return "mac_roman", file_refusals.LETTERS_READ_AS_MAC_ROMAN, True
    if cp1252 > mac_roman:
        return "cp1252", file_refusals.LETTERS_READ_AS_WINDOWS_1252, True
    from charset_normalizer import from_bytes  # only for the rare undecided file

    best = from_bytes(sample, cp_isolation=["cp1252", "mac_roman", "latin_1"]).best()
    if best is not None and best.encoding == "mac_roman":
        return "mac_roman", file_refusals.CHARSET_NORMALIZER_CHOICE, False
    # latin-1 equals Windows-1252 except that it reads 0x80-0x9f as control characters.
    return "cp1252", file_refusals.USUAL_LEGACY_ENCODING, False


_WORD_WITH_A_LETTER = re.compile(r"\S*[^\x00-\x7f]\S*")


def _refuse_unreadable_letters(windows: list[bytes], encoding: str) -> None:
    """Refuse a file whose accented letters, read in the encoding chosen (the likelier of the two, or
    Mac Roman when Windows-1252 cannot read it), still do not look like text: it is in neither (a DOS
    code page, as Excel's "CSV (MS-DOS)" writes), and read anyway every accented letter would be
    garbled ("educaci¢n")."""
    text = b"\n".join(windows).decode(encoding)
    if _plausibility(text) >= 0 or not _garbled_word(text):
        return  # a sign alone ("m²", "± 1") is no garbled letter
    word = _WORD_WITH_A_LETTER.search(text)
    shown = repr(word.group()[:40]) if word else "?"
    name = _ENCODING_NAMES.get(encoding, encoding)
    raise MalformedInput(refusals.refusal(file_refusals.NO_LEGACY_ENCODING, encoding=name, word=shown))


def _garbled_word(text: str) -> bool:
    """Whether a word of ``text`` holds what a wrong decoding makes of a letter: a sign inside it
    ("educaci¢n") or a capital inside a lower-case word ("bilingÅe")."""
    for index, char in enumerate(text):
        if char.isascii():
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if _character_score(char, before, after) == -2:
            return True
    return False


def _plausibility(text: str) -> int:
    """How much the non-ASCII characters of a decoding look like real text (higher is likelier)."""
    score = 0
    for index, char in enumerate(text):
        if char.isascii():
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        score += _character_score(char, before, after)
    return score


def _character_score(char: str, before: str, after: str) -> int:
    category = unicodedata.category(char)
    if category[0] == "C":
        return -5
    if category in ("Lu", "Ll", "Lt", "Lo"):
        # A capital inside a lower-case word is what a wrong decoding produces: "dÕveloppement".
        if category == "Lu" and (before.islower() or (before.isalpha() and after.islower())):
            return -2
        return 1 if before.isalpha() or after.isalpha() else 0
    if char in _APOSTROPHES:
        return 1
    if before.isalpha() and after.isalpha():
        return -2  # a dash or symbol inside a word, as in "ni\u2013os" for "ni\u00f1os"
    return 1 if char in _COMMON_MARKS else -1
