"""An import's refusals are stored in English; a page reads them back into the catalogue message they
were written from (app/feed/refusals.py) to show them in its language."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from app.core.catalogue import Reason, translated
from app.feed import download_refusals, file_refusals, record_refusals, refusals
from app.feed.countries import misspelt_state
from app.feed.dates import (
    parse_date,
    parse_datetime,
    spreadsheet_date_advice,
)
from app.feed.records import MalformedInput, RecordError
from app.feed.sniff import broken_csv, kind_of, not_a_csv, other_import
from app.feed.template import cells
from app.feed.template.reader import read_csv_template
from app.web.i18n import translations
from importers.uhri_xlsx_columns import column_positions, no_header, sheet_place
from importers.xlsx_checks import _not_a_zip


def _bracketed(message: str) -> str:
    """A catalogue that "translates" every message, so that a test sees which parts were translated."""
    return f"[{message}]"


def _refusal(call: object, *args: object) -> str:
    try:
        result = call(*args)  # type: ignore[operator]
    except RecordError as exc:
        return str(exc)
    assert isinstance(result, str)
    return result


UPR_INFO_HEADER = ["To", "Text", "From", "Response", "Action", "Issue", "Session"]
PRODUCED = [
    not_a_csv(kind_of(b"PK\x03\x04") or ""),
    not_a_csv(kind_of(b"%PDF-1.4") or ""),
    other_import(UPR_INFO_HEADER, "csv"),
    other_import(UPR_INFO_HEADER, "uhri-xlsx"),
    _not_a_zip(b"", ValueError()),
    _not_a_zip(b"[{}]", ValueError()),
    _not_a_zip(b"\xd0\xcf\x11\xe0", ValueError()),
    _not_a_zip(b"a,b\n", ValueError()),
    _refusal(parse_date, "5/3/2025", "Publication date"),
    _refusal(parse_date, 7, "Publication date"),
    _refusal(parse_datetime, "yesterday", "Date of publication on UHRI"),
    _refusal(cells.publication_date, "2025-13-45"),
    _refusal(cells.publication_date, "05/03/2025"),
    _refusal(cells.publication_date, "45000"),
    spreadsheet_date_advice("13/03/2025"),
    misspelt_state("Republica del Peru", "countries"),
    misspelt_state("Norwya", "From"),
    broken_csv(csv.Error("unexpected end of data"), 3),
]


@pytest.mark.parametrize("text", PRODUCED)
def test_each_refusal_reads_back_into_its_message(text: str | None) -> None:
    assert text
    stored = str(text)  # what the database keeps: the English sentence, nothing more
    read = refusals.reason_of(stored)
    assert isinstance(read, Reason) and read == stored
    assert read.message in {*refusals._WITH_VALUES, *refusals._FIXED}
    assert translated(read, _bracketed).startswith("[")


def test_the_values_that_are_messages_are_translated_too() -> None:
    stored = "input rejected: " + str(not_a_csv(kind_of(b"PK\x03\x04") or ""))
    assert translated(refusals.reason_of(stored), _bracketed) == (
        "[input rejected: [this is [an Excel workbook (XLSX) or another ZIP file], not a CSV file: save a "
        "workbook as 'CSV UTF-8' first; a UHRI export is imported with `nrtd import uhri` (in the staff "
        "workspace: the search page's .xlsx file as 'UHRI search export (XLSX)')]]"
    )
    # What the user typed stays as typed.
    date = translated(refusals.reason_of(_refusal(parse_date, "5 mai", "Publication date")), _bracketed)
    assert date == "[Publication date: not an ISO date: '5 mai']"


def test_a_refusal_stored_under_the_template_s_former_name_still_reads_back() -> None:
    """The template was "the CSV template of manual recommendations" until it was named for both its
    files (CSV or Excel): the runs stored before keep their words, and a page still translates them."""
    stored = (
        "input rejected: this is the CSV template of manual recommendations, not a UPR Info export: import "
        "it with `nrtd import csv` (in the staff workspace: 'CSV template of manual recommendations')"
    )
    read = refusals.reason_of(stored)
    assert isinstance(read, Reason) and read == stored
    assert translated(read, _bracketed).startswith("[input rejected: [this is the CSV template of manual")
    now = str(other_import(["external_id", "mechanism", "text"], "upr-info"))
    assert "this is the template of manual recommendations, not a UPR Info export" in now
    assert "'Template of manual recommendations (CSV or Excel)'" in now


def test_a_text_no_message_wrote_stays_as_stored() -> None:
    # A field's problem is read back only when the problem is a message too.
    for text in ("internal error: KeyError: 'x'", "Text: something new", "Text: Themes: nothing known", ""):
        assert not isinstance(refusals.reason_of(text), Reason) and refusals.reason_of(text) == text


def test_similar_messages_are_told_apart() -> None:
    """A shorter message whose value could swallow a longer one's words is not taken for it."""
    with_advice = refusals.reason_of(_refusal(cells.publication_date, "05/03/2025"))
    assert isinstance(with_advice, Reason) and with_advice.message == refusals.NOT_YYYY_MM_DD_ADVICE
    assert with_advice.values["value"] == "'05/03/2025'"
    plain = refusals.reason_of(_refusal(cells.publication_date, "2025-13-45"))
    assert isinstance(plain, Reason) and plain.message == refusals.NOT_YYYY_MM_DD
    pdf = refusals.reason_of(str(not_a_csv(kind_of(b"%PDF") or "")))
    assert isinstance(pdf, Reason) and pdf.message == refusals.NOT_A_CSV


