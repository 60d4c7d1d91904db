"""What one run counts and carries between its stages: counts, linked records, batches, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.feed.records import MalformedInput, Rejection
from importers.pipeline.prepare import Described

BATCH_SIZE = 500
MAX_STORED_REJECTIONS = 10_000
SHOWN_REJECTIONS = 20  # the first rejections a run keeps in memory, for the command to print
MIN_DATE = date(1, 1, 1)
# Columns whose Python values SQLite stores as text the way SQLAlchemy writes them.
SQLITE_CONVERTED = ("publication_date", "uhri_published_at", "sort_date")
# Fields some formats do not carry: a missing value there means "not given", not "removed".
KEPT_WHEN_ABSENT = ("document_id", "uhri_published_at")


@dataclass
class Counts:
    read: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0

    def summary(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items())


@dataclass(slots=True)
class Linked:
    """A described record with the ids it is written with: its mechanism's and, by role, its terms'."""

    described: Described
    mechanism_id: int
    links: dict[str, list[int]]  # role -> term ids
    row: tuple[Any, ...] = ()  # a new record's row, id left out


@dataclass
class _Batch:
    """A linked batch, for the writer thread."""

    rejections: list[Rejection] = field(default_factory=list)
    known: list[tuple[str, int]] = field(default_factory=list)  # unchanged: (external id, row id)
    new: list[Linked] = field(default_factory=list)
    changed: list[tuple[int, Linked]] = field(default_factory=list)


@dataclass(slots=True)
class _Stored:
    id: int
    content_hash: str
    source_hash: str | None
    withdrawn: bool


@dataclass(slots=True)
class Twin:
    """A row stored under the same key as another one (a UHRI id in another case, by an older
    release): the record ``_UpserterState.stored`` matches is the other one."""

    id: int
    external_id: str
    withdrawn: bool


@dataclass
class _Seen:
    """What this run has seen, keyed by external id: the input position and the row id."""

    positions: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    # Rejected records whose id could not be read: which stored ones they are is unknown.
    unidentified: int = 0


class WithdrawalRefused(MalformedInput):
    """A full export that would withdraw more of its scope than the operator allows; nothing is written."""
