"""Reader for the UHRI full export: one JSON array of ~270,000 objects (~360 MB per language).

The file is streamed with ijson so memory stays bounded by the largest single record. A record
that is unusable becomes a ``Rejection`` and the run goes on; a document that cannot be parsed
(truncated, not an array, not UTF-8, nested deeper than the format) raises ``MalformedInput`` so the
run writes nothing. A one-State run parses only the records it may keep: the others are passed over
by their bytes (``importers.uhri_scan``), so a syntax error inside one of them goes unnoticed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import ijson

from app.feed import file_refusals, refusals
from app.feed.records import (
    CountryFilter,
    KnownCheck,
    MalformedInput,
    RecordError,
    Rejection,
    Skipped,
    SourceRecord,
    Unchanged,
)
from app.feed.refusals import refusal
from app.feed.sniff import file_kind, kind_of, text_of_an_import, unicode_text
from app.feed.text_forms import text_forms
from app.feed.values import MAX_TEXT_CHARS
from importers.json_stream import GuardedStream, Slice, TooDeep
from importers.uhri_mapping import (
    annotation_id,
    as_object,
    external_id_or_none,
    not_an_object,
    record_text,
    to_record,
    translated_labels,
)
from importers.uhri_scan import BOUNDARY, Record, scan

__all__ = [
    "MAX_TEXT_CHARS",
    "Hashed",
    "Part",
    "Translated",
    "read_uhri_json",
    "read_uhri_json_hashed",
    "read_uhri_json_texts",
    "resolve_unchanged",
    "split_point",
]

# Bump when the mapping of a raw record changes, so stored records are mapped again.
READER_VERSION = 1

_UTF8_BOM = b"\xef\xbb\xbf"
_PEEK_BYTES = 4096


def read_uhri_json(
    path: Path,
    lang: str = "en",
    keep: CountryFilter | None = None,
    known: KnownCheck | None = None,
    part: Part | None = None,
) -> Iterator[SourceRecord | Rejection | Skipped | Unchanged]:
    """Yield one ``SourceRecord`` (or ``Rejection``) per object of a UHRI export, in file order.

    With ``keep``, a record whose Countries the filter refuses is passed over before it is mapped
    and counted in ``Skipped`` runs, most of them unparsed (``importers.uhri_scan``): importing one
    State costs less than parsing the whole export. The records kept come out exactly as a full
    parse gives them, and so does any fault a full parse finds, but for one: a syntax error inside a
    record passed over unparsed is not noticed. With ``known``, a record whose raw hash the pipeline
    already holds is ``Unchanged``. With ``part``, only the records of that part of the file are
    read, numbered from 1 (see ``split_point``).
    """
    for entry in _in_scope(path, keep, part):
        if not isinstance(entry, tuple):
            yield entry
            continue
        number, item = entry
        position = f"record {number}"
        source_hash = raw_hash(item)
        raw_id = _raw_id(item)
        if known is not None and raw_id is not None and known(raw_id, source_hash):
            yield Unchanged(raw_id, position)
            continue
        yield _mapped(item, position, lang, source_hash)


@dataclass(slots=True)
class Hashed:
    """A record mapped by a reader that does not know the stored hashes (one started before the
    run's transaction), with what ``resolve_unchanged`` needs to tell whether it is ``Unchanged``."""

    item: SourceRecord | Rejection
    raw_id: str | None  # the AnnotationId as the mapping gives it (trimmed, lower case), when it is text
    source_hash: str


def read_uhri_json_hashed(
    path: Path, lang: str, keep: CountryFilter | None, part: Part | None = None, *, forms: bool = True
) -> Iterator[Hashed | Rejection | Skipped]:
    """``read_uhri_json`` without ``known``: each object's mapping (or rejection) with its raw hash.
    ``resolve_unchanged`` then gives exactly what ``read_uhri_json`` gives with ``known``. With
    ``forms``, each record carries its ``text_forms`` too: that much of describing it needs
    nothing stored."""
    for entry in _in_scope(path, keep, part):
        if not isinstance(entry, tuple):
            yield entry
            continue
        number, item = entry
        source_hash = raw_hash(item)
        mapped = _mapped(item, f"record {number}", lang, source_hash)
        if forms and isinstance(mapped, SourceRecord):
            mapped.text_forms = text_forms(mapped.texts, mapped.symbol, mapped.source)
        yield Hashed(mapped, _raw_id(item), source_hash)


def resolve_unchanged(
    items: Iterable[Hashed | Rejection | Skipped], known: KnownCheck | None
) -> Iterator[SourceRecord | Rejection | Skipped | Unchanged]:
    """``read_uhri_json_hashed``'s items as ``read_uhri_json`` yields them with ``known``."""
    for item in items:
        if not isinstance(item, Hashed):
            yield item
        elif known is not None and item.raw_id is not None and known(item.raw_id, item.source_hash):
            yield Unchanged(item.raw_id, item.item.input_position)
        else:
            yield item.item


def _in_scope(
    path: Path, keep: CountryFilter | None, part: Part | None
) -> Iterator[tuple[int, dict[str, Any]] | Rejection | Skipped]:
    """(number, object) of each record ``keep`` does not pass over, runs of those it does as
    ``Skipped``, and a ``Rejection`` for an element that is no object."""
    skipped = 0
    entries = _stream_items(path, part) if keep is None else _scanned_items(path, keep, part)
    for entry in entries:
        if isinstance(entry, int):  # passed over by the scan, unparsed
            skipped += entry
            continue
        number, item = entry
        if keep is not None and _passed_over(item, keep):
            skipped += 1
            continue
        if skipped:
            yield Skipped(skipped)
            skipped = 0
        if isinstance(item, dict):
            yield number, item
        else:
            yield Rejection(f"record {number}", not_an_object(item))
    if skipped:
        yield Skipped(skipped)


def _passed_over(item: Any, keep: CountryFilter) -> bool:
    if type(item) is not dict:
        return False
    countries = item.get("Countries")
    try:
        return type(countries) is list and not keep(countries)
    except (TypeError, RecordError):  # labels that are not text: the mapping rejects them
        return False


def _raw_id(item: dict[str, Any]) -> str | None:
    external_id = item.get("AnnotationId")
    return external_id.strip().lower() if isinstance(external_id, str) else None


def _mapped(item: dict[str, Any], position: str, lang: str, source_hash: str) -> SourceRecord | Rejection:
    try:
        record = to_record(item, position, lang)
    except RecordError as exc:
        return Rejection(position, str(exc), external_id_or_none(item))
    record.source_hash = source_hash
    return record


class Translated(NamedTuple):
    """One record of a secondary-language export: its text, and its term labels in that language."""

    external_id: str
    text: str
    themes: tuple[str, ...] = ()
    affected_persons: tuple[str, ...] = ()


def read_uhri_json_texts(path: Path, lang: str) -> Iterator[Translated | Rejection]:
    """Yield a ``Translated`` (AnnotationId, Text, Themes, AffectedPersons) from a secondary-language
    export, to merge on AnnotationId.

    Only the id and the text are validated (unusable labels are left out): the other fields are taken
    from the main-language export. ``lang`` is not needed to read the file; it is kept so both readers
    are called alike.
    """
    del lang
    for number, item in _stream_items(path):
        position = f"record {number}"
        try:
            obj = as_object(item)
            yield Translated(
                annotation_id(obj),
                record_text(obj),
                translated_labels(obj, "Themes"),
                translated_labels(obj, "AffectedPersons"),
            )
        except RecordError as exc:
            yield Rejection(position, str(exc), external_id_or_none(item))


def raw_hash(item: dict[str, Any]) -> str:
    """A digest of the record exactly as the feed has it (and of this reader's version)."""
    payload = f"{READER_VERSION}|{item!r}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


# --- streaming ------------------------------------------------------------------------------


def _stream_items(path: Path, part: Part | None = None) -> Iterator[tuple[int, Any]]:
    """(1-based record number, parsed JSON value) for each element of the top-level array."""
    with path.open("rb") as file:
        _check_top_level(file, path)
        source: IO[bytes] | Slice = file
        offset = file.tell()
        if part is not None:
            start, end = part
            if start == 0:  # the first part: from the array's own "[" to the split, closed here
                source = Slice(file, offset, end, b"", b"]")
            else:  # a later part: opened here, closed by the array's own "]"
                source, offset = Slice(file, start, None, b"[", b""), start - 1
        yield from _numbered(_items(source, offset), path, 0)


def _scanned_items(path: Path, keep: CountryFilter, part: Part | None) -> Iterator[int | tuple[int, Any]]:
    """``_stream_items`` for one State: the records ``scan`` passes over unparsed come as runs
    (their count), the others parsed on their own, each exactly as ``_stream_items`` gives it.
    Where the scan stops, or a record does not parse on its own, the rest is parsed in full, so a
    fault is named (and numbered) as ``_stream_items`` names it."""
    with path.open("rb") as file:
        start, end = _check_top_level(file, path) + 1, None
        if part is not None:
            start, end = (start, part[1]) if part[0] == 0 else (part[0], None)
        number = 0
        cuts = scan(file, start, end, keep)
        for cut in cuts:
            if isinstance(cut, int):
                number += cut
                yield cut
                continue
            if isinstance(cut, Record):
                item = _parsed_alone(cut)
                if item is not _UNPARSED:
                    number += 1
                    yield number, item
                    continue
            # From this record's first byte on, as the full parse reads it.
            cuts.close()  # its blocks are not held while the rest is parsed
            rest = Slice(file, cut.start, end, b"[", b"" if end is None else b"]")
            yield from _numbered(_items(rest, cut.start - 1), path, number)
            return


_UNPARSED = object()


def _parsed_alone(record: Record) -> Any:
    """The value of one record's bytes, parsed as the full parse parses them (the same guard,
    parser and options, the same offsets); ``_UNPARSED`` when they are not exactly one value."""
    try:
        values = list(_items(io.BytesIO(b"[" + record.data + b"]"), record.start - 1))
    except (ijson.JSONError, TooDeep, UnicodeDecodeError):
        return _UNPARSED
    return values[0] if len(values) == 1 else _UNPARSED


def _items(source: IO[bytes] | Slice, offset: int) -> Iterator[Any]:
    """The elements of the array ``source`` holds; ``offset`` is where its first byte lies in the file."""
    items: Iterator[Any] = ijson.items(GuardedStream(source, offset), "item", use_float=True)
    return items


def _numbered(items: Iterator[Any], path: Path, number: int) -> Iterator[tuple[int, Any]]:
    """(number, value) of each element, counted on from ``number``; a fault as ``MalformedInput``."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except ijson.JSONError as exc:
            raise _malformed(exc, path, number + 1) from None
        except TooDeep as exc:
            raise MalformedInput(
                refusal(file_refusals.JSON_INVALID, name=path.name, reason=str(exc))
            ) from None
        except UnicodeDecodeError:  # what GuardedStream did not foresee: still the file's fault
            raise MalformedInput(
                refusal(file_refusals.JSON_NOT_UTF8, name=path.name, number=number + 1)
            ) from None
        number += 1
        yield number, item


# A part of an export: (0, split) or (split + 1, None); see split_point.
Part = tuple[int, int | None]

_SPLIT_WINDOW = 4 * 1024 * 1024


def split_point(path: Path) -> int | None:
    """The offset of a comma between two records near the middle of an export, or None."""
    size = path.stat().st_size
    with path.open("rb") as file:
        file.seek(size // 2)
        window = file.read(_SPLIT_WINDOW)
    match = BOUNDARY.search(window)
    return size // 2 + match.start(1) if match else None


_HEADER_BYTES = 64 << 10  # what is read of a text file that is no JSON: enough for a CSV header row


def _check_top_level(file: IO[bytes], path: Path) -> int:
    """Fail fast on a document that is not an array: ijson would silently yield nothing for it.

    Leaves the file positioned after any UTF-8 byte-order mark, which yajl does not accept, and
    returns the offset of the array's "[".
    """
    head = file.read(_PEEK_BYTES)
    start = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    # A binary file's NUL bytes (gzip's header, a PDF's) are not UTF-16's: name what it is first.
    kind = kind_of(head)
    if kind is not None and kind not in (refusals.KIND_JSON, refusals.KIND_HTML, refusals.KIND_XML):
        raise MalformedInput(refusals.refusal(refusals.NOT_THE_JSON_EXPORT, name=path.name, kind=kind))
    if unicode_text(head) and (named := text_of_an_import(head, "uhri-json")):
        raise MalformedInput(named)  # Excel's "Unicode Text" of a CSV import's columns
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        raise MalformedInput(refusal(file_refusals.JSON_UTF16, name=path.name))
    at, head = start, head[start:]
    text = head.lstrip(b" \t\r\n")
    while not text and head:
        at += len(head)
        head = file.read(_PEEK_BYTES)
        text = head.lstrip(b" \t\r\n")
    first = text[:1]
    if not first:
        raise MalformedInput(refusal(file_refusals.JSON_EMPTY, name=path.name))
    if first != b"[":
        if first == b"{" or first in b'"-0123456789tfn':
            top = file_refusals.JSON_TOP_OBJECT if first == b"{" else file_refusals.JSON_TOP_VALUE
            raise MalformedInput(refusal(top, name=path.name))
        kind = file_kind(path)
        if kind is None:
            # A CSV file of another import's columns (or UHRI's search export saved as CSV) is named.
            with path.open("rb") as again:
                if named := text_of_an_import(again.read(_HEADER_BYTES), "uhri-json"):
                    raise MalformedInput(named)
        kind = kind or refusals.KIND_NOT_JSON
        raise MalformedInput(refusals.refusal(refusals.NOT_THE_JSON_EXPORT, name=path.name, kind=kind))
    file.seek(start)
    return at + len(head) - len(text)


def _malformed(exc: Exception, path: Path, number: int) -> MalformedInput:
    detail = exc.args[0] if exc.args else exc
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    # yajl appends a multi-line excerpt of the raw input; the first line says what went wrong.
    first_line = str(detail).strip().splitlines()[0] if str(detail).strip() else type(exc).__name__
    if "UTF8" in first_line or "UTF-8" in first_line:
        return MalformedInput(refusal(file_refusals.JSON_NOT_UTF8, name=path.name, number=number))
    if "premature EOF" in first_line:  # yajl's words for a file cut short
        first_line = file_refusals.JSON_CUT_SHORT
    return MalformedInput(
        refusal(file_refusals.JSON_INVALID_AT, name=path.name, number=number, reason=first_line)
    )
