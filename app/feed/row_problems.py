"""Every problem of one rejected record, not only the first: a reader checks each field of a row on its
own, and a row with several faults (an empty mechanism, a date typed the spreadsheet's way, an unknown
language) is rejected naming them all, so that whoever corrects the file fixes them in one go.

The problems are stored as one rejection's reason, one a line (each a message of
app/feed/record_refusals.py, read back and translated line by line), at most ``MAX_PROBLEMS`` of them
and ``MAX_REASON_CHARS`` in all: past that, a last line says how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.feed import record_refusals as reasons
from app.feed.records import RecordError, Rejection
from app.feed.refusals import refusal

SEPARATOR = "\n"
MAX_PROBLEMS = 10
# What a rejection's reason may hold (importers/pipeline/state.py stores no more).
MAX_REASON_CHARS = 2000
_MORE_ROOM = 60  # kept for the line saying how many more there are

_T = TypeVar("_T")


class Problems:
    """The problems found in one record so far, field by field."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, parse: Callable[..., _T], *args: Any, default: _T, **kwargs: Any) -> _T:
        """``parse(*args, **kwargs)``, or ``default`` when it raises ``RecordError``, whose reason is
        kept."""
        try:
            return parse(*args, **kwargs)
        except RecordError as exc:
            self.found.extend(problems_of(str(exc)))
            return default

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def __bool__(self) -> bool:
        return bool(self.found)

    def reason(self) -> str:
        return joined(self.found)

    def raise_any(self) -> None:
        if self.found:
            raise RecordError(self.reason())

    def rejection(
        self, position: str, external_id: str | None = None, *, states: Sequence[tuple[str, str]] = ()
    ) -> Rejection:
        """The record's rejection naming every problem found, with the States it names as (column,
        label): the import checks those for misspellings as it checks an accepted record's."""
        return Rejection(
            position,
            self.reason(),
            external_id,
            problems=tuple(self.found),
            states=tuple((column, label) for column, label in states if label),
        )


def with_problems(rejection: Rejection, more: Sequence[str]) -> Rejection:
    """``rejection`` naming ``more`` problems after its own (a misspelt State found once the row was
    read), so that whoever corrects the file fixes them all in one go."""
    if not more:
        return rejection
    found = list(rejection.problems) or problems_of(rejection.reason)
    return Rejection(rejection.input_position, joined([*found, *more]), rejection.external_id)


def joined(problems: Sequence[str]) -> str:
    """The problems as one stored reason, one a line: the first ``MAX_PROBLEMS`` that fit in
    ``MAX_REASON_CHARS``, then how many more there are."""
    kept: list[str] = []
    size = 0
    for index, problem in enumerate(problems):
        line = problem.replace(SEPARATOR, " ")  # a problem is one line (a value quoted with repr is)
        if index == MAX_PROBLEMS or size + len(line) > MAX_REASON_CHARS - _MORE_ROOM:
            more = len(problems) - index
            kept.append(refusal(reasons.MORE_PROBLEMS, count=more) if more > 1 else reasons.MORE_PROBLEM)
            break
        kept.append(line)
        size += len(line) + len(SEPARATOR)
    return SEPARATOR.join(kept)


def problems_of(reason: str) -> list[str]:
    """A stored reason's problems, one per line (a reason stored before a row's problems were all
    named is one problem)."""
    return reason.split(SEPARATOR)
