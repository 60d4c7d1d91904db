"""One State from a large UHRI export: two reader processes, each parsing half the file.

For a run that keeps few records (one State's) parsing is nearly all the work: two halves parsed
side by side take half the time. The readers need nothing of the database (no stored hashes, no
taxonomy): they parse, pass over the other States' records and map the State's own, each with its
raw hash; the importing process then tells the unchanged ones (``resolve_unchanged``) and describes
the rest. So ``nrtd import uhri`` starts them (``started_for_run``) before it loads SQLAlchemy, the
models and the pipeline, and the file is parsed while those load.

This module is imported before the database layer: it loads only the reader, the reader process
and the country rule.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.feed.countries import CountryMatcher
from app.feed.records import MalformedInput, Rejection, Skipped
from importers.reader_process import ReaderProcess
from importers.scope import ImportUsageError, export_format, scope_country
from importers.uhri_json import Hashed, read_uhri_json_hashed, split_point

if TYPE_CHECKING:
    from app.core.config import Settings

# From this size on, "auto" parses a JSON export in a process of its own (the sample feeds stay in one).
READER_PROCESS_MIN_BYTES = 16 * 1024 * 1024

# Readers started ahead (``started_for_run``) parse while the importing process loads SQLAlchemy,
# the models and the pipeline: on two cores that takes the second core, and one reader measured
# faster than two, using less CPU in all (docs/benchmarks.md). The run's own readers start when the
# importing process has only to wait for their items: two halves then use both cores.
AHEAD_SPLIT_MIN_CORES = 3

HalfItem = Hashed | Rejection | Skipped


def _free_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


class SplitFailed(Exception):
    """A part of an export split in two did not parse: read it again as one (see HalfReaders)."""


def reads_separately(settings: Settings, path: Path) -> bool:
    """Whether to parse a JSON export in reader processes of its own (see reader_process)."""
    mode = settings.import_reader_process
    return mode == "always" or (mode == "auto" and path.stat().st_size >= READER_PROCESS_MIN_BYTES)


class HalfReaders:
    """The items of one State's records in a UHRI export, read by two processes started at once.

    The file is split at a comma between two records near its middle (``split_point``); without
    one, or without ``split``, a single process reads it all. The second
    half's items wait in a temporary file until the first half's are consumed, then follow them,
    renumbered. If a half fails to parse (a malformed file, or a split that is not between two
    records) ``items`` raises ``SplitFailed``: the caller starts again with one reader, which
    names the fault.
    """

    def __init__(
        self, path: Path, lang: str, keep: CountryMatcher, *, split: bool = True, fork: bool = False
    ) -> None:
        self.path = path
        self.lang = lang
        self.keep = keep
        at = split_point(path) if split else None
        # Closed by close(), which items() calls at its end and the run's owner on leaving.
        self._spill = None if at is None else tempfile.TemporaryFile(prefix="nrtd-import-")  # noqa: SIM115
        self._second: ReaderProcess | None = None
        try:
            # The readers compute the records' text forms: passing the other States' records over
            # unparsed (importers.uhri_scan), even one reader is done before the importing
            # process, which loads the database layer meanwhile, has described what it sent.
            if at is None:
                self._first = ReaderProcess(read_uhri_json_hashed, path, lang, keep, fork=fork)
            else:
                self._second = ReaderProcess(
                    read_uhri_json_hashed,
                    *(path, lang, keep),
                    spill=self._spill,
                    part=(at + 1, None),
                    fork=fork,
                )
                self._first = ReaderProcess(read_uhri_json_hashed, path, lang, keep, part=(0, at), fork=fork)
        except BaseException:
            self.close()
            raise

    def reads(self, path: Path, lang: str, keep: CountryMatcher) -> bool:
        """Whether these are the readers a run of ``path`` in ``lang`` for ``keep``'s State needs."""
        return (self.path, self.lang, self.keep.key) == (path, lang, keep.key)

    def items(self) -> Iterator[HalfItem]:
        """The file's items in order, numbered from its start; the processes end with the last."""
        offset = 0
        try:
            for item in self._first.items():
                offset += item.count if isinstance(item, Skipped) else 1
                yield item
            if self._second is not None:
                for item in self._second.items():
                    yield _renumbered(item, offset)
        except MalformedInput as exc:
            if self._second is None:
                raise  # one reader read it all: its message names the fault
            raise SplitFailed(str(exc)) from exc
        finally:
            self.close()

    def close(self) -> None:
        """End both processes (at once, if they are still parsing); safe to call again."""
        for reader in (getattr(self, "_first", None), self._second):
            if reader is not None:
                reader.close()
        if self._spill is not None:
            self._spill.close()


def _renumbered(item: HalfItem, offset: int) -> HalfItem:
    """An item of the second half, with its position counted from the start of the file."""
    target = item.item if isinstance(item, Hashed) else item
    if isinstance(target, Skipped):
        return item
    word, _, number = target.input_position.partition(" ")
    target.input_position = f"{word} {int(number) + offset}"
    return item


@contextmanager
def started_for_run(
    settings: Settings,
    location: str | None,
    *,
    country: str | None,
    all_countries: bool,
    languages: list[str] | None,
) -> Iterator[HalfReaders | None]:
    """The readers of the ``import_uhri`` run these arguments describe, started now, when that run
    reads a local JSON export in halves (one State, a large file); else None. Ended on leaving.

    Only a head start: the run uses them if they are the readers it needs (``HalfReaders.reads``)
    and otherwise starts its own; anything doubtful here (a country the run will refuse, no such
    file) gives None, and the run reports it in its own words.
    """
    readers = None
    try:
        location = location or settings.uhri_url
        lang = (languages or settings.languages)[0]
        path = Path(location.replace("{lang}", lang))
        kept = scope_country(settings, country, all_countries)
        if (
            kept is not None
            and not location.startswith(("http://", "https://"))
            and path.is_file()
            and export_format(str(path)) == "json"
            and reads_separately(settings, path)
        ):
            split = _free_cores() >= AHEAD_SPLIT_MIN_CORES
            # Forked: ``nrtd import`` is single-threaded here, and has loaded what the readers need.
            readers = HalfReaders(path, lang, CountryMatcher(kept), split=split, fork=True)
    except (ImportUsageError, OSError):
        readers = None
    try:
        yield readers
    finally:
        if readers is not None:
            readers.close()
