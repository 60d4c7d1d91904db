"""The project's CSV template: reading, validation, and export -> import round trips."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.feed.fields import html_to_text
from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.feed.sniff import MAX_LINE_CHARS
from app.feed.template.columns import TEMPLATE_COLUMNS, template_csv, template_header
from app.feed.template.reader import read_csv_template
from app.feed.template.writer import write_template_rows
from app.feed.values import clean_labels, spreadsheet_error

ACHPR = "African Commission on Human and Peoples' Rights"


def write_rows(
    path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    columns = list(dict.fromkeys(name for row in rows for name in row)) or ["mechanism", "text"]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def read_all(path: Path) -> list[SourceRecord | Rejection]:
    return list(read_csv_template(path))


def export(records: list[SourceRecord], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_template_rows(records, out)
    return path


def without_position(results: list[SourceRecord | Rejection]) -> list[SourceRecord]:
    assert all(isinstance(result, SourceRecord) for result in results), results
    return [replace(result, input_position="") for result in results if isinstance(result, SourceRecord)]


def rich_records() -> list[SourceRecord]:
    return [
        SourceRecord(
            source="manual",
            external_id="ACHPR-LSO-2023-17",
            input_position="",
            type="recommendation",
            mechanism=ACHPR,
            texts={
                "en": '17. Adopt a law "on violence", with budget; see:\n- para. 3\r\n- Maputo Protocol',
                "fr": "17. Adopter une loi « sur la violence » à Maseru, Côte d’Ivoire — 中文 عربي",
            },
            symbol="ACHPR/CO/LSO/2023",
            publication_date=date(2023, 5, 10),
            countries=["Lesotho", "Côte d'Ivoire"],
            regions=["Africa"],
            themes=["Women's rights", "Domestic violence, incl. marital rape"],
            affected_persons=["Women & girls"],
            sdgs=["5.2", "16.a"],
            recommending_states=["Norway", "Chile"],
            recommending_regions=["WEOG", "GRULAC"],
            upr_session=43,
            upr_cycle=4,
            position="supported",
        ),
        SourceRecord(
            source="manual",
            external_id="IACHR-1",
            input_position="",
            type="observation",
            mechanism="IACHR",
            texts={"es": '=HYPERLINK("http://evil") no es una fórmula'},
        ),
        SourceRecord(
            source="manual",
            external_id="-dash-id",
            input_position="",
            type="recommendation",
            mechanism="ECRI",
            texts={"en": "'=already quoted", "de": "@mention +plus"},
            position="noted",
        ),
    ]


def test_template_csv_is_a_valid_example(tmp_path: Path) -> None:
    content = template_csv()
    assert content.startswith(template_header())
    assert template_header() == ",".join(TEMPLATE_COLUMNS) + "\r\n"
    path = tmp_path / "template.csv"
    path.write_text(content, encoding="utf-8", newline="")

    (record,) = read_all(path)
    assert isinstance(record, SourceRecord)
    assert record.source == "manual"
    assert record.external_id == "ACHPR-LSO-2023-17"
    assert record.mechanism == ACHPR
    assert record.texts["en"].startswith("17. Criminalise marital rape")
    assert record.countries == ["Lesotho"]
    assert record.sdgs == ["5.2", "16.3"]
    assert record.publication_date == date(2023, 5, 10)


def test_round_trip_of_rich_records(tmp_path: Path) -> None:
    records = rich_records()
    path = export(records, tmp_path / "export.csv")
    raw = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw  # a spreadsheet must not run it as a formula
    assert '"Lesotho; Côte d\'Ivoire"' not in raw  # no needless quoting
    assert "Lesotho; Côte d'Ivoire" in raw

    results = read_all(path)
    assert without_position(results) == records
    assert [result.input_position for result in results] == ["row 2", "row 4", "row 5"]


def test_import_export_import_is_stable(tmp_path: Path) -> None:
    first = read_all(export(rich_records(), tmp_path / "one.csv"))
    second = read_all(export(without_position(first), tmp_path / "two.csv"))
    assert second == first


# ";" separates labels; "&" and "-" are left out because clean_label decodes entities and drops a
# "- " prefix, so a label like "- - x" is not what any reader yields. NUL and U+FFFF are not text:
# a reader rejects them (see test_hostile_files).
_NOT_TEXT = "\x00\uffff"
_label = st.text(st.characters(codec="utf-8", exclude_characters=";&-" + _NOT_TEXT), min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_characters=_NOT_TEXT), min_size=1, max_size=200),
    countries=st.lists(_label, max_size=3),
)
def test_round_trip_of_any_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, countries: list[str]
) -> None:
    text = text.strip()
    if not html_to_text(text) or spreadsheet_error(text):
        return  # no text, or a spreadsheet's error ("#CALC!"), which a reader refuses as a value
    record = SourceRecord(
        source="manual",
        external_id="X-1",
        input_position="",
        type="recommendation",
        mechanism="ECRI",
        texts={"en": text},
        countries=clean_labels(countries),
    )
    path = export([record], tmp_path_factory.mktemp("rt") / "x.csv")
    assert without_position(read_all(path)) == [record]


def test_minimal_file_takes_defaults_and_derives_a_stable_id(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "x.csv",
        [
            {"mechanism": "ACHPR", "text": "Adopt a law on violence against women."},
            {"mechanism": "ACHPR", "text": "Adopt a law on torture."},
        ],
    )
    first, second = read_all(path)
    assert isinstance(first, SourceRecord) and isinstance(second, SourceRecord)
    assert (first.type, first.texts, first.position) == (
        "recommendation",
        {"en": "Adopt a law on violence against women."},
        "none",
    )
    assert re.fullmatch(r"[0-9a-f]{32}", first.external_id)
    assert first.external_id != second.external_id

    again = write_rows(
        tmp_path / "y.csv", [{"text": "  adopt a LAW on violence against women ", "mechanism": "ACHPR"}]
    )
    (same,) = read_all(again)
    assert isinstance(same, SourceRecord)
    assert same.external_id == first.external_id


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


def test_translation_rows_join_the_row_above(tmp_path: Path) -> None:
    rows = [
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolish the death penalty", "language": "en"},
        {"external_id": "A-1", "mechanism": "", "text": "Abolir la peine de mort", "language": "fr"},
        {"external_id": "A-1", "mechanism": "ECRI", "text": "Abolir la pena de muerte", "language": "es"},
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolish it", "language": "en"},
        {"external_id": "B-1", "mechanism": "ACHPR", "text": "Other", "language": "en"},
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Again", "language": "pt"},
    ]
    # The record is held back until its last translation row, so those rows' rejections come first.
    wrong_mechanism, same_language, first, other, far_duplicate = read_all(
        write_rows(tmp_path / "x.csv", rows)
    )
    assert isinstance(first, SourceRecord)
    assert first.texts == {"en": "Abolish the death penalty", "fr": "Abolir la peine de mort"}
    assert wrong_mechanism == Rejection(
        "row 4", "a translation of row 2 but differs from it in: mechanism", "A-1"
    )
    assert same_language == Rejection("row 5", "duplicate of row 2: a second 'en' text", "A-1")
    assert isinstance(other, SourceRecord)
    assert far_duplicate == Rejection("row 7", "duplicate of row 2", "A-1")


def test_translation_of_a_rejected_row_is_rejected(tmp_path: Path) -> None:
    rows = [
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolish", "type": "resolution"},
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolir", "language": "fr"},
    ]
    assert read_all(write_rows(tmp_path / "x.csv", rows)) == [
        Rejection("row 2", "type: 'resolution' is neither 'recommendation' nor 'observation'", "A-1"),
        Rejection("row 3", "translation of row 2, which was rejected", "A-1"),
    ]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"text": " \u200b\u2060 "}, "text: empty"),  # nothing visible (plain text: "<p></p>" is text)
        ({"mechanism": ""}, "mechanism: empty"),
        # What a spreadsheet made of a date, and what to type instead.
        (
            {"publication_date": "10/05/2023"},
            "publication_date: '10/05/2023' is not a YYYY-MM-DD date: a spreadsheet wrote it its own way "
            "(10 May or October 5?); format the column as text and type 2023-05-10 or 2023-10-05",
        ),
        (
            {"publication_date": "10.05.2023 00:00"},
            "publication_date: '10.05.2023 00:00' is not a YYYY-MM-DD date: a spreadsheet wrote it its own "
            "way (10 May or October 5?); format the column as text and type 2023-05-10 or 2023-10-05",
        ),
        (
            {"publication_date": "25/12/2023"},
            "publication_date: '25/12/2023' is not a YYYY-MM-DD date: a spreadsheet wrote it its own way; "
            "format the column as text and type 2023-12-25",
        ),
        (
            {"publication_date": "45056"},
            "publication_date: '45056' is not a YYYY-MM-DD date: an Excel date number (2023-05-10 in "
            "Excel's count); format the column as text and type 2023-05-10",
        ),
        ({"publication_date": "2023-02-30"}, "publication_date: '2023-02-30' is not a YYYY-MM-DD date"),
        ({"sdgs": "5.2; 99"}, "sdgs: '99' is not an SDG goal or target"),
        # A French or Spanish spreadsheet's decimal comma: target 16.2, or goals 16 and 2?
        (
            {"sdgs": "5.2; 16,2"},
            "sdgs: '16,2' has a comma: write a target with a point (16.2) and separate codes with ';' "
            "(16; 2), formatting the column as text",
        ),
        ({"upr_session": "abc"}, "upr_session: expected a whole number, got 'abc'"),
        # States separated by commas became one State named "Peru, Chile" (filters, portal, reports).
        (
            {"countries": "Peru, Chile"},
            "countries: 'Peru, Chile' names several States: separate them with ';' (Peru; Chile)",
        ),
        (
            {"recommending_states": "Norway; Chile, Türkiye"},
            "recommending_states: 'Chile, Türkiye' names several States: separate them with ';' "
            "(Chile; Türkiye)",
        ),
        (
            {"position": "maybe"},
            "position: unknown UPR position 'maybe': expected supported or noted (also accepted, "
            "rejected, or these words in French or Spanish), or nothing",
        ),
        ({"language": "english"}, "language: 'english' is not a language code such as en, fr or pt"),
        ({"external_id": "x" * 129}, "external_id: longer than 128 characters"),
    ],
)
def test_malformed_rows_are_rejected_and_the_run_goes_on(
    tmp_path: Path, cells: dict[str, str], reason: str
) -> None:
    bad = {"external_id": "", "mechanism": "ACHPR", "text": "Adopt a law.", **cells}
    good = {"external_id": "", "mechanism": "ACHPR", "text": "Another one."}
    rejection, record = read_all(write_rows(tmp_path / "x.csv", [bad, good]))
    assert isinstance(rejection, Rejection)
    assert (rejection.input_position, rejection.reason) == ("row 2", reason)
    assert isinstance(record, SourceRecord)


def test_values_are_parsed(tmp_path: Path) -> None:
    row = {
        "mechanism": "UPR",
        "text": "Ratify OPCAT",
        "type": "Observations",
        "upr_session": "27",
        "position": "Accepted",
        "sdgs": "16 - Peace; 16.2",
        "themes": " Torture ;; torture; Detention ",
    }
    (record,) = read_all(write_rows(tmp_path / "x.csv", [row]))
    assert isinstance(record, SourceRecord)
    assert (record.type, record.upr_session, record.upr_cycle, record.position) == (
        "observation",
        27,
        3,
        "supported",
    )
    assert record.sdgs == ["16", "16.2"]
    assert record.themes == ["Torture", "Detention"]


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("supported", "supported"),
        ("Noted", "noted"),
        ("Rejected", "noted"),
        ("none", "none"),
        ("", "none"),
        # A template filled in French or Spanish, as its language column invites.
        ("Soutenue", "supported"),
        ("acceptée", "supported"),
        ("Acceptee", "supported"),
        ("Notée", "noted"),
        ("Prise en note", "noted"),
        ("Apoyada", "supported"),
        ("aceptada", "supported"),
        ("Tomada nota", "noted"),
        ("anotada", "noted"),
    ],
)
def test_positions(tmp_path: Path, value: str, position: str) -> None:
    (record,) = read_all(
        write_rows(tmp_path / "x.csv", [{"mechanism": "UPR", "text": "R", "position": value}])
    )
    assert isinstance(record, SourceRecord)
    assert record.position == position


def test_a_state_name_with_a_comma_is_one_state(tmp_path: Path) -> None:
    row = {
        "mechanism": "UPR",
        "text": "R",
        "countries": "Korea, Republic of",
        "recommending_states": "Iran, Islamic Republic of",
    }
    (record,) = read_all(write_rows(tmp_path / "x.csv", [row]))
    assert isinstance(record, SourceRecord)
    assert record.countries == ["Korea, Republic of"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Recommandation", "recommendation"),
        ("recomendación", "recommendation"),
        ("Observación", "observation"),
    ],
)
def test_types_in_french_or_spanish(tmp_path: Path, value: str, kind: str) -> None:
    (record,) = read_all(write_rows(tmp_path / "x.csv", [{"mechanism": "IACHR", "text": "R", "type": value}]))
    assert isinstance(record, SourceRecord)
    assert record.type == kind


def test_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("mechanism,text\r\nACHPR,One\r\n,\r\n\r\nACHPR,Two\r\n", encoding="utf-8", newline="")
    assert [result.input_position for result in read_all(path)] == ["row 2", "row 5"]


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


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "x.csv", [{"external_id": "A", "symbol": "B"}])
    with pytest.raises(MalformedInput, match=r"missing required column\(s\) 'mechanism', 'text'"):
        read_all(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    with pytest.raises(MalformedInput, match="empty file"):
        read_all(path)


def test_writer_refuses_what_would_not_read_back(tmp_path: Path) -> None:
    record = rich_records()[1]
    with pytest.raises(ValueError, match="contains ';'"):
        write_template_rows([replace(record, themes=["a; b"])], io.StringIO())
    with pytest.raises(ValueError, match="has no text"):
        write_template_rows([replace(record, texts={})], io.StringIO())


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


def test_language_codes_are_read_in_one_spelling_whatever_their_case(tmp_path: Path) -> None:
    """Column names match ignoring case, so TEXT_FR is text_fr; a code written FR is fr. Kept as
    written, each spelling was a language of its own: re-importing the file with another case added
    the same text again under 'FR', 'Fr' and 'fr'."""
    columns = tmp_path / "columns.csv"
    columns.write_text(
        "external_id,mechanism,TEXT_EN,Text_Fr,text_PT-br,text_zh-hant\r\nL-1,ACHPR,One,Un,Um,Yi\r\n",
        encoding="utf-8",
        newline="",
    )
    rows = write_rows(
        tmp_path / "rows.csv",
        [
            {"external_id": "L-1", "mechanism": "ACHPR", "text": "One", "language": "EN"},
            {"external_id": "L-1", "mechanism": "ACHPR", "text": "Un", "language": "Fr"},
            {"external_id": "L-1", "mechanism": "ACHPR", "text": "Um", "language": "PT-BR"},
            {"external_id": "L-1", "mechanism": "ACHPR", "text": "Yi", "language": "ZH-HANT"},
        ],
    )
    expected = {"en": "One", "fr": "Un", "pt-BR": "Um", "zh-Hant": "Yi"}
    for path in (columns, rows):
        (record,) = read_all(path)
        assert isinstance(record, SourceRecord) and record.texts == expected


def test_a_spreadsheet_error_in_a_cell_rejects_the_row_naming_the_column(tmp_path: Path) -> None:
    """A formula that failed in Excel saves its error ("#N/A", "#REF!") as the cell's text: it was
    imported as a mechanism named "#REF!", a theme "#N/A", a State "#N/A"."""
    rows = [
        {"external_id": "E-1", "mechanism": "#REF!", "text": "One", "themes": "Women"},
        {"external_id": "E-2", "mechanism": "ACHPR", "text": "Two", "themes": "Women; #N/A"},
        {"external_id": "E-3", "mechanism": "ACHPR", "text": "Three", "themes": "#VALUE! is a fine theme"},
    ]
    first, second, third = read_all(write_rows(tmp_path / "x.csv", rows))
    assert isinstance(first, Rejection) and first.reason == (
        "mechanism: '#REF!' is a spreadsheet error (a formula that failed), not a value"
    )
    assert isinstance(second, Rejection) and second.reason.startswith("themes: '#N/A' is a spreadsheet error")
    assert isinstance(third, SourceRecord) and third.themes == ["#VALUE! is a fine theme"]


def test_a_value_under_a_column_without_a_name_rejects_its_row(tmp_path: Path) -> None:
    """A header cell left empty (or cleared by mistake) while the rows below it hold values: those
    values were dropped silently, where a column of an unknown name refuses the file."""
    path = tmp_path / "x.csv"
    path.write_text(
        "mechanism,,text,\r\nACHPR,,One,\r\nACHPR,see the 2019 letter,Two,\r\n", encoding="utf-8", newline=""
    )
    # An accepted row is held back until the next row is read (a translation may follow it).
    second, first = read_all(path)
    assert isinstance(first, SourceRecord) and first.texts == {"en": "One"}
    assert isinstance(second, Rejection) and second.input_position == "row 3"
    assert second.reason == (
        "column B has no name in the header row but holds 'see the 2019 letter': "
        "name it with a column of the template, or empty it"
    )


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


@pytest.mark.parametrize("saved", ["5-févr", "05-Feb", "16-mars", "5-Feb-2025"])
def test_an_sdg_code_a_spreadsheet_turned_into_a_date_rejects_the_row(tmp_path: Path, saved: str) -> None:
    """French or German Excel turns a typed 5.2 into the date 5 February and saves it as "5-févr":
    read as goal 5 with the title "févr", the target was lost silently."""
    path = write_rows(tmp_path / "x.csv", [{"mechanism": "ACHPR", "text": "One", "sdgs": f"16.2; {saved}"}])
    (rejection,) = read_all(path)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == (
        f"sdgs: {saved!r} looks like a date a spreadsheet made of an SDG code; "
        "format the column as text and type the codes again"
    )
