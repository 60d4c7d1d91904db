"""The UPR Info CSV reader, row by row: responses, ids, duplicates, malformed rows, the header, and
files that are no export or were cut short (encodings and separators: test_upr_info_csv.py)."""

# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest

from app.feed.records import MalformedInput, Rejection, SourceRecord
from importers.upr_info_csv import COLUMNS, read_upr_info_csv
from tests.importers.upr_info_files import HEADER, records, upr_row, write_csv


@pytest.mark.parametrize(
    ("response", "position"),
    [
        ("Accepted", "supported"),
        ("supported", "supported"),
        ("Noted", "noted"),
        ("Rejected", "noted"),
        # UPR Info's value for a recommendation the State supported in part: it has a part to
        # implement, so it is followed up as supported, like "Partially accepted".
        ("Supported/Noted", "supported"),
        ("Supported / Noted", "supported"),
        ("Accepted/Noted", "supported"),
        ("", "none"),
        ("Pending", "none"),
        ("Unclear response", "none"),
        ("No response", "none"),
    ],
)
def test_responses(tmp_path: Path, response: str, position: str) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row(response=response)])
    assert records(path)[0].position == position


def test_id_is_stable_across_spacing_case_and_entities(tmp_path: Path) -> None:
    legacy = write_csv(
        tmp_path / "old.csv",
        [upr_row(to="Côte d’Ivoire", text="Ratify the OPCAT &#40;2006&#41;")],
        encoding="mac_roman",
        newline="\r",
    )
    modern = write_csv(tmp_path / "new.csv", [upr_row(to="Ivory Coast", text="  ratify the  OPCAT (2006).")])
    other_session = write_csv(
        tmp_path / "s.csv", [upr_row(to="Côte d'Ivoire", text="Ratify the OPCAT (2006)", session="43")]
    )
    assert records(legacy)[0].external_id == records(modern)[0].external_id
    assert records(legacy)[0].external_id != records(other_session)[0].external_id


def test_duplicates_within_a_file_are_rejected(tmp_path: Path) -> None:
    rows = [
        upr_row(),
        upr_row(to="Chile"),
        upr_row(text="RATIFY the Optional Protocol to the Convention against Torture "),
    ]
    first, other, duplicate = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows))
    assert isinstance(first, SourceRecord)
    assert isinstance(other, SourceRecord)
    assert duplicate == Rejection("row 4", "duplicate of row 2", first.external_id)


def test_a_duplicate_that_differs_from_the_first_row_names_what_differs(tmp_path: Path) -> None:
    # The same recommendation (same State, recommending State, session and text) twice, supported on
    # one row and noted on the other: the second was "duplicate of row 2", as if the file said the same
    # thing twice, and the first row's response was stored without a word of the conflict.
    rows = [upr_row(), upr_row(response="Noted", action="5", issue="Torture and other CID")]
    first, duplicate = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows))
    assert isinstance(first, SourceRecord) and first.position == "supported"
    assert duplicate == Rejection(
        "row 3",
        "duplicate of row 2 (the same State, recommending State, session and text) but differs from it "
        "in: Response 'Noted', Action '5', Issue 'Torture and other CID' on this row; row 2 is the one "
        "read: correct the file and import it again",
        first.external_id,
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (upr_row(session="abc"), "Session: expected a whole number, got 'abc'"),
        (upr_row(session=""), "Session: empty"),
        (upr_row(text="  "), "Text: empty"),
        (upr_row(to=""), "To: empty"),
        (upr_row(action="7"), "Action: 7 is outside 1..5"),
        (upr_row(action="high"), "Action: expected a whole number, got 'high'"),
        ([*upr_row(), "stray"], "12 cells but the header has 11 (a stray comma or quote?)"),
    ],
)
def test_malformed_rows_are_rejected_and_the_run_goes_on(tmp_path: Path, row: list[str], reason: str) -> None:
    path = write_csv(tmp_path / "x.csv", [row, upr_row(to="Chile")])
    rejection, record = read_upr_info_csv(path)
    assert rejection == Rejection("row 2", reason)
    assert isinstance(record, SourceRecord)
    assert record.countries == ["Chile"]


def test_numbers_a_program_wrote_as_decimals_are_read(tmp_path: Path) -> None:
    """A file that went through a data tool writes a column of numbers with empty cells as decimals
    ("42.0", "4.0"); a whole number so written is that number, a fraction is still refused."""
    rows = [
        upr_row(session="42.0", action="4.0"),
        upr_row(to="Chile", session=" 7.00 ", action=""),
        upr_row(to="Peru", text="Other", session="42.5"),
    ]
    first, second, third = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows))
    assert isinstance(first, SourceRecord) and (first.upr_session, first.upr_info_action) == (42, 4)
    assert isinstance(second, SourceRecord) and second.upr_session == 7
    assert third == Rejection("row 4", "Session: expected a whole number, got '42.5'")


def test_numbers_written_with_a_decimal_comma_are_read(tmp_path: Path) -> None:
    """A French or Spanish spreadsheet writes the same decimals with a comma ("43,0"), refused as no
    whole number while "43.0" was read; a thousands separator ("1,000") is still no session."""
    rows = [
        upr_row(session="43,0", action="4,00"),
        upr_row(to="Chile", text="Other", session="1,000"),
        upr_row(to="Peru", text="Third", session="42,5"),
    ]
    first, second, third = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows, delimiter=";"))
    assert isinstance(first, SourceRecord) and (first.upr_session, first.upr_info_action) == (43, 4)
    assert second == Rejection("row 3", "Session: expected a whole number, got '1,000'")
    assert third == Rejection("row 4", "Session: expected a whole number, got '42,5'")


