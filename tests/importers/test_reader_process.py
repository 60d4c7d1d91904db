"""A large export is parsed and described in a reader process of its own: same items, same data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.feed.countries import CountryMatcher
from app.feed.records import MalformedInput, Skipped
from app.models.taxonomy import ROLE_KIND
from importers.pipeline.prepare import SplitFailed, prepare, read_in_halves, read_uhri_json_described
from importers.pipeline.terms import TermIndex
from importers.reader_process import read_in_process
from importers.run import import_uhri
from importers.uhri_json import read_uhri_json, split_point
from tests.conftest import SAMPLE, reset_data
from tests.uhri_records import uhri_record, write_export

SAMPLE_EN = SAMPLE / "export-full-en.json"


def _terms() -> TermIndex:
    sdgs = {("sdg", code): code for code in [str(n) for n in range(1, 18)]}
    sdgs.update({("sdg", f"{goal}.{n}"): f"{goal}.{n}" for goal in range(1, 18) for n in range(1, 11)})
    sdgs.update({("sdg", f"{goal}.{c}"): f"{goal}.{c}" for goal in range(1, 18) for c in "abcd"})
    return TermIndex(ROLE_KIND, sdgs)


def test_the_process_yields_exactly_what_the_reader_yields_in_order() -> None:
    here = list(prepare(read_uhri_json(SAMPLE_EN, "en"), None, _terms()))
    there = list(read_in_process(read_uhri_json_described, SAMPLE_EN, "en", None, None, _terms()))
    assert len(here) > 40
    assert there == here


def test_a_malformed_file_fails_with_the_readers_own_message(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(SAMPLE_EN.read_bytes()[:5000])
    with pytest.raises(MalformedInput) as here:
        list(read_uhri_json(truncated, "en"))
    with pytest.raises(MalformedInput) as there:
        list(read_in_process(read_uhri_json_described, truncated, "en", None, None, _terms()))
    assert str(there.value) == str(here.value)
    assert "invalid JSON at record" in str(there.value)


def _dies_after_one(path: Path) -> Iterator[Any]:
    yield from read_uhri_json(path, "en")
    os._exit(3)


def test_a_reader_process_that_dies_is_an_error_not_an_end(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"reader process stopped unexpectedly \(exit code 3\)"):
        list(read_in_process(_dies_after_one, SAMPLE_EN))


def _reader_children() -> list[int]:
    """Our live reader processes: children whose command line runs importers.reader_process."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if (
            fields.get("PPid", "").strip() == str(os.getpid())
            and b"importers.reader_process" in cmdline
            and not fields.get("State", "").startswith("Z")
        ):
            found.append(int(entry.name))
    return found


def test_stopping_early_ends_the_reader_process(tmp_path: Path) -> None:
    export = write_export(tmp_path / "big.json", [uhri_record(n) for n in range(1, 5001)])
    items = read_in_process(read_uhri_json, export, "en")
    assert next(items) is not None
    assert len(_reader_children()) == 1
    items.close()  # what the pipeline does when it stops (an error, a failed run)
    assert _reader_children() == []


def _settings(settings: Settings, mode: str) -> Settings:
    return settings.model_copy(update={"import_reader_process": mode})


