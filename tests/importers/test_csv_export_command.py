"""``nrtd export csv``: to a file (CSV with its byte-order mark, or XLSX), to standard output (CSV
without one), and the names and places it refuses before exporting."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from app.core.config import Settings
from tests.cli_runner import run_cli
from tests.importers.test_csv_export import BOM, MANUAL_COUNT, export_text, import_manual, rows_of


@pytest.fixture
def manual(engine: Engine, settings: Settings, tmp_path: Path) -> Engine:
    return import_manual(engine, settings, tmp_path)


# --- the command ----------------------------------------------------------------------------


def nrtd(database_url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli(args, env={"NRTD_DATABASE_URL": database_url}, binary=True)


def _manual_exported_to(database_url: str, target: Path) -> Path:
    """``nrtd export csv TARGET --source manual`` into a folder of its own: exit 0, the summary line,
    and the file alone in it (no partial file left behind)."""
    target.parent.mkdir()
    result = nrtd(database_url, "export", "csv", str(target), "--source", "manual")
    assert result.returncode == 0, result.stderr.decode()
    summary = f"exported {MANUAL_COUNT} recommendations: {MANUAL_COUNT} rows in {target}"
    assert summary in result.stderr.decode()
    assert list(target.parent.iterdir()) == [target]
    return target


@pytest.mark.slow
def test_cli_export_to_a_file_and_to_stdout(manual: Engine, database_url: str, tmp_path: Path) -> None:
    expected = BOM + export_text(manual, source="manual").encode()
    target = _manual_exported_to(database_url, tmp_path / "out" / "recommendations.csv")
    assert target.read_bytes() == expected

    piped = nrtd(database_url, "export", "csv", "-", "--source", "manual")
    assert piped.returncode == 0, piped.stderr.decode()
    # Standard output goes to other programs (`| csvcut`, `| wc -l`), for which a BOM was a first
    # column named "\ufeffexternal_id": the same bytes, without it. A file keeps it, for spreadsheets.
    assert piped.stdout == expected.removeprefix(BOM)

    everything = nrtd(database_url, "export", "csv", "-", "--country", "Peru", "--include-withdrawn")
    assert everything.returncode == 0, everything.stderr.decode()
    assert "exported 14 recommendations: 14 rows in standard output" in everything.stderr.decode()


@pytest.mark.slow
def test_cli_rejects_an_unknown_source(engine: Engine, database_url: str, tmp_path: Path) -> None:
    result = nrtd(database_url, "export", "csv", str(tmp_path / "out.csv"), "--source", "ohchr")
    assert result.returncode == 2
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.slow
def test_cli_export_to_xlsx(manual: Engine, database_url: str, tmp_path: Path) -> None:
    target = _manual_exported_to(database_url, tmp_path / "out" / "recommendations.XLSX")
    workbook = load_workbook(target, read_only=True)
    (sheet,) = workbook.worksheets
    header, *cells = [
        ["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)
    ]
    rows = [row + [""] * (len(header) - len(row)) for row in cells]  # trailing empty cells are not stored
    workbook.close()
    expected = [list(row.values()) for row in rows_of(export_text(manual, source="manual"))]
    assert header == csv_header(export_text(manual, source="manual"))
    # The same cells as the CSV, except that a text cell needs no apostrophe against formulas.
    assert rows == [[value.removeprefix("'") for value in row] for row in expected]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id["UPR-PER-42-118.7"]["text_en"].startswith("=Ratify the Optional Protocol")
    with zipfile.ZipFile(target) as archive:  # stored as text, not as a formula
        assert b"<f>" not in b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["recommendations.xls", "recommendations.ods", "recommendations"])
def test_cli_refuses_a_format_it_cannot_write(
    engine: Engine, database_url: str, tmp_path: Path, name: str
) -> None:
    result = nrtd(database_url, "export", "csv", str(tmp_path / name))
    assert result.returncode == 2
    assert "name a .csv or .xlsx file" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cli_names_a_place_it_cannot_write_before_exporting(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "taken.csv").mkdir()
    for target, reason in (
        (tmp_path / "missing" / "out.csv", f"the folder {tmp_path / 'missing'} does not exist"),
        (tmp_path / "taken.csv", f"{tmp_path / 'taken.csv'} is a folder: name the file to write in it"),
        (tmp_path, f"{tmp_path} is a folder: name the file to write in it"),
    ):
        result = nrtd(database_url, "export", "csv", str(target))
        assert result.returncode == 2
        assert f"FILE: {reason}" in " ".join(result.stderr.decode().split())
    assert [path.name for path in tmp_path.iterdir()] == ["taken.csv"]


def csv_header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
