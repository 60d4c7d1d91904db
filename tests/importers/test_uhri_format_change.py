"""A UHRI JSON export none of whose records holds a key UHRI always sends (OHCHR renamed or dropped
Themes): read record by record, every record had no themes, and a full export emptied the themes of
every stored recommendation and marked each for review, exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.models import ImportRun
from importers.uhri_keys import missing_keys
from tests.cli.test_cli import nrtd
from tests.uhri_records import snapshot, uhri_record, write_export


def _without(key: str, n: int, **fields: object) -> dict[str, object]:
    record = uhri_record(n, **fields)
    del record[key]
    return record


def test_an_export_lacking_a_key_in_every_record_is_refused_before_writing(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    first = write_export(tmp_path / "export-full-en.json", [uhri_record(n) for n in range(3)])
    assert nrtd(database_url, "import", "uhri", str(first)).returncode == 0
    before = snapshot(engine, skip=("import_leases", "import_runs"))

    renamed = [_without("Themes", n, Topics=["Right to health"]) for n in range(3)]
    for record in renamed:
        del record["Regions"]
    result = nrtd(database_url, "import", "uhri", str(write_export(tmp_path / "changed.json", renamed)))

    assert result.returncode == 2, result.stdout + result.stderr
    assert "no record holds Regions, Themes" in result.stderr
    assert "format may have changed" in result.stderr
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
    with engine.connect() as conn:
        run = conn.execute(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert run is not None
    assert run.outcome == "failed"
    assert "changed.json: no record holds Regions, Themes" in (run.message or "")


def test_a_key_missing_from_some_records_only_is_read_as_before(tmp_path: Path) -> None:
    records = [uhri_record(1), _without("Themes", 2), _without("Regions", 3)]
    assert missing_keys(write_export(tmp_path / "a.json", records)) == []


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        '[{"annotationId": "x"}]',  # another spelling entirely: each record is rejected naming it
    ],
)
def test_no_key_at_all_is_left_to_the_reader(tmp_path: Path, document: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(document, encoding="utf-8")
    assert missing_keys(path) == []


def test_a_label_spelled_like_a_key_is_not_the_key(tmp_path: Path) -> None:
    record = _without("Themes", 1, Countries=["Peru", "Themes"])
    assert missing_keys(write_export(tmp_path / "a.json", [record])) == ["Themes"]


def test_keys_are_found_across_the_blocks_of_a_large_file(tmp_path: Path) -> None:
    padding = "x" * 700_000
    records = [_without("Themes", n, Text=f"<p>{padding}</p>") for n in range(3)]
    records.append(uhri_record(9))
    assert missing_keys(write_export(tmp_path / "a.json", records)) == []
    assert missing_keys(write_export(tmp_path / "b.json", records[:3])) == ["Themes"]


def test_a_file_cut_short_is_left_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"AnnotationId": ', encoding="utf-8")
    assert missing_keys(path) == []
