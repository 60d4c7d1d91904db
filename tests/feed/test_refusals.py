"""An import's refusals are stored in English; a page reads them back into the catalogue message they
were written from (app/feed/refusals.py) to show them in its language."""

from __future__ import annotations

import csv

import pytest
from babel.messages.extract import extract_from_file

from app.core.catalogue import Reason, translated
from app.feed import refusals
from app.feed.countries import misspelt_state
from app.feed.records import RecordError
from app.feed.sniff import broken_csv, kind_of, not_a_csv, other_import
from app.feed.template import cells
from app.feed.values import parse_date, parse_datetime, spreadsheet_date_advice
from app.web.i18n import translations
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


def test_a_text_no_message_wrote_stays_as_stored() -> None:
    for text in ("internal error: KeyError: 'x'", "Text: empty", ""):
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
        message for _line, message, _comments, _context in extract_from_file("python", refusals.__file__)
    }
    assert {*refusals._WITH_VALUES, *refusals._FIXED} <= extracted
