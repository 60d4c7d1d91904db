"""The preparing stage: a reader's records kept by the run's scope and described.

Described means everything computed that needs no database: keys and labels of its terms, its
mechanism's code, plain text, search document, paragraph and content hash. For every State's
records from a large export it runs in the reader's own process (see reader_process), next to the
parsing, and the importing process is left with the ids and the statements. One State's readers
(importers.halves) start before the run knows the stored taxonomy: they compute only the texts'
forms (``SourceRecord.text_forms``), and the importing process describes the few records kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.feed.countries import CountryMatcher
from app.feed.fields import (
    ROLE_FIELDS,
    SCALAR_FIELDS,
    content_hash,
)
from app.feed.records import (
    CountryFilter,
    KnownCheck,
    RecordError,
    Rejection,
    Skipped,
    SourceRecord,
    Unchanged,
)
from app.feed.text_forms import text_forms
from importers.halves import HalfReaders, SplitFailed
from importers.pipeline.terms import TermIndex, TermKey
from importers.scope import in_scope
from importers.uhri_json import Part, read_uhri_json, resolve_unchanged

__all__ = [
    "Described",
    "Prepared",
    "SplitFailed",
    "describe",
    "prepare",
    "read_in_halves",
    "read_uhri_json_described",
]


@dataclass(slots=True)
class Described:
    """A record with everything computed that needs no database: the one description of a record
    the pipeline writes from (its ids are looked up in the TermIndex as it is written)."""

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

    def rehash(self) -> dict[str, Any]:
        """Hash the record again after a field of it changed; its canonical values, hashed."""
        canonical = self.canonical_values()
        self.content_hash = content_hash(canonical)
        return canonical


def describe(record: SourceRecord, terms: TermIndex) -> Described:
    code = terms.mechanism_code(record.mechanism)
    keys_by_role: dict[str, list[TermKey]] = {}
    labels: dict[TermKey, str] = {}
    for role, attr in ROLE_FIELDS.items():
        values = getattr(record, attr)
        if not values:
            continue
        keys = {terms.term(role, raw) for raw in values}
        for key in keys:
            labels[key] = terms.labels[key]
        keys_by_role[role] = sorted(keys, key=labels.__getitem__)
    forms = record.text_forms or text_forms(record.texts, record.symbol, record.source)
    described = Described(record, code, keys_by_role, labels, "", forms.plain, forms.search, forms.paragraph)
    described.rehash()
    return described


# What the pipeline consumes: a reader's items once prepared.
Prepared = Described | Rejection | Skipped | Unchanged


def prepare(
    items: Iterable[SourceRecord | Prepared], keep: CountryFilter | None, terms: TermIndex
) -> Iterator[Prepared]:
    """A reader's items kept by the run's scope, each record described; a record that cannot be
    described becomes a rejection. Items prepared already (by a reader process) pass as they are."""
    for item in in_scope(items, keep):
        if isinstance(item, SourceRecord):
            try:
                yield describe(item, terms)
            except RecordError as exc:
                yield Rejection(item.input_position, str(exc), item.external_id)
        else:
            yield item


def read_uhri_json_described(
    path: Path,
    lang: str,
    keep: CountryFilter | None,
    known: KnownCheck | None,
    terms: TermIndex,
    part: Part | None = None,
) -> Iterator[Prepared]:
    """The UHRI JSON reader's items, prepared: what a reader process sends the pipeline."""
    return prepare(read_uhri_json(path, lang, keep, known, part), keep, terms)


def read_in_halves(
    path: Path, lang: str, keep: CountryMatcher, known: KnownCheck | None, terms: TermIndex
) -> Iterator[Prepared]:
    """The described items of a UHRI export read by two processes, each parsing half the file
    (see ``HalfReaders``; ``SplitFailed`` when a half does not parse)."""
    return prepare(resolve_unchanged(HalfReaders(path, lang, keep).items(), known), keep, terms)
