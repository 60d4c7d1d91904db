"""The CSV template as a file: encodings, separators, blank rows, columns, quoting, sizes."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest

from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.feed.sniff import MAX_LINE_CHARS
from app.feed.template.reader import read_csv_template
from tests.feed.template_support import read_all, write_rows


def test_excel_semicolon_csv_with_bom(tmp_path: Path) -> None:
    row = {
        "mechanism": "ACHPR",
        "text": "Réviser le code pénal; abolir la peine de mort",
        "countries": "Bénin; Togo",
    }
    path = write_rows(tmp_path / "x.csv", [row], encoding="utf-8-sig", delimiter=";")
    (record,) = read_all(path)
    assert isinstance(record, SourceRecord)
    assert record.texts == {"en": "Réviser le code pénal; abolir la peine de mort"}
    assert record.countries == ["Bénin", "Togo"]


def test_excels_separator_line_is_read_not_taken_for_the_header(tmp_path: Path) -> None:
    """A first line "sep=;" tells Excel the separator (some tools write it, and people add it so that
    Excel opens the file in columns); Excel does not show it as a row. It was refused as an unknown
    column 'sep='."""
    row = {"mechanism": "ACHPR", "text": "Réviser le code pénal", "countries": "Bénin; Togo"}
    path = write_rows(tmp_path / "x.csv", [row, {"mechanism": "ACHPR", "text": ""}], delimiter=";")
    path.write_bytes(b"\xef\xbb\xbfsep=;\r\n" + path.read_bytes())
    record, rejection = read_all(path)
    assert isinstance(record, SourceRecord)
    assert record.countries == ["Bénin", "Togo"]
    assert record.input_position == "row 2"  # as Excel numbers it: the header is row 1
    assert rejection == Rejection("row 3", "text: empty")


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("mechanism,text\r\nACHPR,One\r\n,\r\n\r\nACHPR,Two\r\n", encoding="utf-8", newline="")
    assert [result.input_position for result in read_all(path)] == ["row 2", "row 5"]


@pytest.mark.parametrize("end", ["\r\n\x1a", "\x1a", "\r\n\x1a\x1a\x1a"])
def test_a_dos_end_of_file_character_is_not_a_row(tmp_path: Path, end: str) -> None:
    """Some old Windows tools end a text file with Ctrl-Z (0x1A, DOS's end of file; CP/M's padding
    repeats it). It was read as one more row: "row 4: mechanism: empty"."""
    path = tmp_path / "x.csv"
    path.write_text(f"mechanism,text\r\nACHPR,One\r\nACHPR,Two{end}", encoding="utf-8", newline="")
    results = read_all(path)
    assert all(isinstance(result, SourceRecord) for result in results)
    assert [result.texts for result in results if isinstance(result, SourceRecord)] == [
        {"en": "One"},
        {"en": "Two"},
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_excels_unicode_text_is_read_by_its_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """Excel's "Save as Unicode Text": UTF-16 with a byte-order mark, tab-separated, as the UPR Info
    import reads it. It was refused as "not UTF-8: byte b'\\xff' on line 1"."""
    row = {"mechanism": "ACHPR", "text": "Protéger les « défenseurs » – 中文", "countries": "Bénin; Togo"}
    utf8 = write_rows(tmp_path / "utf8.csv", [row])
    wide = write_rows(tmp_path / "unicode.txt", [row], encoding=encoding, delimiter="\t")
    if encoding == "utf-16-be":  # the codec of one byte order writes no mark: add it as Excel would
        wide.write_bytes(b"\xfe\xff" + wide.read_bytes())
    assert read_all(wide) == read_all(utf8)


def test_blank_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    """A sheet saved with empty rows above the header (",,,," in the CSV) was refused as "empty file:
    no header row" or "missing required column(s) 'mechanism', 'text'", though both are there."""
    path = tmp_path / "x.csv"
    path.write_text("\r\n,,\r\n ; \r\nmechanism,text,\r\nACHPR,One,\r\n", encoding="utf-8", newline="")
    (record,) = read_all(path)
    assert isinstance(record, SourceRecord) and record.texts == {"en": "One"}
    assert record.input_position == "row 5"
    path.write_text(",,\r\n,,\r\n", encoding="utf-8", newline="")
    with pytest.raises(MalformedInput, match=r"^empty file: no header row"):
        read_all(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "x.csv", [{"mechanism": "ACHPR", "text": "Réviser le code"}], encoding="cp1252"
    )
    with pytest.raises(MalformedInput) as refused:
        read_all(path)
    # The letter it is, rather than the decoder's "invalid continuation byte".
    assert str(refused.value) == (
        "not UTF-8: byte b'\\xe9' on line 2 ('é' in Windows-1252, the encoding of Excel's plain 'CSV'); "
        "re-save the file as UTF-8 (in Excel: 'CSV UTF-8')"
    )


def test_unknown_columns_are_listed_with_the_expected_ones(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "x.csv", [{"mechanism": "A", "text": "B", "Country": "C", "notes": "D"}])
    with pytest.raises(
        MalformedInput,
        match=r"unknown column\(s\) 'Country', 'notes'; the columns are: external_id, mechanism",
    ):
        read_all(path)


