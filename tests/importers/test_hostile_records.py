"""One hostile record is rejected with its position and the field at fault, and the run goes on:
values too long for their column (PostgreSQL failed the whole run with raw SQL), NUL and unpaired
surrogates (not text), and numbers of thousands of digits (a traceback), in every reader."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import RejectedRecord
from importers.csv_runs import import_csv_template, import_upr_info
from importers.run import import_uhri
from importers.run_record import RunSummary
from importers.uhri_xlsx_columns import COLUMNS as XLSX_COLUMNS
from importers.upr_info_csv import COLUMNS as UPR_INFO_COLUMNS
from tests.uhri_records import uhri_record

# Each hostile value, and what the rejection says (its field first).
JSON_CASES: list[tuple[dict[str, Any], str]] = [
    ({"Symbol": "S" * 300}, "Symbol: longer than 255 characters"),
    ({"DocumentId": "D" * 100}, "DocumentId: longer than 64 characters"),
    ({"Themes": ["T" * 3000]}, "Themes: a label longer than 255 characters"),
    ({"Themes": ["Right to\x00 health"]}, "Themes: a NUL character at character 9"),
    ({"Countries": ["Peru", "Chile\x00"]}, "Countries: a NUL character at character 6"),
    ({"UprSession": ["9" * 5000]}, "UprSession: 5000 digits, outside 1..999"),
    ({"UprSession": 2**31}, "UprSession: 2147483648 is outside 1..999"),
    ({"UprCycle": 1e300}, "UprCycle: 301 digits, outside 1..999"),
    ({"UprCycle": "²"}, "UprCycle: expected a whole number"),
    (
        {"Text": "\udfff<p>18. Ensure ...</p>"},
        "Text: an unpaired UTF-16 surrogate escape (or U+FFFF) at character 1",
    ),
    ({"Text": "<p>18. Ensure \ud83d</p>"}, "Text: an unpaired UTF-16 surrogate escape"),
    ({"Text": "<p>18. Ensure\x00 ...</p>"}, "Text: a NUL character at character 14"),
    ({"Body": "B" * 400}, "Body: a label longer than 255 characters"),
    ({"Themes": ["ﬃ" * 100]}, "themes: the label"),  # folds to 300 characters: too long as a key
    ({"Symbol": "A/HRC/\x0053/12"}, "Symbol: a NUL character at character 7"),
    ({"Sdgs": ["16.2 - " + "Protect children " * 100]}, "Sdgs: a label longer than 1000 characters"),
]


def write_hostile_export(path: Path, hostile: list[dict[str, Any]]) -> Path:
    """Record 1 is good, then one record per hostile value, then a good last record."""
    records = [uhri_record(1)]
    records += [uhri_record(10 + n, **values) for n, values in enumerate(hostile)]
    records.append(uhri_record(2))
    # ensure_ascii: an unpaired surrogate can only travel as an escape (\udfff), as in the attack.
    path.write_text(json.dumps(records, ensure_ascii=True), encoding="ascii")
    return path


def rejections(engine: Engine, run: RunSummary) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(RejectedRecord.position, RejectedRecord.reason).where(
                RejectedRecord.import_run_id == run.run_id
            )
        ).all()
    return {position: reason for position, reason in rows}


def assert_rejected_in_turn(
    engine: Engine, run: RunSummary, first: int, cases: list[tuple[Any, str]]
) -> None:
    assert run.outcome == "succeeded", run.message
    found = rejections(engine, run)
    word = "record" if next(iter(found), "").startswith("record") else "row"
    expected = {f"{word} {first + n}": reason for n, (_, reason) in enumerate(cases)}
    assert set(found) == set(expected), found
    for position, reason in expected.items():
        assert found[position].startswith(reason), (position, found[position])
        assert "INSERT" not in found[position] and "psycopg" not in found[position]


@pytest.mark.parametrize("reader", ["never", "always"])
def test_uhri_json_hostile_records_are_rejected_and_the_run_goes_on(
    engine: Engine, database_url: str, tmp_path: Path, reader: str
) -> None:
    settings = Settings(database_url=database_url, country="Peru", import_reader_process=reader)
    path = write_hostile_export(tmp_path / "export.json", [values for values, _ in JSON_CASES])
    run = import_uhri(engine, settings, str(path), partial=True)
    assert_rejected_in_turn(engine, run, 2, JSON_CASES)
    assert (run.counts.created, run.counts.rejected) == (2, len(JSON_CASES))


def test_a_secondary_language_text_that_is_not_text_is_rejected(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, country="Peru", uhri_languages="en,fr")
    write_hostile_export(tmp_path / "export-en.json", [])
    french = [uhri_record(1, Text="<p>Texte\x00</p>"), uhri_record(2, Text="\udfff")]
    (tmp_path / "export-fr.json").write_text(json.dumps(french, ensure_ascii=True), encoding="ascii")
    run = import_uhri(engine, settings, str(tmp_path / "export-{lang}.json"), partial=True)
    assert run.outcome == "succeeded", run.message
    assert run.counts.created == 2
    assert sorted(rejections(engine, run).values()) == [
        "Text: a NUL character at character 9, which is not text",
        "Text: an unpaired UTF-16 surrogate escape (or U+FFFF) at character 1, which is not text",
    ]


# --- UHRI search-page XLSX ----------------------------------------------------------------------


def xlsx_row(n: int, **overrides: Any) -> list[Any]:
    row: dict[str, Any] = {
        "Text": f"<p>{n}. Ratify the Optional Protocol.</p>",
        "Countries Concerned": "- Peru",
        "Reccomending Body": "- UPR",
        "Document Symbol": "A/HRC/53/12",
        "Type": "- Recommendations",
        "OHCHR Annotation Id": f"00000000-0000-4000-8000-{n:012d}",
        "UPR Session": "- 43",
    }
    row.update(overrides)
    return [row.get(name) for name in XLSX_COLUMNS]


XLSX_CASES: list[tuple[dict[str, Any], str]] = [
    ({"Document Symbol": "S" * 300}, "Document Symbol: a label longer than 255 characters"),
    ({"Themes": "- Right to health\n- " + "T" * 300}, "Themes: a label longer than 255 characters"),
    ({"Reccomending Body": "- " + "B" * 400}, "Reccomending Body: a label longer than 255 characters"),
    ({"UPR Session": "- " + "9" * 5000}, "UPR Session: 5000 digits, outside 1..999"),
    ({"OHCHR Annotation Id": "not-a-uuid-" + "x" * 300}, "OHCHR Annotation Id: 'not-a-uuid-"),
]


def test_uhri_xlsx_hostile_rows_are_rejected_and_the_run_goes_on(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(XLSX_COLUMNS))
    sheet.append(xlsx_row(1))
    for n, (values, _) in enumerate(XLSX_CASES):
        sheet.append(xlsx_row(10 + n, **values))
    sheet.append(xlsx_row(2))
    workbook.save(tmp_path / "search.xlsx")
    run = import_uhri(engine, settings, str(tmp_path / "search.xlsx"), partial=True)
    assert_rejected_in_turn(engine, run, 3, XLSX_CASES)
    assert run.counts.created == 2
    with engine.connect() as conn:  # only an id that is one is kept with a rejection
        ids = conn.execute(
            select(RejectedRecord.external_id).where(RejectedRecord.import_run_id == run.run_id)
        )
        assert None in set(ids.scalars())


# --- UPR Info CSV ---------------------------------------------------------------------------------


def upr_info_row(n: int, **overrides: str) -> list[str]:
    row = {
        "To": "Peru",
        "To-Rgrp": "GRULAC",
        "Text": f"Ratify the Optional Protocol number {n}",
        "From": "Norway",
        "From-Rgrp": "WEOG",
        "Response": "Accepted",
        "Action": "4",
        "Issue": "Torture and other CID",
        "Session": "42",
    }
    row.update(overrides)
    return [row.get(name, "") for name in UPR_INFO_COLUMNS]


UPR_INFO_CASES: list[tuple[dict[str, str], str]] = [
    ({"Text": "Ratify\x00 it"}, "Text: a NUL character at character 7"),
    ({"From": "N" * 300}, "From: a label longer than 255 characters"),
    ({"Issue": "Torture," + "I" * 300}, "Issue: a label longer than 255 characters"),
    ({"Session": "9" * 5000}, "Session: 5000 digits, outside 1..999"),
    ({"Action": "4" * 5000}, "Action: 5000 digits, outside 1..5"),
    ({"To-Rgrp": "GRULAC\x00"}, "To-Rgrp: a NUL character at character 7"),
]


def test_upr_info_hostile_rows_are_rejected_and_the_run_goes_on(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(UPR_INFO_COLUMNS)
    writer.writerow(upr_info_row(1))
    writer.writerows(upr_info_row(10 + n, **values) for n, (values, _) in enumerate(UPR_INFO_CASES))
    writer.writerow(upr_info_row(2))
    path = tmp_path / "upr-info.csv"
    path.write_bytes(out.getvalue().encode())
    # Named, the encoding is not sniffed, and sniffing is what refused NUL bytes for the whole file.
    run = import_upr_info(engine, settings, path, encoding="utf-8")
    assert_rejected_in_turn(engine, run, 3, UPR_INFO_CASES)
    assert run.counts.created == 2


# --- the project's CSV template ---------------------------------------------------------------


TEMPLATE_CASES: list[tuple[dict[str, str], str]] = [
    ({"text": "Adopt\x00 a law"}, "text: a NUL character at character 6"),
    ({"symbol": "S" * 300}, "symbol: a label longer than 255 characters"),
    ({"mechanism": "M" * 300}, "mechanism: a label longer than 255 characters"),
    ({"external_id": "ID\x00-1"}, "external_id: a NUL character at character 3"),
    ({"external_id": "X" * 129}, "external_id: longer than 128 characters"),
    ({"themes": "Health;" + "T" * 300}, "themes: a label longer than 255 characters"),
    ({"upr_session": "9" * 5000}, "upr_session: 5000 digits, outside 1..999"),
]


def test_csv_template_hostile_rows_are_rejected_and_the_run_goes_on(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    columns = ["external_id", "mechanism", "text", "symbol", "themes", "upr_session", "countries"]
    rows = [{"external_id": "OK-1", "mechanism": "ECRI", "text": "Adopt a law.", "countries": "Peru"}]
    for n, (values, _) in enumerate(TEMPLATE_CASES):
        rows.append({"mechanism": "ECRI", "text": f"Adopt law {n}.", "countries": "Peru", **values})
    rows.append(
        {"external_id": "OK-2", "mechanism": "ECRI", "text": "Adopt another law.", "countries": "Peru"}
    )
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "template.csv"
    path.write_bytes(out.getvalue().encode())
    run = import_csv_template(engine, settings, path)
    assert_rejected_in_turn(engine, run, 3, TEMPLATE_CASES)
    assert run.counts.created == 2
    with engine.connect() as conn:  # an id that cannot be stored is not named with its rejection
        ids = conn.execute(
            select(RejectedRecord.external_id).where(RejectedRecord.import_run_id == run.run_id)
        )
        assert set(ids.scalars()) == {None}
