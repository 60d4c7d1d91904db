"""Reader for the UPR Info database CSV export (legacy encodings, CR-only lines, HTML entities)."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.countries import iso2_for
from app.feed.decoding import undecodable_line, wide_encoding
from app.feed.fields import cycle_for_session, html_to_text
from app.feed.headers import header_key
from app.feed.keys import label_key
from app.feed.records import MalformedInput, RecordError, Rejection, SourceRecord
from app.feed.sniff import broken_csv, csv_rows, file_kind, header_line, not_a_csv, other_import
from app.feed.values import (
    MAX_TEXT_CHARS,
    check_text,
    derived_id,
    named_label,
    named_labels,
    parse_int,
)

logger = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = (
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
)
# The organisation columns carry nothing a SourceRecord holds, so files without them are fine.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if not name.endswith("-Org"))

# "Supported/Noted" is UPR Info's word for a recommendation the State supported in part. A
# position is supported, noted or none (app.models.recommendation.POSITIONS): the supported part
# is work to follow up, so it counts as supported, as "Partially accepted" does.
_SUPPORTED = {
    "accepted",
    "accept",
    "supported",
    "support",
    "partially accepted",
    "partially supported",
    "supported noted",  # "Supported/Noted" once its key drops the slash (app.feed.keys.label_key)
    "accepted noted",
}
_NOTED = {"noted", "note", "rejected", "not accepted", "not supported"}

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

    def note(self) -> str | None:
        """What the run's record says of a guessed encoding (its page and the API show it): a wrong
        guess garbles every accented letter, and the one who imported must be able to tell."""
        if self.why is None:
            return None
        name = _ENCODING_NAMES.get(self.encoding, self.encoding)
        # What to do in words that hold on the staff page too, where no command option can be given.
        return (
            f"the file is not UTF-8: it was read as {name} ({self.why}); if its accented letters look "
            "wrong, save it as 'CSV UTF-8' and import it again"
        )


def read_upr_info_csv(
    path: Path, encoding: str | None = None, *, on_guess: Callable[[str], None] | None = None
) -> Iterator[SourceRecord | Rejection]:
    """Yield one record (or rejection) per data row of a UPR Info CSV.

    Without ``encoding`` the file is read as UTF-8 if it is valid UTF-8, else as Windows-1252 or
    Mac Roman, whichever the bytes support (see ``guess_encoding``); ``on_guess`` is then given the
    note saying which one was assumed.
    """
    kind = file_kind(path)
    if kind is not None:
        raise MalformedInput(not_a_csv(kind))
    if encoding is None:
        guess = guess_encoding(path)
        encoding = guess.encoding
        note = guess.note()
        if note is not None and on_guess is not None:
            on_guess(note)
    number = 0  # the last row read, for messages about the next one
    with path.open("rb") as raw:
        try:
            # newline="": the csv module then splits CR, LF and CRLF records itself, quoted
            # line breaks included, so old-Mac CR-only files need no rewriting.
            text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        except LookupError:
            raise MalformedInput(
                refusals.refusal(file_refusals.UNKNOWN_ENCODING, encoding=repr(encoding))
            ) from None
        try:
            first_line, header_number = header_line(text)
            if not first_line:
                raise MalformedInput(reasons.EMPTY_NO_HEADER)
            rows = csv_rows(first_line, text)
            header = next(rows)
            number = header_number
            columns = _column_positions(header)
            seen: dict[str, int] = {}
            for number, row in enumerate(rows, start=header_number + 1):
                if not any(cell.strip() for cell in row):
                    continue
                result = _read_row(row, columns, len(header), f"row {number}")
                if isinstance(result, SourceRecord):
                    first = seen.setdefault(result.external_id, number)
                    if first != number:
                        duplicate = refusals.refusal(reasons.DUPLICATE_OF_ROW, row=first)
                        result = Rejection(f"row {number}", duplicate, result.external_id)
                yield result
        except UnicodeDecodeError as exc:
            raise MalformedInput(_decoding_failure(path, encoding, exc)) from None
        except UnicodeError as exc:  # a decoder's own check: UTF-16 or UTF-32 without a byte order mark
            raise MalformedInput(
                refusals.refusal(file_refusals.CANNOT_DECODE_NAME_IT, encoding=encoding, reason=str(exc))
            ) from None
        except csv.Error as exc:
            raise MalformedInput(broken_csv(exc, number + 1)) from None


def _decoding_failure(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    where = undecodable_line(path, encoding)
    if where is None:  # cannot happen for a file that failed to decode; keep the decoder's words
        return refusals.refusal(file_refusals.CANNOT_DECODE, encoding=encoding, reason=exc.reason)
    line, byte = where
    return refusals.refusal(
        file_refusals.CANNOT_DECODE_AT, encoding=encoding, byte=repr(byte), line=line, reason=exc.reason
    )


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
        encoding, why = "mac_roman", "it holds bytes Windows-1252 leaves undefined"
    else:
        encoding, why = _likelier_legacy_encoding(windows[:_MAX_WINDOWS])
    # The run's record says it too (EncodingGuess.note): the summary line, the run's page, the API.
    logger.info("%s is not UTF-8; reading it as %s (%s)", path.name, encoding, why)
    return EncodingGuess(encoding, why)


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


def _likelier_legacy_encoding(windows: list[bytes]) -> tuple[str, str]:
    sample = b"\n".join(windows)
    cp1252 = _plausibility(sample.decode("cp1252"))
    mac_roman = _plausibility(sample.decode("mac_roman"))
    if mac_roman > cp1252:
        return "mac_roman", "its accented letters read as Mac Roman"
    if cp1252 > mac_roman:
        return "cp1252", "its accented letters read as Windows-1252"
    from charset_normalizer import from_bytes  # only for the rare undecided file

    best = from_bytes(sample, cp_isolation=["cp1252", "mac_roman", "latin_1"]).best()
    if best is not None and best.encoding == "mac_roman":
        return "mac_roman", "charset_normalizer's choice; the letters alone did not decide"
    # latin-1 equals Windows-1252 except that it reads 0x80-0x9f as control characters.
    return "cp1252", "the usual legacy encoding; the letters alone did not decide"


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


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    wanted = {header_key(name): name for name in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        name = wanted.get(header_key(value))
        if name is None:
            continue
        if name in positions:
            raise MalformedInput(refusals.refusal(refusals.COLUMN_TWICE, name=repr(name)))
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing and (other := other_import(header, "upr-info")):
        raise MalformedInput(other)
    if missing:
        found = ", ".join(repr(value.strip()) for value in header[:12])
        columns = ", ".join(map(repr, missing))
        raise MalformedInput(
            refusals.refusal(refusals.UPR_INFO_MISSING_COLUMNS, columns=columns, found=found)
        )
    return positions


def _read_row(
    row: Sequence[str], columns: dict[str, int], width: int, position: str
) -> SourceRecord | Rejection:
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        return Rejection(position, refusals.refusal(reasons.CELL_COUNT_STRAY, cells=len(row), header=width))

    def raw(name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def cell(name: str) -> str:
        return unescape(raw(name)).replace("\r\n", "\n").replace("\r", "\n").strip()

    try:
        state_under_review = named_label(cell("To"), "To")
        if not state_under_review:
            raise RecordError(refusals.refusal(reasons.EMPTY, field="To"))
        text = check_text(cell("Text"), "Text", MAX_TEXT_CHARS)
        if not html_to_text(text):
            raise RecordError(refusals.refusal(reasons.EMPTY, field="Text"))
        session = parse_int(cell("Session"), "Session")
        if session is None:
            raise RecordError(refusals.refusal(reasons.EMPTY, field="Session"))
        recommending_state = named_label(cell("From"), "From")
        region = named_label(cell("To-Rgrp"), "To-Rgrp")
        recommending_region = named_label(cell("From-Rgrp"), "From-Rgrp")
        return SourceRecord(
            source="upr-info",
            external_id=derived_id(
                _state_key(state_under_review), _state_key(recommending_state), str(session), text
            ),
            input_position=position,
            type="recommendation",
            mechanism="UPR",
            texts={"en": text},
            countries=[state_under_review],
            regions=[region] if region else [],
            recommending_states=[recommending_state] if recommending_state else [],
            recommending_regions=[recommending_region] if recommending_region else [],
            upr_session=session,
            upr_cycle=cycle_for_session(session),
            position=_position(cell("Response")),
            upr_info_action=parse_int(cell("Action"), "Action", low=1, high=5),
            # Split before decoding entities: an encoded comma ("&#44;") belongs inside an issue.
            issues=named_labels([unescape(part) for part in raw("Issue").split(",")], "Issue"),
        )
    except RecordError as exc:
        return Rejection(position, str(exc))


def _state_key(name: str) -> str:
    """A State's ISO code where known, so that renames between exports ("Turkey", "Türkiye") and
    spelling variants keep the id."""
    return iso2_for(name) or name


def _position(response: str) -> str:
    """Accepted/Supported -> supported, Noted/Rejected -> noted; anything else (empty, Pending,
    older words such as "Unclear" or "No response") means the State has not taken a position."""
    key = label_key(response)
    if key in _SUPPORTED:
        return "supported"
    if key in _NOTED:
        return "noted"
    return "none"