def test_both_ways_store_the_same_data_and_the_same_content_hash(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    records = [uhri_record(n, Countries=["Peru", "Chile"] if n % 2 else ["Chile"]) for n in range(1, 301)]
    records.append(uhri_record(301, Sdgs=["99.9 - not a target"]))  # rejected while described
    records.append(uhri_record(1))  # a duplicate id
    export = write_export(tmp_path / "export.json", records)

    here = import_uhri(engine, _settings(settings, "never"), str(export), all_countries=True)
    stored = _stored(engine)
    reset_data(engine)
    there = import_uhri(engine, _settings(settings, "always"), str(export), all_countries=True)
    assert vars(there.counts) == vars(here.counts)
    assert (there.counts.created, there.counts.rejected) == (300, 2)
    assert _stored(engine) == stored

    # The same records with their keys in another order: a new raw hash, so each one is described
    # again (in the reader process) and must hash to exactly what the in-process path stored.
    reordered = write_export(tmp_path / "reordered.json", [dict(reversed(r.items())) for r in records])
    again = import_uhri(engine, _settings(settings, "always"), str(reordered), all_countries=True)
    assert (again.counts.unchanged, again.counts.updated, again.counts.created) == (300, 0, 0)


def _stored(engine: Engine) -> list[tuple[Any, ...]]:
    """What an import stored about each record, run ids and timestamps left out."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """
                SELECT r.external_id, r.content_hash, r.source_hash, r.paragraph, r.sort_date, r.type,
                       r.position, m.code, t.lang, t.original, t.text, s.document,
                       (SELECT count(*) FROM recommendation_terms rt WHERE rt.recommendation_id = r.id)
                FROM recommendations r
                JOIN mechanisms m ON m.id = r.mechanism_id
                JOIN recommendation_texts t ON t.recommendation_id = r.id
                JOIN recommendation_search s ON s.recommendation_id = r.id
                """
            )
        ).all()
        terms = conn.execute(
            text(
                """
                SELECT r.external_id, rt.role, te.kind, te.key, te.label FROM recommendation_terms rt
                JOIN recommendations r ON r.id = rt.recommendation_id JOIN terms te ON te.id = rt.term_id
                """
            )
        ).all()
    return sorted(tuple(row) for row in rows) + sorted(tuple(row) for row in terms)


# --- one State from a large export: two processes, a half each ------------------------------


def _positions(items: list[Any]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        target = getattr(item, "record", item)
        if isinstance(target, Skipped):
            out.append(("skipped", str(target.count)))
        else:
            out.append((type(item).__name__, target.input_position))
    return out


def _merged(items: Iterable[Any]) -> list[Any]:
    """Items with each run of skipped records counted once (the halves split one run in two)."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, Skipped) and out and isinstance(out[-1], Skipped):
            out[-1] = Skipped(out[-1].count + item.count)
        else:
            out.append(item)
    return out


def test_two_halves_yield_what_one_reader_yields_numbered_from_the_start(tmp_path: Path) -> None:
    records = [uhri_record(n, Countries=["Peru"] if n % 7 == 0 else ["Chile"]) for n in range(1, 2001)]
    records[1500].update(Text=None, Countries=["Peru"])  # a rejection in the second half: record 1501
    export = write_export(tmp_path / "export.json", records)
    split = split_point(export)
    assert split is not None and 0 < split < export.stat().st_size
    keep = CountryMatcher("Peru")
    one = _merged(prepare(read_uhri_json(export, "en", keep), keep, _terms()))
    two = _merged(read_in_halves(export, "en", keep, None, _terms()))
    assert _positions(two) == _positions(one)
    assert two == one
    assert ("Rejection", "record 1501") in _positions(two)
    assert _reader_children() == []


def test_a_malformed_half_asks_for_one_reader(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, 2001)])
    export.write_bytes(export.read_bytes()[:-5000])
    with pytest.raises(SplitFailed):
        list(read_in_halves(export, "en", CountryMatcher("Peru"), None, _terms()))
    assert _reader_children() == []


def test_a_split_inside_a_record_falls_back_to_one_reader_with_the_same_outcome(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    # Valid JSON whose records hold objects in a list (not the UHRI format: those records are
    # rejected): the split lands between two such objects, inside a record.
    records = []
    for n in range(1, 401):
        record = uhri_record(n, Text=f"<p>{n}. " + "Protect children. " * 40 + "</p>")
        record["Themes"] = [{"nested": 1}, {"nested": 2}] if n % 2 else ["Right to health"]
        records.append(record)
    export = write_export(tmp_path / "export.json", records)
    split = split_point(export)
    assert split is not None
    assert export.read_bytes()[split : split + 30].lstrip(b", ").startswith(b'{"nested"')

    here = import_uhri(engine, _settings(settings, "never"), str(export))
    stored = _stored(engine)
    rejected = _rejections(engine, here.run_id)
    reset_data(engine)
    there = import_uhri(engine, _settings(settings, "always"), str(export))
    assert there.outcome == "succeeded"
    assert vars(there.counts) == vars(here.counts)
    assert (there.counts.created, there.counts.rejected) == (200, 200)
    assert _stored(engine) == stored
    assert _rejections(engine, there.run_id) == rejected


def test_a_malformed_file_fails_the_same_way_read_in_halves(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, 2001)])
    export.write_bytes(export.read_bytes()[:-5000])
    here = import_uhri(engine, _settings(settings, "never"), str(export))
    there = import_uhri(engine, _settings(settings, "always"), str(export))
    assert here.outcome == there.outcome == "failed"
    assert there.message == here.message
    assert "invalid JSON at record" in (there.message or "")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM recommendations")).scalar_one() == 0


def _rejections(engine: Engine, run_id: int) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT position, external_id, reason FROM import_rejections WHERE import_run_id = :run"),
            {"run": run_id},
        ).all()
    return sorted(tuple(row) for row in rows)
