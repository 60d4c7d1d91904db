"""The normalised record every reader yields, and what a reader says about a bad record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.feed.text_forms import TextForms


class MalformedInput(Exception):
    """The input as a whole is unusable (truncated, wrong columns, not a spreadsheet, bad encoding).

    The run fails and writes nothing.
    """


class RecordError(ValueError):
    """One record is unusable; it is rejected with this reason and the run goes on."""


@dataclass(slots=True)
class SourceRecord:
    """A recommendation as one source describes it, already normalised.

    Labels (countries, themes, ...) are kept as the source spells them, trimmed; the pipeline maps
    them onto taxonomy terms by normalised key. ``texts`` maps a language code to the original
    text (HTML for UHRI).
    """

    source: str  # "uhri" | "upr-info" | "manual"
    external_id: str
    input_position: str  # where it stands in the input, for rejections: "record 12", "row 7"
    type: str  # "recommendation" | "observation"
    mechanism: str  # the body label as the source gives it, "- " prefix removed
    texts: dict[str, str]
    document_id: str | None = None
    symbol: str | None = None
    publication_date: date | None = None
    uhri_published_at: datetime | None = None
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    affected_persons: list[str] = field(default_factory=list)
    sdgs: list[str] = field(default_factory=list)  # codes: "5", "5.2", "16.a"
    upr_cycle: int | None = None
    upr_session: int | None = None
    position: str = "none"  # UPR position: "supported" | "noted" | "none"
    recommending_states: list[str] = field(default_factory=list)
    recommending_regions: list[str] = field(default_factory=list)
    upr_info_action: int | None = None
    issues: list[str] = field(default_factory=list)
    source_hash: str | None = None  # hash of the raw source record, when the reader computes one
    # Its texts' plain, search and paragraph forms, when a reader process computed them (derived
    # from ``texts``: not compared, not shown).
    text_forms: TextForms | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Rejection:
    input_position: str
    reason: str
    external_id: str | None = None
    # A row rejected for its fields: every problem found (``reason`` holds the first ten) and the
    # States it names as (column, label), so that the import's check of misspelt States, which an
    # accepted row meets once read, names theirs too (importers/csv_runs.py). Not compared: the same
    # rejection however it was made.
    problems: tuple[str, ...] = field(default=(), compare=False)
    states: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(slots=True)
class Skipped:
    """Records a reader passed over cheaply because they concern none of the tracked countries."""

    count: int = 1


@dataclass(slots=True)
class Unchanged:
    """A record the pipeline already holds with the same raw source hash: nothing to map or write."""

    external_id: str
    input_position: str


# Given an external id and a raw source hash, whether the stored record is exactly that.
KnownCheck = Callable[[str, str], bool]


class KnownHashes:
    """The raw source hashes of the stored, live records of a source: a picklable ``KnownCheck``.

    A raw hash covers the whole source record, its id included, so an equal hash is that record.
    """

    def __init__(self, hashes: frozenset[str]) -> None:
        self.hashes = hashes

    def __call__(self, external_id: str, source_hash: str) -> bool:
        return source_hash in self.hashes


# Given a record's raw country labels, whether the run keeps it.
CountryFilter = Callable[[list[str]], bool]
