"""The header row of a UHRI search-page XLSX (importers/uhri_xlsx_columns.py): its columns found by
name in any order and spelling, a missing or misspelt one named, the sheet read and the rows above
the header, a workbook of another import named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.core.catalogue import translated
from app.feed import refusals
from app.feed.records import MalformedInput
from importers.uhri_xlsx_columns import COLUMNS
from tests.importers.test_uhri_xlsx import (
    CRC_ID,
    UPR_ID,
    UPR_TEXT,
    crc_row,
    only,
    read_all,
    upr_row,
    write_xlsx,
)


def test_columns_are_mapped_by_header_and_extras_ignored(tmp_path: Path) -> None:
    columns = ["Notes", *reversed(COLUMNS)]
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row(Notes="ignored")], columns=columns)
    record = only(read_all(path))
    assert record.external_id == UPR_ID
    assert record.texts == {"en": UPR_TEXT}
    assert record.countries == ["Peru"]


def test_missing_column_is_named(tmp_path: Path) -> None:
    columns = [name for name in COLUMNS if name not in ("OHCHR Annotation Id", "UPR Session")]
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row()], columns=columns)
    with pytest.raises(MalformedInput, match=r"missing column\(s\) 'OHCHR Annotation Id', 'UPR Session'"):
        read_all(path)


def test_header_spellings_are_accepted(tmp_path: Path) -> None:
    """OHCHR's "Reccomending" and the correct "Recommending", in any case and spacing (a header typed
    again, or cleaned up in Excel), name the same columns."""
    spelt = {
        "Reccomending Body": "Recommending Body",
        "UPR Reccomending States": "  upr   RECOMMENDING\u00a0states ",
        "OHCHR Annotation Id": "OHCHR Annotation ID",
        "Countries Concerned": "Countries concerned",
    }
    columns = [spelt.get(name, name) for name in COLUMNS]
    row = {spelt.get(name, name): value for name, value in upr_row().items()}
    record = only(read_all(write_xlsx(tmp_path / "e.xlsx", [row], columns=columns)))
    assert record.mechanism == "UPR"
    assert record.recommending_states == ["Norway", "Chile"]
    assert record.countries == ["Peru"]


def test_an_unknown_header_is_named_with_the_missing_column(tmp_path: Path) -> None:
    columns = ["Recomending Bodies" if name == "Reccomending Body" else name for name in COLUMNS]
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row()], columns=columns)
    with pytest.raises(MalformedInput) as refused:
        read_all(path)
    assert str(refused.value) == (
        "not a UHRI export: missing column(s) 'Reccomending Body' (also spelt 'Recommending Body') in the "
        "header row of the first sheet, 'Export'; no UHRI column is named 'Recomending Bodies'"
    )
    # A page reads it back into its messages, each translated.
    assert translated(refusals.reason_of(str(refused.value)), lambda message: f"[{message}]") == (
        "[not a UHRI export: missing column(s) ['Reccomending Body' (also spelt 'Recommending Body')] in the "
        "header row of [the first sheet, 'Export']; no UHRI column is named 'Recomending Bodies']"
    )


def test_a_first_sheet_without_the_columns_is_named(tmp_path: Path) -> None:
    """Saved with a notes sheet before the results: the refusal says which sheet it read."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["Exported from the UHRI search page on 1 December 2026"])
    results = workbook.create_sheet("Results")
    results.append(list(COLUMNS))
    results.append([upr_row()[name] for name in COLUMNS])
    workbook.save(tmp_path / "e.xlsx")
    with pytest.raises(MalformedInput) as refused:
        read_all(tmp_path / "e.xlsx")
    assert str(refused.value) == (
        "not a UHRI export: the first sheet, 'Notes', has none of the columns of a UHRI search export ("
        + ", ".join(map(repr, COLUMNS))
        + ") in its first rows (a title of up to 10 rows above the header is passed over); the workbook's "
        "other sheet(s): 'Results': only the first sheet is read, "
        "so put the UHRI results sheet first (or save it alone)"
    )
    # One sheet missing a column: named too.
    path = write_xlsx(tmp_path / "one.xlsx", [upr_row()], columns=COLUMNS[1:])
    with pytest.raises(MalformedInput, match=r"'Text' in the header row of the first sheet, 'Export'$"):
        read_all(path)


