"""The project's CSV template: reading its rows and values, and rejecting the rows it cannot take."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from app.feed.records import Rejection, SourceRecord
from tests.feed.template_support import read_all, write_rows


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


def test_translation_rows_join_the_row_above(tmp_path: Path) -> None:
    rows = [
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolish the death penalty", "language": "en"},
        {"external_id": "A-1", "mechanism": "", "text": "Abolir la peine de mort", "language": "fr"},
        {"external_id": "A-1", "mechanism": "ECRI", "text": "Abolir la pena de muerte", "language": "es"},
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Abolish it", "language": "en"},
        {"external_id": "B-1", "mechanism": "ACHPR", "text": "Other", "language": "en"},
        {"external_id": "A-1", "mechanism": "ACHPR", "text": "Again", "language": "pt"},
    ]
    # The record is held back until its last translation row; refused translation rows reject it too
    # (which row is right is the file's to say), after it in the file's order.
    first, wrong_mechanism, same_language, other, far_duplicate = read_all(
        write_rows(tmp_path / "x.csv", rows)
    )
    assert first == Rejection(
        "row 2", "its translation on row 4 was rejected: correct both rows and import again", "A-1"
    )
    assert wrong_mechanism == Rejection(
        "row 4", "a translation of row 2 but differs from it in: mechanism", "A-1"
    )
    assert same_language == Rejection("row 5", "duplicate of row 2: a second 'en' text", "A-1")
    assert isinstance(other, SourceRecord)
    assert far_duplicate == Rejection("row 7", "duplicate of row 2", "A-1")


def test_a_date_written_with_a_midnight_time_is_that_date(tmp_path: Path) -> None:
    """A spreadsheet or data tool that took the column for date-times writes "2023-05-10 00:00:00"
    (the UHRI export's own dates read "2023-05-10T00:00:00"): that is the date. Another time of day
    is not a publication date, and is rejected."""
    written = ["2023-05-10 00:00:00", "2023-05-10T00:00:00", "2023-05-10T00:00:00.000Z", "2023-05-10 00:00"]
    rows = [
        {"external_id": f"D-{n}", "mechanism": "ACHPR", "text": "T", "publication_date": value}
        for n, value in enumerate(written)
    ]
    rows.append(
        {"external_id": "D-9", "mechanism": "ACHPR", "text": "T", "publication_date": "2023-05-10 14:30"}
    )
    *dates, afternoon = read_all(write_rows(tmp_path / "x.csv", rows))
    assert [getattr(item, "publication_date", item) for item in dates] == [date(2023, 5, 10)] * 4
    assert afternoon == Rejection(
        "row 6",
        "publication_date: '2023-05-10 14:30' is not a YYYY-MM-DD date: it holds a time of day (14:30) "
        "besides the day; type the day alone, 2023-05-10, or format the column as a date without the time",
        "D-9",
    )


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
        # Named as typed: it was named as the folded key the import compares ('supported noted').
        (
            {"position": "Supported/Noted"},
            "position: unknown UPR position 'Supported/Noted': expected supported or noted (also "
            "accepted, rejected, or these words in French or Spanish), or nothing",
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
        # UHRI's own word for an observation (its "Concerns/Observations"), as a row copied from it says.
        ("Concern", "observation"),
        ("concerns", "observation"),
        ("Préoccupations", "observation"),
        ("preocupación", "observation"),
    ],
)
def test_types_in_french_or_spanish(tmp_path: Path, value: str, kind: str) -> None:
    (record,) = read_all(write_rows(tmp_path / "x.csv", [{"mechanism": "IACHR", "text": "R", "type": value}]))
    assert isinstance(record, SourceRecord)
    assert record.type == kind


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


def test_the_un_languages_three_letter_codes_are_their_two_letter_codes(tmp_path: Path) -> None:
    """ISO 639-2 codes (eng, fra, spa, rus, ara, zho and the older fre, chi) were stored as languages of
    their own: the text did not show under English, French ... nor in their export columns."""
    codes = {
        "eng": "en",
        "FRA": "fr",
        "fre": "fr",
        "spa": "es",
        "rus": "ru",
        "ara": "ar",
        "zho": "zh",
        "chi": "zh",
    }
    rows = write_rows(
        tmp_path / "rows.csv",
        [
            {"external_id": f"L-{code}", "mechanism": "ACHPR", "text": f"Text {code}", "language": code}
            for code in codes
        ]
        + [{"external_id": "L-variant", "mechanism": "ACHPR", "text": "Um", "language": "fra-CA"}],
    )
    records = read_all(rows)
    assert all(isinstance(record, SourceRecord) for record in records)
    found = [record.texts for record in records if isinstance(record, SourceRecord)]
    assert found == [{two: f"Text {three}"} for three, two in codes.items()] + [{"fr-CA": "Um"}]
    columns = tmp_path / "columns.csv"
    columns.write_text("external_id,mechanism,text_eng,text_fra\r\nL-1,ACHPR,One,Un\r\n", encoding="utf-8")
    (record,) = read_all(columns)
    assert isinstance(record, SourceRecord) and record.texts == {"en": "One", "fr": "Un"}


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
    # An accepted row is held back until the next row is read (a translation may follow it), and
    # said before that row when it is not one: in the file's order.
    first, second = read_all(path)
    assert isinstance(first, SourceRecord) and first.texts == {"en": "One"}
    assert isinstance(second, Rejection) and second.input_position == "row 3"
    assert second.reason == (
        "column B has no name in the header row but holds 'see the 2019 letter': "
        "name it with a column of the template, or empty it"
    )


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


def test_an_sdg_code_written_after_the_goals_name_is_read(tmp_path: Path) -> None:
    """An "SDG 5.2" (and the French "ODD", the Spanish "ODS") rejected its row as "no goal or target code
    in 'SDG 5.2'", which holds one, while "Goal 5" was read."""
    cells = "SDG 5.2; ODS 16; ODD 3.8; sdg16.a; SDGs 4"
    path = write_rows(tmp_path / "x.csv", [{"mechanism": "ACHPR", "text": "One", "sdgs": cells}])
    (record,) = read_all(path)
    assert isinstance(record, SourceRecord), record
    assert record.sdgs == ["5.2", "16", "3.8", "16.a", "4"]


@pytest.mark.parametrize(
    ("cell", "codes"), [("5.2, 16.3", "5.2; 16.3"), ("SDG 5, SDG 16.a", "SDG 5; SDG 16.a")]
)
def test_sdg_codes_separated_by_commas_reject_the_row_saying_how(
    tmp_path: Path, cell: str, codes: str
) -> None:
    """Codes listed with commas, as one writes a list: the row was rejected as "no goal or target code
    in '5.2, 16.3'", which holds two; it now says to separate them with ';', as the States' column does."""
    path = write_rows(tmp_path / "x.csv", [{"mechanism": "ACHPR", "text": "One", "sdgs": cell}])
    (rejection,) = read_all(path)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == f"sdgs: {cell!r} names several codes: separate them with ';' ({codes})"
