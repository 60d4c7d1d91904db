"""One State from a large export: readers that know nothing stored, started before the run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import importers.halves
from app.core.config import Settings
from app.feed.countries import CountryMatcher
from app.feed.records import KnownHashes, SourceRecord
from importers.halves import HalfReaders, started_for_run
from importers.reader_process import ReaderProcess
from importers.run import import_uhri
from importers.uhri_json import raw_hash, read_uhri_json, read_uhri_json_hashed, resolve_unchanged
from tests.conftest import reset_data
from tests.importers.test_reader_process import _reader_children, _stored
from tests.uhri_records import uhri_record, write_export


def _settings(settings: Settings, mode: str = "always") -> Settings:
    return settings.model_copy(update={"import_reader_process": mode})


def _export(tmp_path: Path, count: int = 400) -> Path:
    records: list[Any] = [
        uhri_record(n, Countries=["Peru"] if n % 3 == 0 else ["Chile"]) for n in range(1, count + 1)
    ]
    records[5].update(Text=None)  # Peru's, rejected: record 6
    records[8].update(AnnotationId=" not-a-uuid ")  # Peru's, rejected, its id is text all the same
    records.append(["not", "an", "object"])  # rejected whatever the State
    return write_export(tmp_path / "export.json", records)


def test_the_hashed_items_resolved_are_what_the_reader_yields_knowing_the_hashes(tmp_path: Path) -> None:
    export = _export(tmp_path)
    keep = CountryMatcher("Peru")
    records = [item for item in read_uhri_json(export, "en", keep) if isinstance(item, SourceRecord)]
    # Two stored records, and the raw hash of the rejected one whose id is not a UUID.
    raw = json.loads(export.read_text(encoding="utf-8"))
    known = KnownHashes(
        frozenset([records[0].source_hash or "", records[5].source_hash or "", raw_hash(raw[8])])
    )
    expected = list(read_uhri_json(export, "en", keep, known))
    got = list(resolve_unchanged(read_uhri_json_hashed(export, "en", keep), known))
    assert got == expected
    names = [type(item).__name__ for item in got]
    assert names.count("Unchanged") == 3 and "Rejection" in names and "Skipped" in names
    # Without stored hashes: every record as the reader maps it, each with its text forms.
    plain = list(resolve_unchanged(read_uhri_json_hashed(export, "en", keep), None))
    assert plain == list(read_uhri_json(export, "en", keep))
    assert all(item.text_forms is not None for item in plain if isinstance(item, SourceRecord))


def test_readers_start_ahead_only_for_a_one_state_run_of_a_local_json_export(
    settings: Settings, tmp_path: Path
) -> None:
    export = str(_export(tmp_path))
    always = _settings(settings)

    def started(options: Settings, location: str | None, **kwargs: Any) -> HalfReaders | None:
        arguments: dict[str, Any] = {"country": "Peru", "all_countries": False, "languages": None}
        with started_for_run(options, location, **{**arguments, **kwargs}) as readers:
            return readers

    readers = started(always, export)
    assert readers is not None and readers.reads(Path(export), "en", CountryMatcher("PE"))
    assert not readers.reads(Path(export), "en", CountryMatcher("Chile"))
    assert _reader_children() == []  # ended on leaving
    (tmp_path / "export-en.json").write_bytes(Path(export).read_bytes())
    assert started(always, str(tmp_path / "export-{lang}.json")) is not None
    assert started(always, export, country=None, all_countries=True) is None
    assert started(always, export, country="Atlantis") is None  # the run says why, in its own words
    assert started(always, "https://example.org/export.json") is None
    assert started(always, str(tmp_path / "export.xlsx")) is None
    assert started(always, str(tmp_path / "missing.json")) is None
    assert started(_settings(settings, "auto"), export) is None  # a small file is read in process
    assert started(_settings(settings, "never"), export) is None


def _count_spawns(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    spawned: list[int] = []
    original = ReaderProcess.__init__

    def counting(self: ReaderProcess, *args: Any, **kwargs: Any) -> None:
        spawned.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ReaderProcess, "__init__", counting)
    return spawned


@pytest.mark.parametrize("cores", [1, 99], ids=["two halves ahead", "one reader ahead"])
def test_a_run_uses_the_readers_started_for_it_and_stores_what_one_process_stores(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    monkeypatch.setattr(importers.halves, "AHEAD_SPLIT_MIN_CORES", cores)
    export = _export(tmp_path, 2000)
    here = import_uhri(engine, _settings(settings, "never"), str(export), country="Peru")
    stored = _stored(engine)
    reset_data(engine)
    spawned = _count_spawns(monkeypatch)
    always = _settings(settings)
    with started_for_run(always, str(export), country="Peru", all_countries=False, languages=None) as ahead:
        started = len(spawned)
        there = import_uhri(engine, always, str(export), country="Peru", readers=ahead)
    assert started == (2 if cores == 1 else 1)
    assert len(spawned) == started  # the run started none of its own
    assert there.outcome == "succeeded" and vars(there.counts) == vars(here.counts)
    assert (there.counts.created, there.counts.rejected) == (664, 3)
    assert _stored(engine) == stored
    assert _reader_children() == []

    # Again: the readers know nothing stored, the run tells every record unchanged by its raw hash.
    with started_for_run(always, str(export), country="Peru", all_countries=False, languages=None) as ahead:
        again = import_uhri(engine, always, str(export), country="Peru", readers=ahead)
    assert (again.counts.unchanged, again.counts.created, again.counts.updated) == (664, 0, 0)
    assert again.counts.rejected == 3


def test_readers_started_for_another_state_are_left_alone(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = _export(tmp_path)
    always = _settings(settings)
    spawned = _count_spawns(monkeypatch)
    with started_for_run(always, str(export), country="Chile", all_countries=False, languages=None) as ahead:
        started = len(spawned)
        run = import_uhri(engine, always, str(export), country="Peru", readers=ahead)
        assert len(spawned) > started  # its own, for Peru
    assert run.outcome == "succeeded"
    assert (run.counts.created, run.counts.rejected) == (131, 3)
    assert _reader_children() == []


def _many_items(marker: Path) -> Iterator[str]:
    """A reader whose items fill far more than the pipe holds; it says when it has yielded them all."""
    for n in range(3000):
        yield f"{n:06d}" + "x" * 2000
    marker.touch()


def test_a_reader_runs_ahead_of_an_importing_process_that_does_not_read_yet(tmp_path: Path) -> None:
    marker = tmp_path / "done"
    reader = ReaderProcess(_many_items, marker)  # ~6 MB of items, the pipe holds 1 MB
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the reader waited for the importing process to read"
        items = list(reader.items())
    finally:
        reader.close()
    assert len(items) == 3000 and items[-1].startswith("002999")
