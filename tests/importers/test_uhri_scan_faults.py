"""One State from a broken UHRI export: the scan refuses it exactly as a full parse does, naming the
same record, but for what it does not parse (docs/uhri-formats.md): a syntax error, or nesting of
lists, inside another State's record."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

import importers.uhri_scan
from app.core.config import Settings
from app.feed.countries import CountryMatcher
from app.feed.records import Skipped, SourceRecord
from importers.run import import_uhri
from importers.uhri_json import read_uhri_json
from tests.conftest import production_gc
from tests.importers.scan_exports import export_text, raw, read_both, record, write
from tests.uhri_records import snapshot

PERU = CountryMatcher("Peru")


def _records(bad: dict[str, Any] | None = None, at: int = 3) -> list[Any]:
    """Chile, Chile, Peru, Chile, Peru, Chile; ``bad`` fields added to record ``at``."""
    records = [record(n, ["Peru"] if n in (3, 5) else ["Chile"]) for n in range(1, 7)]
    records[at - 1].update(bad or {})
    return records


def _same_fault(monkeypatch: pytest.MonkeyPatch, path: Path) -> str:
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full
    message = scanned[0][1]
    assert message is not None
    return message


# --- refused as a full parse refuses it ------------------------------------------------------


@pytest.mark.parametrize("layout", ["one a line", "compact", "indented"])
@pytest.mark.parametrize("at", [1, 3, 5, 6])
def test_a_syntax_error_in_a_record_parsed_fails_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, at: int
) -> None:
    # Records 3 and 5 are Peru's; 1 and 6 (the first and the last) are parsed to find their end.
    bad = {"UprCycle": raw("tru")} if at in (3, 5) else {"Countries": ["Chile", raw("tru")]}
    path = write(tmp_path / "e.json", _records(bad, at), layout)
    message = _same_fault(monkeypatch, path)
    assert f"invalid JSON at record {at}" in message


@pytest.mark.parametrize("layout", ["one a line", "compact", "indented"])
def test_a_truncated_file_fails_naming_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    whole = export_text(_records(), layout).encode()
    path = tmp_path / "e.json"
    closing = whole.rindex(b"]")
    ends = [closing - n for n in (0, 1, 2, 3, 30, 400)]
    ends += [whole.index(b'"Countries"', whole.index(b"0000-4000-8000-000000000004")), len(whole) // 2]
    ends += [whole.index(b",", whole.index(b"0000-4000-8000-000000000002")) + 1]  # after a separator
    messages = set()
    for end in ends:
        path.write_bytes(whole[:end])
        messages.add(_same_fault(monkeypatch, path))
    assert any("premature EOF" in message for message in messages)


@pytest.mark.parametrize("tail", [b"x", b"]", b",", b"[]", b" {}", b"\x00"])
def test_what_follows_the_array_fails_as_in_a_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: bytes
) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(export_text(_records()).encode() + tail)
    _same_fault(monkeypatch, path)


@pytest.mark.parametrize("at", [1, 2, 3, 6])
def test_bytes_that_are_not_utf8_fail_naming_the_record_whoever_it_concerns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    # A record passed over is checked to be UTF-8, so that a file in another encoding is refused.
    whole = export_text(_records({"Text": "<p>1. Protect children in Perú</p>"}, at)).encode()
    path = tmp_path / "e.json"
    path.write_bytes(whole.replace("Perú".encode(), "Perú".encode("latin-1")))
    assert f"not UTF-8 at record {at}" in _same_fault(monkeypatch, path)


@pytest.mark.parametrize("at", [2, 3])
def test_objects_nested_too_deep_fail_naming_the_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    deep = '{"a":' * 20 + "1" + "}" * 20
    path = write(tmp_path / "e.json", _records({"Extra": raw("tru")}, at))
    path.write_text(path.read_text().replace("tru", deep))
    assert "nested deeper than 16 levels at byte" in _same_fault(monkeypatch, path)


@pytest.mark.parametrize("element", ["7", '"a string"', "null", "[1, 2]", "{}"])
def test_an_element_that_is_no_record_is_rejected_as_in_a_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, element: str
) -> None:
    text_ = export_text(_records())
    cut = text_.index(",\n", text_.index("0000-4000-8000-000000000004"))
    path = tmp_path / "e.json"
    path.write_text(text_[:cut] + ",\n" + element + text_[cut:])
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full
    assert scanned[0][1] is None


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        (b'{"items": []}', "the top level is an object"),
        (b"  ", "empty document"),
        (b'"Peru"', "the top level is a single value"),
        # Another kind of file: named, with the import that takes it.
        (
            b"external_id,mechanism,text\r\nX-1,CRC,Adopt a law\r\n",
            "this is the template of manual recommendations, not the UHRI JSON export: import it with "
            "`nrtd import csv`",
        ),
        (b"Text,Type\r\nabc,def\r\n", "this is not JSON (a CSV or other text file?)"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "this is an image (a photo or a picture), not the UHRI JSON export",
        ),
        (
            b"<!DOCTYPE html><html><body>Not found</body></html>",
            "this is a web page (HTML), not the UHRI JSON",
        ),
        ('[{"Countries": ["Chile"]}]'.encode("utf-16"), "looks like UTF-16"),
    ],
)
def test_a_document_that_is_no_array_is_refused_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, fault: str
) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(content)
    assert fault in _same_fault(monkeypatch, path)


# --- what the scan does not notice, by design ------------------------------------------------


def test_a_syntax_error_inside_another_states_record_goes_unnoticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Documented (docs/uhri-formats.md, "One State"): the record is passed over, not parsed.
    path = write(tmp_path / "e.json", _records({"UprCycle": raw("tru")}, at=4))
    scanned, full = read_both(monkeypatch, path, PERU)
    assert full[0][1] is not None and "invalid JSON at record 4" in full[0][1]
    items, fault = scanned[0]
    assert fault is None
    assert [type(item).__name__ for item in items] == [
        "Skipped",
        "SourceRecord",
        "Skipped",
        "SourceRecord",
        "Skipped",
    ]
    assert [item.input_position for item in items if isinstance(item, SourceRecord)] == [
        "record 3",
        "record 5",
    ]
    assert [item.count for item in items if isinstance(item, Skipped)] == [2, 1, 1]


def test_lists_nested_too_deep_inside_another_states_record_go_unnoticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "e.json", _records({"Extra": raw("tru")}, at=4))
    path.write_text(path.read_text().replace("tru", "[" * 20 + "]" * 20))
    scanned, full = read_both(monkeypatch, path, PERU)
    assert full[0][1] is not None and "nested deeper than 16 levels" in full[0][1]
    assert scanned[0][1] is None
    assert len([item for item in scanned[0][0] if isinstance(item, SourceRecord)]) == 2


# --- memory ---------------------------------------------------------------------------------


def test_memory_stays_bounded_by_the_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = 256 * 1024
    monkeypatch.setattr(importers.uhri_scan, "BLOCK_BYTES", block)
    text_ = "<p>" + "Ensure that children are protected. " * 150 + "</p>"
    records = [record(n, ["Peru"] if n % 100 == 0 else ["Chile"], Text=text_) for n in range(1, 1201)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records))
    size = path.stat().st_size
    assert size > 6_000_000
    list(read_uhri_json(path, "en", PERU))  # what a process loads once is not counted below
    with production_gc():
        tracemalloc.start()
        try:
            kept = sum(isinstance(item, SourceRecord) for item in read_uhri_json(path, "en", PERU))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert kept == 12
    assert peak < 4 * block, f"peak {peak} bytes while scanning a {size}-byte file in {block}-byte blocks"


# --- a run, on either database ---------------------------------------------------------------


def _settings(settings: Settings, mode: str) -> Settings:
    return settings.model_copy(update={"import_reader_process": mode})


def _peru_records(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM recommendations")).scalar_one())


@pytest.mark.parametrize("mode", ["never", "always"])
def test_a_run_imports_the_state_past_a_syntax_error_in_another_states_record(
    engine: Engine, settings: Settings, tmp_path: Path, mode: str
) -> None:
    path = write(tmp_path / "e.json", _records({"UprCycle": raw("tru")}, at=4))
    run = import_uhri(engine, _settings(settings, mode), str(path), country="Peru")
    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.skipped) == (2, 4)
    assert _peru_records(engine) == 2


@pytest.mark.parametrize("mode", ["never", "always"])
def test_a_run_fails_on_a_syntax_error_in_the_states_record_and_writes_nothing(
    engine: Engine, settings: Settings, tmp_path: Path, mode: str
) -> None:
    path = write(tmp_path / "e.json", _records({"UprCycle": raw("tru")}, at=5))
    before = snapshot(engine, skip=("import_leases", "import_runs"))
    run = import_uhri(engine, _settings(settings, mode), str(path), country="Peru")
    assert run.outcome == "failed"
    assert run.message is not None and "e.json: invalid JSON at record 5" in run.message
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