def test_a_french_page_reads_the_refusals_the_catalogue_has() -> None:
    stored = "input rejected: " + str(broken_csv(csv.Error("unexpected end of data"), 3))
    french = translated(refusals.reason_of(stored), translations("fr").gettext)
    assert (
        "fichier CSV non valide : ligne 3 : une cellule entre guillemets n\u2019est jamais fermée" in french
    )


def test_every_message_is_extracted_for_the_catalogue() -> None:
    """pybabel extracts ``_("...")`` calls (app/web/translations/babel.cfg): each message is one."""
    extracted = {
        message
        for module in (refusals, record_refusals, file_refusals, download_refusals)
        for _line, message, _comments, _context in extract_from_file("python", str(module.__file__))
    }
    assert {*refusals._WITH_VALUES, *refusals._FIXED} <= extracted


def test_the_parts_of_a_sentence_are_translated_too() -> None:
    """The dates a day and a month may be, the template's columns, the sheet a workbook was read at."""
    advice = translated(refusals.reason_of(spreadsheet_date_advice("12/02/2025")), _bracketed)
    assert advice == (
        "[a spreadsheet wrote it its own way ([12 [February] or [December] 2?]); format the column as text "
        "and type [2025-02-12 or 2025-12-02]]"
    )
    one = translated(refusals.reason_of(spreadsheet_date_advice("28.02.2025")), _bracketed)
    assert one == "[a spreadsheet wrote it its own way; format the column as text and type 2025-02-28]"
    with pytest.raises(MalformedInput) as unknown:
        list(read_csv_template(_written("name,text\nAna,x\n")))
    columns = translated(refusals.reason_of(str(unknown.value)), _bracketed)
    assert columns.startswith("[unknown column(s) 'name'; the columns are: [external_id, ")
    assert columns.endswith(", text_<language> (text_fr, text_es ...)]]")
    place = sheet_place("Notes", [f"Sheet{n}" for n in range(12)])
    with pytest.raises(MalformedInput) as missing:
        column_positions(("Text",), place)
    sheets = translated(refusals.reason_of(str(missing.value)), _bracketed)
    assert sheets.endswith(
        "in the header row of [the first sheet, 'Notes'; the workbook's other sheet(s): ['Sheet0', 'Sheet1', "
        "'Sheet2', 'Sheet3', 'Sheet4', 'Sheet5', 'Sheet6', 'Sheet7', 'Sheet8', 'Sheet9' and 2 more]: only "
        "the first sheet is read, so put the UHRI results sheet first (or save it alone)]]"
    )
    for refused, start in (
        (no_header(place), "[not a UHRI export: [the first sheet, 'Notes'], has none of "),
        (no_header(sheet_place("Notes", [])), "[not a UHRI export: [the first sheet, "),
    ):
        text = translated(refusals.reason_of(str(refused)), _bracketed)
        assert text.startswith(start)
    empty = "empty spreadsheet: the first sheet, 'Notes', has no header row" + place.others
    assert translated(refusals.reason_of(empty), _bracketed).startswith(
        "[empty spreadsheet: [the first sheet, 'Notes'], has no header row[; the workbook's other sheet(s): "
    )


def test_a_value_that_looks_like_a_part_is_not_taken_for_one() -> None:
    """A part is read back only where it is whole: a month that is one, a day that is a number."""
    for text in ("12 Februar or December 2?", "a spreadsheet wrote it its own way (x or y?); format it"):
        assert not isinstance(refusals.reason_of(text), Reason)
    typed = refusals.reason_of("Publication date: not an ISO date: 'May'")
    assert translated(typed, _bracketed) == "[Publication date: not an ISO date: 'May']"


def _written(content: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "t.csv"
    path.write_text(content, encoding="utf-8")
    return path