def test_other_spellings_of_a_state_and_unknown_labels_are_kept(tmp_path: Path) -> None:
    rows = [
        upr_row(to="Turkey", from_="Korea (Republic of)"),
        upr_row(to="Bolivia", from_="&#40;Unknown&#41;"),
        upr_row(to="PE", from_=""),
    ]
    kept = records(write_csv(tmp_path / "x.csv", rows))
    assert [(r.countries, r.recommending_states) for r in kept] == [
        (["Turkey"], ["Korea (Republic of)"]),
        (["Bolivia"], ["(Unknown)"]),
        (["PE"], []),
    ]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row(), [""] * 11, [], upr_row(to="Chile")])
    assert [record.input_position for record in records(path)] == ["row 2", "row 5"]


def test_header_is_matched_trimmed_and_case_insensitively(tmp_path: Path) -> None:
    header = [f" {name.upper()} " for name in HEADER[:-1]] + ["session"]
    assert records(write_csv(tmp_path / "x.csv", [upr_row()], header=header))[0].upr_session == 42
    # Words separated otherwise than by the original hyphen: a header retyped in a spreadsheet.
    header = [name.replace("-", " ") for name in HEADER[:2]] + [
        "From_Rgrp" if n == "From-Rgrp" else n for n in HEADER[2:]
    ]
    assert records(write_csv(tmp_path / "x.csv", [upr_row()], header=header))[0].upr_session == 42


def test_organisation_columns_are_optional(tmp_path: Path) -> None:
    header = [name for name in HEADER if not name.endswith("-Org")]
    row = [value for name, value in zip(HEADER, upr_row(), strict=True) if not name.endswith("-Org")]
    assert records(write_csv(tmp_path / "x.csv", [row], header=header))[0].countries == ["Peru"]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    header = [name for name in HEADER if name not in ("Response", "Session")]
    path = write_csv(tmp_path / "x.csv", [], header=header)
    with pytest.raises(MalformedInput, match=r"missing column\(s\) 'Response', 'Session'"):
        list(read_upr_info_csv(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "this is an Excel workbook"),
        (b"CSV\x00with NUL", "contains NUL bytes"),
        ("To,Text\nPérou,x\n".encode() + b"Per\xfa,y\n", "mixes encodings"),
        # UTF-8's byte-order mark, then a Windows-1252 letter: it was read as Windows-1252, the mark
        # as three letters in the first column's name, and refused for "missing column 'To'".
        (
            b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\nPer\xfa,x\n",
            r"mixes encodings: it starts as UTF-8 \(its byte-order mark\) but then holds b'\\xfa' on line 2,",
        ),
        (",".join(COLUMNS).encode() + b'\nPeru,"unterminated\n' + b"x" * 200_000, "not a valid CSV file"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match=message):
        list(read_upr_info_csv(path))


def test_an_unclosed_quote_refuses_the_file_rather_than_swallowing_the_rows_below(tmp_path: Path) -> None:
    rows = [upr_row(text=text, issue="Detention") for text in ("First", "Second", "Third")]
    path = write_csv(tmp_path / "x.csv", rows)
    content = path.read_bytes().replace(b"Peru,GRULAC,OAS,Second", b'Peru,GRULAC,OAS,"Second', 1)
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match=r"^not a valid CSV file: row 3: a quoted cell is never closed"):
        list(read_upr_info_csv(path))


def test_blank_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row()])
    path.write_bytes(b"\r\n,,,\r\n" + path.read_bytes())
    (record,) = records(path)
    assert record.input_position == "row 4"


def test_a_file_cut_short_in_its_last_row_says_so(tmp_path: Path) -> None:
    """A UPR Info file whose download stopped inside its last row: that row was rejected as "Session:
    empty", which sends the user looking for a session in a row that was never complete."""
    path = tmp_path / "upr.csv"
    header = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
    whole = "Peru,GRULAC,,Ratify the OP,Norway,WEOG,,Accepted,5,Torture,43\r\n"
    path.write_bytes((header + whole + "Peru,GRULAC,,Adopt a law,Chile").encode("cp1252"))
    results = list(read_upr_info_csv(path))
    assert [result.texts for result in results if isinstance(result, SourceRecord)] == [
        {"en": "Ratify the OP"}
    ]
    assert [result for result in results if isinstance(result, Rejection)] == [
        Rejection(
            "row 3",
            "5 cells but the header has 11, and the file ends inside this row, without a line break: it "
            "looks cut short (a download or copy that did not finish); import the complete file",
        )
    ]


def test_a_file_cut_short_inside_a_quoted_cell_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "upr.csv"
    header = "To,To-Rgrp,Text,From,From-Rgrp,Response,Action,Issue,Session\r\n"
    path.write_bytes((header + 'Peru,GRULAC,"Ratify the OP",Norway,WEOG,Accepted,5,"Torture, Det').encode())
    with pytest.raises(
        MalformedInput, match=r"^not a valid CSV file: row 2: the file ends inside a quoted cell"
    ):
        list(read_upr_info_csv(path))