def test_a_title_above_the_header_is_passed_over(tmp_path: Path) -> None:
    """A title and a note typed above the header (the export saved again from Excel with a heading):
    the file was refused as having none of the columns "in its header row", the title's."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Universal Human Rights Index: recommendations to Peru"])
    sheet.append([None])
    sheet.append(["Exported on 1 December 2026", "by the national mechanism"])
    sheet.append(list(COLUMNS))
    sheet.append([upr_row()[name] for name in COLUMNS])
    sheet.append([crc_row()[name] for name in COLUMNS])
    workbook.save(tmp_path / "e.xlsx")
    results = read_all(tmp_path / "e.xlsx")
    assert [result.input_position for result in results] == ["row 5", "row 6"]
    assert [result.external_id for result in results] == [UPR_ID, CRC_ID]
    # Rows without a header at all are not taken for a title forever: refused after 10 of them.
    path = write_xlsx(tmp_path / "rows.xlsx", [upr_row()] * 12)
    workbook = load_workbook(path)
    workbook.active.delete_rows(1)
    workbook.save(path)
    with pytest.raises(MalformedInput, match="has none of the columns of a UHRI search export"):
        read_all(path)


def test_hidden_sheets_are_passed_over(tmp_path: Path) -> None:
    """A hidden sheet before the results (a query or lookup sheet): Excel shows the results first, so
    they are the first sheet the user knows of. Reading the hidden one refused the file, telling the
    user to move a sheet they cannot see."""
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "Query"
    hidden.append(["country:Peru"])
    hidden.sheet_state = "hidden"
    results = workbook.create_sheet("Results")
    results.append(list(COLUMNS))
    results.append([upr_row()[name] for name in COLUMNS])
    notes = workbook.create_sheet("Notes")
    notes.append(["Exported on 1 December 2026"])
    workbook.active = 1
    workbook.save(tmp_path / "e.xlsx")
    assert only(read_all(tmp_path / "e.xlsx")).external_id == UPR_ID
    # Refused, the message names the first visible sheet and the other visible ones.
    results.sheet_state, notes.sheet_state = "visible", "visible"
    workbook.move_sheet("Notes", offset=-1)
    workbook.save(tmp_path / "e.xlsx")
    refusal = r"the first sheet, 'Notes', has none .*other sheet\(s\): 'Results': "
    with pytest.raises(MalformedInput, match=refusal):
        read_all(tmp_path / "e.xlsx")


def test_a_workbook_of_another_import_is_named(tmp_path: Path) -> None:
    """The recommendation export as a workbook (``nrtd export csv FILE.xlsx``, the staff reports page),
    edited and uploaded as the UHRI search export: its "type", "themes" and "sdgs" made its header the
    UHRI one, refused for 13 missing columns. Now named, with what to do."""
    columns = ["external_id", "mechanism", "type", "text_en", "countries", "themes", "sdgs", "position"]
    path = write_xlsx(tmp_path / "e.xlsx", [{"mechanism": "IACHR", "text_en": "Adopt"}], columns=columns)
    with pytest.raises(MalformedInput) as refused:
        read_all(path)
    # Not "save the workbook as 'CSV UTF-8'" first: `nrtd import csv` reads the template's workbook.
    assert str(refused.value) == (
        "this is the template of manual recommendations, not a UHRI search export: import it with "
        "`nrtd import csv` (in the staff workspace: 'Template of manual recommendations (CSV or Excel)')"
    )
    upr_info = ["To", "To-Rgrp", "Text", "From", "From-Rgrp", "Response", "Action", "Issue", "Session"]
    path = write_xlsx(tmp_path / "u.xlsx", [{"To": "Peru", "Text": "Adopt"}], columns=upr_info)
    with pytest.raises(
        MalformedInput, match=r"^this is a UPR Info database export, not a UHRI search export"
    ):
        read_all(path)
    # The open-data export's workbook (Reports and exports: Excel), not the template's columns.
    opened = ["id", "symbol", "type", "mechanism_code", "mechanism_name", "text", "text_lang", "status"]
    path = write_xlsx(tmp_path / "o.xlsx", [{"id": 1, "text": "Adopt"}], columns=opened)
    with pytest.raises(
        MalformedInput, match=r"^this is the recommendation export \(the open-data CSV or XLSX"
    ):
        read_all(path)
