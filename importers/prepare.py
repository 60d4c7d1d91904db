"""What the pipeline computes from a record before it touches the database.

Keys and labels of its terms, its mechanism's code, plain text, search document, paragraph and
content hash: everything but row ids. It runs wherever the reader runs, so for a large export it
runs in the reader's own process (see reader_process), next to the parsing, and the importing
process is left with the ids and the statements.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.feed.countries import resolve_country_alias
from app.feed.fields import (
    ROLE_FIELDS,
    SCALAR_FIELDS,
    content_hash,
    html_to_text,
    paragraph_number,
    search_document,
)
from app.feed.keys import label_key
from app.feed.mechanisms import resolve_mechanism
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
from importers.reader_process import ReaderProcess, read_in_process
from importers.uhri_json import Part, read_uhri_json, split_point

MAX_LABEL_CHARS = 1000
MAX_KEY_CHARS = 255  # terms.key and mechanism_labels.key

TermKey = tuple[str, str]  # (kind, key)


class Naming:
    """The run's view of the taxonomies by key: stored labels, and first-seen labels of new terms.

    Built from the database when the run starts; a copy travels to the reader process. Both see
    the records in the same order, so both name a new term by the same (first-seen) label.
    """

    def __init__(
        self, labels: dict[TermKey, str], mechanism_codes: dict[str, str], role_kind: dict[str, str]
    ) -> None:
        self.labels = labels  # (kind, key) -> label
        self.mechanism_codes = mechanism_codes  # label key of a body's label -> mechanism code
        # app.models.taxonomy.ROLE_KIND, passed in: a reader process need not import the models.
        self.role_kind = role_kind
        self._terms: dict[tuple[str, str], TermKey] = {}

    def role_key(self, role: str, raw: str) -> tuple[str, str]:
        """(key, display label) of a raw label in a role; States resolve 2-letter stubs."""
        kind = self.role_kind[role]
        label = resolve_country_alias(raw) if kind == "state" else raw
        key = label if kind == "sdg" else label_key(label)
        if not key:
            raise RecordError(f"{ROLE_FIELDS[role]}: empty label")
        if len(key) > MAX_KEY_CHARS:  # folding can lengthen a label ("&" -> "and", ligatures)
            raise RecordError(f"{ROLE_FIELDS[role]}: the label {label[:40]!r}... is too long")
        return key, label

    def term(self, role: str, raw: str) -> TermKey:
        found = self._terms.get((role, raw))
        if found is None:
            kind = self.role_kind[role]
            key, label = self.role_key(role, raw)
            if (kind, key) not in self.labels:
                if kind == "sdg":
                    raise RecordError(f"Sdgs: {key!r} is not an SDG goal or target")
                self.labels[(kind, key)] = label[:MAX_LABEL_CHARS]
            found = self._terms[(role, raw)] = (kind, key)
        return found

    def mechanism_code(self, raw: str) -> str:
        key = label_key(raw)
        if not key:
            raise RecordError("Body: missing")
        if len(key) > MAX_KEY_CHARS:
            raise RecordError(f"Body: the label {raw[:40]!r}... is too long")
        code = self.mechanism_codes.get(key)
        if code is None:
            code = self.mechanism_codes[key] = resolve_mechanism(raw).code
        return code


@dataclass(slots=True)
class Described:
    """A record with everything computed that needs no database."""

    record: SourceRecord
    mechanism_code: str
    terms: dict[str, list[TermKey]]  # role -> its terms, sorted by label
    labels: dict[TermKey, str]  # the label of each of its terms (creates a new term with it)
    content_hash: str
    plain: dict[str, str]  # sanitised plain text by language
    search: str
    paragraph: str | None

    def canonical_values(self) -> dict[str, Any]:
        """The feed-owned values the content hash covers (labels as stored)."""
        record = self.record
        canonical: dict[str, Any] = {name: getattr(record, name) for name in SCALAR_FIELDS}
        canonical["mechanism"] = self.mechanism_code
        canonical["texts"] = dict(sorted(record.texts.items()))
        for role, keys in self.terms.items():
            canonical[role] = [self.labels[key] for key in keys]
        return canonical


def describe(record: SourceRecord, naming: Naming) -> Described:
    code = naming.mechanism_code(record.mechanism)
    terms: dict[str, list[TermKey]] = {}
    labels: dict[TermKey, str] = {}
    for role, attr in ROLE_FIELDS.items():
        values = getattr(record, attr)
        if not values:
            continue
        keys = {naming.term(role, raw) for raw in values}
        for key in keys:
            labels[key] = naming.labels[key]
        terms[role] = sorted(keys, key=labels.__getitem__)
    plain = {lang: html_to_text(original) for lang, original in record.texts.items()}
    primary = plain.get("en") or next(iter(plain.values()), "")
    described = Described(
        record, code, terms, labels, "", plain, search_document(plain.values()), paragraph_number(primary)
    )
    described.content_hash = content_hash(described.canonical_values())
    return described


Item = SourceRecord | Described | Rejection | Skipped | Unchanged


def describe_all(
    items: Iterable[SourceRecord | Rejection | Skipped | Unchanged], naming: Naming
) -> Iterator[Item]:
    """``items`` with each record described; a record that cannot be becomes a rejection."""
    for item in items:
        if isinstance(item, SourceRecord):
            try:
                yield describe(item, naming)
            except RecordError as exc:
                yield Rejection(item.input_position, str(exc), item.external_id)
        else:
            yield item


def read_uhri_json_described(
    path: Path,
    lang: str,
    keep: CountryFilter | None,
    known: KnownCheck | None,
    naming: Naming,
    part: Part | None = None,
) -> Iterator[Item]:
    """The UHRI JSON reader's items, described: what a reader process sends the pipeline."""
    return describe_all(read_uhri_json(path, lang, keep, known, part), naming)


class SplitFailed(Exception):
    """A part of an export split in two did not parse: read it again as one (see read_in_halves)."""


def read_in_halves(
    path: Path, lang: str, keep: CountryFilter | None, known: KnownCheck | None, naming: Naming
) -> Generator[Item, None, None]:
    """The described items of a UHRI export read by two processes, each parsing half the file.

    For a run that keeps few records (one State's) parsing is nearly all the work: two halves
    parsed side by side take half the time. The second half's items wait in a temporary file
    until the first half's are consumed, then follow them, renumbered. If a half fails to parse
    (a malformed file, or a split that is not between two records) this raises ``SplitFailed``:
    the caller starts again with one reader, which names the fault.
    """
    split = split_point(path)
    if split is None:
        yield from read_in_process(read_uhri_json_described, path, lang, keep, known, naming)
        return
    args = (read_uhri_json_described, path, lang, keep, known, naming)
    with tempfile.TemporaryFile(prefix="nrtd-import-") as spill:
        second = ReaderProcess(*args, spill=spill, part=(split + 1, None))
        try:
            offset = 0
            for item in read_in_process(*args, part=(0, split)):
                offset += item.count if isinstance(item, Skipped) else 1
                yield item
            for item in second.items():
                yield _renumbered(item, offset)
        except MalformedInput as exc:
            raise SplitFailed(str(exc)) from exc
        finally:
            second.close()


def _renumbered(item: Item, offset: int) -> Item:
    """An item of the second half, with its position counted from the start of the file."""
    target = item.record if isinstance(item, Described) else item
    if isinstance(target, Skipped):
        return item
    word, _, number = target.input_position.partition(" ")
    target.input_position = f"{word} {int(number) + offset}"
    return item