def test_column_names_written_with_spaces_are_read(tmp_path: Path) -> None:
    """A header retyped in a spreadsheet ("External ID", "Publication date", "Text FR"): spaces, hyphens
    and underscores between the words, and case, do not matter."""
    row = {
        "External ID": "X-1",
        " Mechanism": "ACHPR",
        "Text": "1. Ratify.",
        "Text FR": "1. Ratifier.",
        "Publication  date": "2024-02-01",
        "Recommending-States": "Chile",
    }
    (record,) = read_all(write_rows(tmp_path / "x.csv", [row]))
    assert isinstance(record, SourceRecord), record
    assert record.external_id == "X-1"
    assert record.texts == {"en": "1. Ratify.", "fr": "1. Ratifier."}
    assert str(record.publication_date) == "2024-02-01"
    assert record.recommending_states == ["Chile"]


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "x.csv", [{"external_id": "A", "symbol": "B"}])
    with pytest.raises(MalformedInput, match=r"missing required column\(s\) 'mechanism', 'text'"):
        read_all(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    with pytest.raises(MalformedInput, match="empty file"):
        read_all(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # An opening quote never closed: the rows below would be read into that one cell.
        (
            'external_id,mechanism,text\r\nQ-1,ACHPR,"Adopt a law on ""quotes"" now.\r\n'
            "Q-2,ACHPR,Second row.\r\nQ-3,ACHPR,Third row.\r\n",
            r"^not a valid CSV file: row 2: a quoted cell is never closed \(a '\"' is missing\)",
        ),
        (
            'mechanism,text\r\nACHPR,One\r\nACHPR,"Adopt a "law" now"\r\n',
            r"^not a valid CSV file: row 3: a '\"' inside a quoted cell must be doubled",
        ),
    ],
)
def test_broken_quoting_refuses_the_file_naming_the_row(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8", newline="")
    with pytest.raises(MalformedInput, match=message):
        read_all(path)


def test_a_huge_line_is_refused_before_it_is_split_into_cells(tmp_path: Path) -> None:
    """A 50 MB line of commas (one row of 50 million empty cells) took 13 s and 800 MB of memory to be
    rejected as "text: empty"; a line is refused past MAX_LINE_CHARS, which no row of the template
    reaches (its cells hold at most 131,072 characters each)."""
    path = tmp_path / "x.csv"
    path.write_bytes(b"mechanism,text\r\nACHPR,One\r\nACHPR," + b"," * (MAX_LINE_CHARS + 1) + b"\r\n")
    with pytest.raises(
        MalformedInput, match=r"^not a valid CSV file: row 3: a line longer than 4194304 characters"
    ):
        read_all(path)
    path.write_bytes(b"," * (MAX_LINE_CHARS + 1) + b"\r\nmechanism,text\r\n")
    with pytest.raises(MalformedInput, match=r"^not a valid CSV file: row 1: a line longer than"):
        read_all(path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_file_cut_short_in_its_last_row_rejects_that_row(tmp_path: Path, encoding: str) -> None:
    """A file whose download or copy stopped inside its last row: that row was imported with its text
    cut ("Do th") and its other cells empty, and overwrote the complete record of the same id. Its
    last row has fewer cells than the header and no line break after it."""
    path = tmp_path / "x.csv"
    whole = "external_id,mechanism,text,countries\r\nA1,ACHPR,One,Peru\r\nA2,ACHPR,Do th"
    path.write_bytes(whole.encode(encoding))
    results = read_all(path)
    assert [result.texts for result in results if isinstance(result, SourceRecord)] == [{"en": "One"}]
    assert [result for result in results if isinstance(result, Rejection)] == [
        Rejection(
            "row 3",
            "3 cells but the header has 4, and the file ends inside this row, without a line break: it "
            "looks cut short (a download or copy that did not finish); import the complete file",
            "A2",
        )
    ]


def test_a_short_last_row_that_ends_in_a_line_break_is_read(tmp_path: Path) -> None:
    """A row may leave out its empty cells at the end, as some tools write it."""
    path = tmp_path / "x.csv"
    path.write_text("mechanism,text,countries\r\nACHPR,One\r\n", encoding="utf-8", newline="")
    (record,) = read_all(path)
    assert isinstance(record, SourceRecord) and record.texts == {"en": "One"}


def test_a_title_above_the_header_is_passed_over_and_named(tmp_path: Path) -> None:
    """A sheet with a title (often merged across the columns) or a row grouping the columns above
    the header was refused as "unknown column(s) 'Recommandations 2026'", as though the title were a
    misspelt column; the header is the first row that names the template's columns."""
    path = tmp_path / "x.csv"
    path.write_bytes(
        "\ufeffRecommandations 2026;;\r\n;;\r\nRecommandation;;Portée\r\nmechanism;text;countries\r\n"
        "CADHP;Adopter une loi;Pérou\r\n".encode()
    )
    notes: list[str] = []
    (record,) = read_csv_template(path, on_note=notes.append)
    assert isinstance(record, SourceRecord) and record.texts == {"en": "Adopter une loi"}
    assert record.input_position == "row 5"  # as the spreadsheet numbers it
    assert notes == [
        "the header is row 4: the row(s) above it were passed over, holding 'Recommandations 2026', "
        "'Recommandation', 'Portée'"
    ]


def test_a_header_of_unknown_names_is_still_refused_with_the_rows_below(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("mécanisme,texte\r\nCADHP,Adopter une loi\r\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match=r"^unknown column\(s\) 'mécanisme', 'texte'; the columns are"):
        read_all(path)


def test_a_file_cut_short_inside_a_quoted_cell_is_named_so(tmp_path: Path) -> None:
    """A file whose download stopped inside a quoted cell was refused as "a quoted cell is never closed
    (a '"' is missing), so every row below it would be read into that cell": there is no row below it,
    and no quote to add; the file is incomplete."""
    path = tmp_path / "x.csv"
    path.write_bytes(b'mechanism,text\r\nACHPR,"One"\r\nACHPR,"Adopt a law, in line wi')
    with pytest.raises(MalformedInput) as refused:
        read_all(path)
    assert str(refused.value) == (
        "not a valid CSV file: row 3: the file ends inside a quoted cell, without a line break: it looks "
        "cut short (a download or copy that did not finish); import the complete file"
    )
