"""The template filled in Excel and saved as it saves by default: an ``.xlsx`` workbook (refused until
now with "save as CSV UTF-8"), read through ``nrtd import csv`` and the staff upload page like the CSV,
on the test database (SQLite file or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, select

from app.models import ImportRun, Recommendation
from app.models.imports import RejectedRecord
from tests.cli.test_cli import nrtd

HEADER = [
    "external_id", "mechanism", "text", "language", "publication_date", "countries", "sdgs", "upr_session"
]  # fmt: skip
EXAMPLE = ["EXAMPLE", "ACHPR", "17. An example.", "en", "2023-05-10", "Peru", "5.2", None]


def write_template_xlsx(path: Path, rows: Sequence[Sequence[object]], *, before: str | None = None) -> Path:
    """A workbook as a coordinator saves it: typed cells (real dates, numbers), the template on its
    sheet; ``before`` names a sheet of notes put first."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if before is not None:
        sheet.title = before
        sheet.append(["Fill in the next sheet"])
        sheet = book.create_sheet("Recommendations")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def filled_template(tmp_path: Path, **kwargs: str) -> Path:
    return write_template_xlsx(
        tmp_path / "manual.xlsx",
        [
            HEADER,
            EXAMPLE,
            ["IACHR-1", "IACHR", "1. Adopt the plan.", "en", datetime(2024, 2, 1), "Peru", 5.2, 42],
            [None] * len(HEADER),  # an empty row between
            ["IACHR-2", "IACHR", "2. Fund it.", "en", "2024-03-05", "Peru", "16", 43.0],
            ["IACHR-3", "IACHR", "3. Said badly.", "en", "10/05/2023", "Peru", None, None],
        ],
        **kwargs,
    )


def stored(engine: Engine) -> dict[str, tuple[date | None, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Recommendation.external_id, Recommendation.publication_date, Recommendation.upr_session)
        )
        return {external_id: (published, session) for external_id, published, session in rows}


def _last_run(engine: Engine) -> tuple[Any, list[tuple[str, str]]]:
    with engine.connect() as conn:
        run = conn.execute(select(ImportRun).order_by(ImportRun.id.desc()).limit(1)).one()
        of_run = RejectedRecord.import_run_id == run.id
        rejected = conn.execute(select(RejectedRecord.position, RejectedRecord.reason).where(of_run))
        return run, [(position, reason) for position, reason in rejected]


def test_nrtd_import_csv_reads_a_workbook_saved_by_excel(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """Excel's default "Save" writes .xlsx: the import said "save a workbook as 'CSV UTF-8' first"."""
    path = filled_template(tmp_path)

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stderr
    assert stored(engine) == {
        "IACHR-1": (date(2024, 2, 1), 42),  # a real date cell; 42, not "42.0"
        "IACHR-2": (date(2024, 3, 5), 43),  # a date typed as text; 43.0 is 43
    }
    run, rejected = _last_run(engine)
    assert [position for position, _reason in rejected] == ["row 6"]  # numbered as the sheet numbers it
    assert "publication_date: '10/05/2023'" in rejected[0][1]
    assert run.message is not None and "row(s) 2" in run.message  # the example row passed over
    assert "'Sheet'" in run.message  # which sheet was read
    # Recorded as the template's workbook, not "xlsx" as a UHRI search export is.
    assert (run.source, run.format) == ("manual", "template-xlsx")


def test_the_sheet_holding_the_template_is_read_after_a_sheet_of_notes(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = filled_template(tmp_path, before="Instructions")

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stderr
    assert set(stored(engine)) == {"IACHR-1", "IACHR-2"}
    run, _rejected = _last_run(engine)
    assert run.message is not None and "'Recommendations'" in run.message


def test_a_workbook_without_the_template_is_refused_naming_its_sheet(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = write_template_xlsx(tmp_path / "other.xlsx", [["name", "age"], ["Ana", 3]])

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode != 0
    assert "'Sheet'" in result.stderr and "'name', 'age'" in result.stderr
    assert stored(engine) == {}


def test_a_title_above_the_header_and_merged_cells_are_named(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """A title row is passed over as in the CSV; a mechanism merged over two rows (which would read
    as empty in the second) refuses the file, naming the sheet and the cells."""
    rows: list[list[object]] = [
        ["Recommendations 2026"],
        ["mechanism", "text"],
        ["IACHR", "1. Adopt the plan."],
        [None, "2. Fund it."],
    ]
    path = write_template_xlsx(tmp_path / "titled.xlsx", rows[:3])
    assert nrtd(database_url, "import", "csv", str(path)).returncode == 0
    run, _rejected = _last_run(engine)
    assert run.message is not None and "the header is row 2" in run.message

    book = load_workbook(write_template_xlsx(tmp_path / "merged.xlsx", rows))
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A3:A4")
    book.save(tmp_path / "merged.xlsx")
    refused = nrtd(database_url, "import", "csv", str(tmp_path / "merged.xlsx"))
    assert refused.returncode == 1
    assert "sheet 'Sheet': merged cells A3:A4 (column 'mechanism')" in refused.stderr


def test_an_sdg_code_excel_turned_into_a_date_cell_is_named_as_such(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """5.2 typed in a French or German Excel becomes the date 5 February, saved in the workbook as a
    date cell. The CSV's "5-févr" was rejected saying so; the workbook's cell, read as 2026-02-05,
    was rejected as "no goal or target code in '2026-02-05'", which the person who typed 5.2 cannot
    place. It now gets the same reason as the CSV's, and the other rows are imported."""
    path = write_template_xlsx(
        tmp_path / "manual.xlsx",
        [
            HEADER,
            ["IACHR-1", "IACHR", "1. Adopt it.", "en", "2024-02-01", "Peru", datetime(2026, 2, 5), None],
            ["IACHR-2", "IACHR", "2. Fund it.", "en", "2024-03-05", "Peru", "16.2", None],
        ],
    )

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stderr
    assert list(stored(engine)) == ["IACHR-2"]
    _run, rejected = _last_run(engine)
    assert rejected == [
        (
            "row 2",
            "sdgs: '2026-02-05' looks like a date a spreadsheet made of an SDG code; format the column as "
            "text and type the codes again",
        )
    ]


def test_a_date_cell_with_a_time_of_day_says_so(engine: Engine, database_url: str, tmp_path: Path) -> None:
    """A date cell holding a time (a timestamp pasted in, a date filled with NOW()) was rejected as
    "'2024-02-01 10:30:00' is not a YYYY-MM-DD date", a date in the very form the message asks for.
    It now says that the time of day is what is wrong, and what to type."""
    path = write_template_xlsx(
        tmp_path / "manual.xlsx",
        [
            HEADER,
            ["IACHR-1", "IACHR", "1. Adopt it.", "en", datetime(2024, 2, 1, 10, 30), "Peru", None, None],
        ],
    )

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 3, result.stderr  # nothing stored: every row rejected
    _run, rejected = _last_run(engine)
    assert rejected == [
        (
            "row 2",
            "publication_date: '2024-02-01 10:30:00' is not a YYYY-MM-DD date: it holds a time of day "
            "(10:30:00) besides the day; type the day alone, 2024-02-01, or format the column as a date "
            "without the time",
        )
    ]
    assert stored(engine) == {}
