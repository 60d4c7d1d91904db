"""The UHRI search-page XLSX reader, on workbooks shaped like OHCHR's export (its header row:
test_uhri_xlsx_columns.py)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from app.feed.records import MalformedInput, Rejection, SourceRecord
from importers.uhri_xlsx import read_uhri_xlsx
from importers.uhri_xlsx_columns import COLUMNS

UPR_ID = "a9ceae8c-fe1c-40f9-a326-1529e0ab678f"
CRC_ID = "0b6f8f53-3c1d-4a8e-9a57-7d2f0f4b8f11"
UPR_TEXT = "<p>Recommendations</p><p>118.12 Ratify the Optional Protocol to the Convention</p>"


def upr_row(**overrides: Any) -> dict[str, Any]:
    """One data row as the UHRI search page exports it: "- " lines, serial-number dates."""
    row: dict[str, Any] = {
        "Text": UPR_TEXT,
        "Countries Concerned": "- Peru",
        "Reccomending Body": "- UPR",
        "Document Symbol": "A/HRC/53/12",
        "Themes": "- Right to health\n-  Participation of women in political & public life ",
        "Affected Persons": "- Children\n- Women & girls",
        "Sdgs": "- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS\n"
        "- 16.2 - Protect children from abuse, exploitation, trafficking and all forms of violence",
        "Document Publication Date": 45700,
        "UPR Reccomending States": "- Norway\n- Chile",
        "UPR Position": "- Supported",
        "Type": "- Recommendations",
        "OHCHR Annotation Id": UPR_ID,
        "UPR Session": "- 43",
        "Regions Concerned": "- Latin America and the Caribbean",
        "Recommending Regions": "- WEOG\n- GRULAC",
        "Date of publication on UHRI": 45719.45,
    }
    row.update(overrides)
    return row


def crc_row(**overrides: Any) -> dict[str, Any]:
    row = upr_row(
        **{
            "Text": "<p>Violence against children</p><p>18. The Committee recommends ...</p>",
            "Reccomending Body": "- Committee on the Rights of the Child",
            "Document Symbol": "CRC/C/PER/CO/6-7",
            "Sdgs": None,
            "UPR Reccomending States": None,
            "UPR Position": None,
            "Type": "- Concerns/Observations",
            "OHCHR Annotation Id": CRC_ID,
            "UPR Session": None,
            "Recommending Regions": None,
        }
    )
    row.update(overrides)
    return row


def write_xlsx(
    path: Path,
    rows: list[dict[str, Any] | None],
    columns: tuple[str, ...] | list[str] = COLUMNS,
    epoch: datetime | None = None,
) -> Path:
    """A workbook with the header row, then ``rows`` (``None`` leaves a blank row)."""
    workbook = Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = "Export"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([None] * len(columns) if row is None else [row.get(name) for name in columns])
    workbook.save(path)
    return path


def read_all(path: Path) -> list[SourceRecord | Rejection]:
    return list(read_uhri_xlsx(path))


def only(results: list[SourceRecord | Rejection]) -> SourceRecord:
    assert len(results) == 1
    record = results[0]
    assert isinstance(record, SourceRecord), record
    return record


def test_reads_a_upr_recommendation(tmp_path: Path) -> None:
    record = only(read_all(write_xlsx(tmp_path / "export.xlsx", [upr_row()])))

    assert record.source == "uhri"
    assert record.external_id == UPR_ID
    assert record.input_position == "row 2"
    assert record.type == "recommendation"
    assert record.mechanism == "UPR"
    assert record.texts == {"en": UPR_TEXT}
    assert record.symbol == "A/HRC/53/12"
    assert record.publication_date == date(2025, 2, 12)
    assert record.uhri_published_at == datetime(2025, 3, 3, 10, 48)
    assert record.countries == ["Peru"]
    assert record.regions == ["Latin America and the Caribbean"]
    assert record.themes == ["Right to health", "Participation of women in political & public life"]
    assert record.affected_persons == ["Children", "Women & girls"]
    assert record.sdgs == ["16", "16.2"]
    assert record.recommending_states == ["Norway", "Chile"]
    assert record.recommending_regions == ["WEOG", "GRULAC"]
    assert record.upr_session == 43
    assert record.upr_cycle == 4
    assert record.position == "supported"


def test_reads_a_treaty_body_observation_without_upr_fields(tmp_path: Path) -> None:
    record = only(read_all(write_xlsx(tmp_path / "export.xlsx", [crc_row()])))

    assert record.type == "observation"
    assert record.mechanism == "Committee on the Rights of the Child"
    assert record.symbol == "CRC/C/PER/CO/6-7"
    assert (record.upr_session, record.upr_cycle, record.position) == (None, None, "none")
    assert record.sdgs == record.recommending_states == record.recommending_regions == []


@pytest.mark.parametrize(
    ("session", "expected"),
    [(43, (43, 4)), ("12", (12, 1)), ("- 13", (13, 2)), (40.0, (40, 3)), ("- 43\n- 43", (43, 4))],
)
def test_session_forms_and_derived_cycle(tmp_path: Path, session: object, expected: tuple[int, int]) -> None:
    record = only(read_all(write_xlsx(tmp_path / "e.xlsx", [upr_row(**{"UPR Session": session})])))
    assert (record.upr_session, record.upr_cycle) == expected


def test_type_and_position_without_prefix(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "e.xlsx", [upr_row(Type="Concerns/Observations", **{"UPR Position": "Noted"})]
    )
    record = only(read_all(path))
    assert (record.type, record.position) == ("observation", "noted")


def test_real_date_cells_and_iso_strings(tmp_path: Path) -> None:
    row = upr_row(
        **{
            "Document Publication Date": datetime(2023, 4, 5),
            "Date of publication on UHRI": "2025-03-03T10:53:45",
        }
    )
    record = only(read_all(write_xlsx(tmp_path / "e.xlsx", [row])))
    assert record.publication_date == date(2023, 4, 5)
    assert record.uhri_published_at == datetime(2025, 3, 3, 10, 53, 45)


def test_1904_workbook_dates(tmp_path: Path) -> None:
    # Old Mac Excel counts days from 1904: the same day has a serial 1462 lower.
    row = upr_row(**{"Document Publication Date": 45700 - 1462})
    record = only(read_all(write_xlsx(tmp_path / "e.xlsx", [row], epoch=CALENDAR_MAC_1904)))
    assert record.publication_date == date(2025, 2, 12)


def test_language_of_the_text_column(tmp_path: Path) -> None:
    record = only(list(read_uhri_xlsx(write_xlsx(tmp_path / "e.xlsx", [upr_row()]), "fr")))
    assert record.texts == {"fr": UPR_TEXT}


def test_a_file_without_xlsx_suffix_is_read(tmp_path: Path) -> None:
    # Uploads arrive under temporary names; openpyxl refuses such paths, not file objects.
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row()])
    upload = path.rename(tmp_path / "upload-3f2a.tmp")
    assert only(read_all(upload)).external_id == UPR_ID


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_number(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "e.xlsx",
        [upr_row(), None, crc_row(), upr_row(**{"OHCHR Annotation Id": None})],
    )
    results = read_all(path)
    assert [result.input_position for result in results] == ["row 2", "row 4", "row 5"]
    assert isinstance(results[2], Rejection)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"OHCHR Annotation Id": None}, "OHCHR Annotation Id: missing"),
        ({"OHCHR Annotation Id": "  "}, "OHCHR Annotation Id: missing"),
        ({"OHCHR Annotation Id": "12345"}, "OHCHR Annotation Id: '12345' is not a UUID"),
        ({"Text": "<p> </p>"}, "Text: empty"),
        ({"Text": None}, "Text: empty"),
        ({"Text": 42}, "Text: expected text, got int"),
        ({"Reccomending Body": None}, "Reccomending Body: empty"),
        (
            {"Type": "- Resolutions"},
            "Type: 'Resolutions' is neither Recommendations nor Concerns/Observations",
        ),
        ({"Type": None}, "Type: empty"),
        ({"UPR Session": "abc"}, "UPR Session: expected a whole number, got 'abc'"),
        ({"UPR Session": "- 43\n- 44"}, "UPR Session: several sessions [43, 44]"),
        ({"Sdgs": "- 99 - NOT A GOAL"}, "Sdgs: '99' is not an SDG goal or target"),
        (
            {"UPR Position": "- Maybe"},
            "UPR Position: unknown UPR position 'Maybe': expected supported or noted (also accepted, "
            "rejected, or these words in French or Spanish), or nothing",
        ),
        (
            {"Document Publication Date": "yesterday"},
            "Document Publication Date: not an ISO date-time: 'yesterday'",
        ),
        # A date typed as text in a locale's way: what it may mean, and what to type.
        (
            {"Document Publication Date": "12/02/2025"},
            "Document Publication Date: not an ISO date-time: '12/02/2025': a spreadsheet wrote it its own "
            "way (12 February or December 2?); format the column as text and type 2025-02-12 or 2025-12-02",
        ),
        (
            {"Date of publication on UHRI": "28.02.2025 10:53"},
            "Date of publication on UHRI: not an ISO date-time: '28.02.2025 10:53': a spreadsheet wrote it "
            "its own way; format the column as text and type 2025-02-28",
        ),
        (
            {"Document Publication Date": -3},
            "Document Publication Date: -3 is not an Excel date serial number",
        ),
        ({"Countries Concerned": True}, "Countries Concerned: expected text, got bool"),
    ],
)
def test_malformed_rows_are_rejected_and_the_run_goes_on(
    tmp_path: Path, overrides: dict[str, Any], reason: str
) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row(**overrides), crc_row()])
    rejection, record = read_all(path)

    assert isinstance(rejection, Rejection)
    assert rejection.input_position == "row 2"
    assert rejection.reason == reason
    assert isinstance(record, SourceRecord)
    assert record.external_id == CRC_ID


def test_rejection_carries_the_annotation_id_when_there_is_one(tmp_path: Path) -> None:
    rejection = read_all(write_xlsx(tmp_path / "e.xlsx", [upr_row(Text="")]))[0]
    assert isinstance(rejection, Rejection)
    assert rejection.external_id == UPR_ID


def test_merged_cells_refuse_the_file_naming_them(tmp_path: Path) -> None:
    """Cells merged in Excel hold their value in the first cell only: the other rows were read with
    no State (and passed over as about no State), no theme..., silently."""
    rows: list[dict[str, Any] | None] = [
        upr_row(**{"OHCHR Annotation Id": f"a9ceae8c-fe1c-40f9-a326-{index:012d}"}) for index in range(3)
    ]
    path = write_xlsx(tmp_path / "e.xlsx", [None, *rows], columns=["Notes", *COLUMNS])
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.merge_cells("A3:A5")  # an extra column: ignored, as its values are
    sheet.merge_cells("C3:C5")  # Countries Concerned
    workbook.save(path)
    with pytest.raises(
        MalformedInput,
        match=r"^merged cells C3:C5 \(column 'Countries Concerned'\): .*unmerge them",
    ):
        read_all(path)
    workbook.active.unmerge_cells("C3:C5")
    workbook.save(path)
    assert len(read_all(path)) == 3


def test_header_cells_merged_down_over_an_empty_row_are_read(tmp_path: Path) -> None:
    """A header made taller by merging each of its cells with the empty row below it (A1:A2 ...),
    as a sheet is formatted for print: the merges hold header names, no row's value, yet the file was
    refused as "merged cells A1:A2 ...: a merged cell's value is in its first row only". A merge
    below the header still refuses it."""
    path = write_xlsx(tmp_path / "e.xlsx", [None, upr_row()])
    workbook = load_workbook(path)
    for column in "ABCDEFGHIJKLMNOP":
        workbook.active.merge_cells(f"{column}1:{column}2")
    workbook.save(path)
    assert only(read_all(path)).external_id == UPR_ID
    workbook.active.merge_cells("B3:C3")
    workbook.save(path)
    with pytest.raises(MalformedInput, match=r"^merged cells B3:C3 \(column 'Countries Concerned'\)"):
        read_all(path)


def test_a_spreadsheet_error_in_a_cell_rejects_the_row(tmp_path: Path) -> None:
    """Excel's error values (a formula that failed) are read as their text: "#N/A" was a theme."""
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row(Themes="- Right to health\n- #N/A")])
    (rejection,) = read_all(path)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == "Themes: '#N/A' is a spreadsheet error (a formula that failed), not a value"


def test_a_formula_never_calculated_refuses_the_file_naming_its_cell(tmp_path: Path) -> None:
    """A workbook written by a program that stores formulas without their values (Excel saves both):
    the cell read as empty, and re-importing such a file over the JSON import removed the symbols."""
    path = write_xlsx(tmp_path / "e.xlsx", [upr_row(**{"Document Symbol": '="A/HRC/"&"53/12"'})])
    with pytest.raises(
        MalformedInput,
        match=r"^a formula that was never calculated in D2 \(column 'Document Symbol'\): open the file "
        r"in Excel or LibreOffice and save it again",
    ):
        read_all(path)
    # Saved by Excel: the formula and its value; the value is read.
    content = path.read_bytes()
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b"<v></v>", b"<v>A/HRC/53/12</v>").replace(
        b'<c r="D2">', b'<c r="D2" t="str">'
    )
    assert members["xl/worksheets/sheet1.xml"] != sheet and content
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    assert only(read_all(path)).symbol == "A/HRC/53/12"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        # What the file is, rather than zipfile's "File is not a zip file" for all of them.
        (b"", "the file is empty"),
        (b"Text,Type\nabc,def\n", "this is a CSV or other text file, not a ZIP archive as an XLSX file is"),
        # ... and what to do with it: which import reads it, on the command line and in the workspace.
        (
            b"Text,Type\nabc,def\n",
            "a UPR Info export is imported with `nrtd import upr-info`, the template of manual "
            "recommendations with `nrtd import csv` (in the staff workspace: choose 'UPR Info database "
            "(CSV)' or 'Template of manual recommendations (CSV or Excel)')",
        ),
        (
            b'[\n {\n  "AnnotationId": "b57cfd85"',
            "this is a JSON document: the UHRI JSON export is imported from a file named .json "
            "(`nrtd import uhri FILE.json`), or by the scheduled import (in the staff workspace: 'Start "
            "the scheduled UHRI import now'); it cannot be uploaded",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "this is an old Excel workbook (XLS)"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "this is a gzip-compressed file"),
        (b"PK\x03\x04 truncated zip", "the workbook is cut short or damaged"),
    ],
)
def test_not_a_spreadsheet(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match=r"^not an XLSX spreadsheet: ") as refused:
        read_all(path)
    assert why in str(refused.value)


def test_a_workbook_without_rows_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(MalformedInput, match="no header row"):
        read_all(path)


def test_rows_are_streamed(tmp_path: Path) -> None:
    rows: list[dict[str, Any] | None] = [
        upr_row(**{"OHCHR Annotation Id": f"a9ceae8c-fe1c-40f9-a326-{index:012d}"}) for index in range(50)
    ]
    reader = read_uhri_xlsx(write_xlsx(tmp_path / "e.xlsx", rows))
    first = next(reader)
    assert isinstance(first, SourceRecord)
    assert first.external_id.endswith("000000000000")
    assert sum(1 for _ in reader) == 49
