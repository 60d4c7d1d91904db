"""Why an import refuses a file or rejects a record, as catalogue messages, so that the staff workspace
shows them in the page's language.

The importers write their refusals in English, and that is what is stored (a run's message, each
rejection's reason) and what the API, the CLI and the logs show. Each message here is a catalogue
message (``_``) with named values: an importer writes it as a ``Reason`` (the English sentence, its
values filled in), and a page reads a stored text back into its message and values (``reason_of``),
translates the message and fills the values in again (the ``import_reason`` filter, app/web/i18n.py).
A text that no message here matches (a refusal not yet written from one) is shown as it is stored.
The reasons a single record is rejected for are in app/feed/record_refusals.py, those a file is refused
for inside it (its JSON, its archive, its sheet) in app/feed/file_refusals.py, why a feed could not be
downloaded in app/feed/download_refusals.py: read back by the same rule.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.feed import download_refusals, file_refusals, record_refusals

# How the run's message names the kind of failure before its reason (importers/run_record.py).
INPUT_REJECTED = _("input rejected: %(reason)s")
REFUSED = _("refused: %(reason)s")
CANNOT_BE_IMPORTED = _("The file cannot be imported: %(reason)s")

# --- a file given to the wrong import -----------------------------------------------------------
# What a file plainly is, from its first bytes (app/feed/sniff.py).
KIND_ZIP = _("an Excel workbook (XLSX) or another ZIP file")
KIND_ODS = _("an OpenDocument workbook (.ods, what LibreOffice saves by default)")
KIND_XLS = _("an old Excel workbook (XLS) or another Office file")
# An .xlsx saved with a password is no ZIP archive but a Compound File, as an XLS is (app/feed/sniff.py).
KIND_ENCRYPTED = _("an Excel workbook (or another Office file) protected by a password")
KIND_GZIP = _("a gzip-compressed file (decompress it first)")
KIND_PDF = _("a PDF document")
KIND_HTML = _("a web page (HTML)")
KIND_XML = _("an XML or HTML document")
KIND_JSON = _("a JSON document")
KIND_IMAGE = _("an image (a photo or a picture)")
KIND_NOT_JSON = _("not JSON (a CSV or other text file?)")
# Office files that are ZIP archives as a workbook is, told by their main part (importers/xlsx_checks.py).
KIND_DOCX = _("a Word document (.docx)")
KIND_PPTX = _("a PowerPoint presentation (.pptx)")

NOT_A_CSV = _(
    "this is %(kind)s, not a CSV file: a UHRI export is imported with `nrtd import uhri` "
    "(in the staff workspace: the search page's .xlsx file as 'UHRI search export (XLSX)')"
)
WORKBOOK_NOT_A_CSV = _(
    "this is %(kind)s, not a CSV file: save a workbook as 'CSV UTF-8' first; a UHRI export is imported "
    "with `nrtd import uhri` (in the staff workspace: the search page's .xlsx file as 'UHRI search export "
    "(XLSX)')"
)
NOT_THE_JSON_EXPORT = _(
    "%(name)s: this is %(kind)s, not the UHRI JSON export (a JSON array of records); the UHRI search "
    "page's export is an .xlsx file, a UPR Info file is imported with `nrtd import upr-info`, the CSV "
    "template with `nrtd import csv`"
)
# What a file that is no ZIP archive (as an XLSX file is) is (importers/xlsx_checks.py).
NOT_AN_XLSX = _("not an XLSX spreadsheet: %(reason)s")
EMPTY_FILE = _("the file is empty")
THIS_IS = _("this is %(kind)s")
SAVE_AS_XLSX = _("this is %(kind)s: open it in Excel and save it as 'Excel Workbook (.xlsx)'")
REMOVE_PASSWORD = _(
    "this is %(kind)s, which cannot be read: open it in Excel, remove the password (File > Info > Protect "
    "Workbook > Encrypt with Password: clear it), save it, and import it again"
)
JSON_NOT_UPLOADED = _(
    "this is %(kind)s: the UHRI JSON export is imported from a file named .json (`nrtd import uhri "
    "FILE.json`), or by the scheduled import (in the staff workspace: 'Start the scheduled UHRI import "
    "now'); it cannot be uploaded"
)
TEXT_NOT_A_ZIP = _(
    "this is a CSV or other text file, not a ZIP archive as an XLSX file is: a UPR Info export is "
    "imported with `nrtd import upr-info`, the template of manual recommendations with `nrtd import csv` "
    "(in the staff workspace: choose 'UPR Info database (CSV)' or 'Template of manual recommendations "
    "(CSV or Excel)')"
)
# A file whose header row is plainly another import's (app/feed/sniff.py, other_import): what it is,
# which import it was given to (``this``), and which import reads it; the "saved" variant for a
# workbook given to the UHRI search export's import, which reads XLSX files.
NAMED_IMPORTS = {
    "csv": _("the template of manual recommendations"),
    "upr-info": _("a UPR Info export"),
    "uhri-xlsx": _("a UHRI search export"),
    # What the UHRI imports read, as a text file given to them is told it is not (app/feed/sniff.py).
    "uhri-json": _("the UHRI JSON export"),
    "xlsx": _("an XLSX workbook"),
}
OTHER_IMPORT = {
    "export": _(
        "this is the recommendation export (the open-data CSV or XLSX), not %(this)s: download the export "
        "in the import template's columns instead ('CSV in the import template's columns' on the staff "
        "workspace's Reports and exports page, or `nrtd export csv`), edit that and import it"
    ),
    "upr-info": _(
        "this is a UPR Info database export, not %(this)s: import it with `nrtd import upr-info` "
        "(in the staff workspace: 'UPR Info database (CSV)')"
    ),
    "csv": _(
        "this is the template of manual recommendations, not %(this)s: import it with `nrtd import csv` "
        "(in the staff workspace: 'Template of manual recommendations (CSV or Excel)')"
    ),
    "uhri-xlsx": _(
        "this is the UHRI search page's export saved as CSV, not %(this)s: import the .xlsx file as UHRI "
        "gives it, with `nrtd import uhri FILE.xlsx` (in the staff workspace: 'UHRI search export (XLSX)')"
    ),
}
OTHER_IMPORT_SAVED = {
    "upr-info": _(
        "this is a UPR Info database export, not %(this)s: save the workbook as 'CSV UTF-8', then import "
        "it with `nrtd import upr-info` (in the staff workspace: 'UPR Info database (CSV)')"
    ),
}
# The template's workbook was once told to be saved as CSV first: `nrtd import csv` reads the workbook
# as it is now (OTHER_IMPORT["csv"]). Still read back, so that an old run's page says it in its language.
FORMER_TEMPLATE_SAVED = _(
    "this is the template of manual recommendations, not %(this)s: save the workbook as 'CSV UTF-8', "
    "then import it with `nrtd import csv` (in the staff workspace: 'Template of manual recommendations "
    "(CSV or Excel)')"
)
# The same refusals as runs stored them before the template was named for both its files (CSV or
# Excel): still read back, so that an old run's page says them in its language.
FORMER_TEXT_NOT_A_ZIP = _(
    "this is a CSV or other text file, not a ZIP archive as an XLSX file is: a UPR Info export is "
    "imported with `nrtd import upr-info`, the CSV template with `nrtd import csv` (in the staff "
    "workspace: choose 'UPR Info database (CSV)' or 'CSV template of manual recommendations')"
)
FORMER_TEMPLATE_NAME = _("the CSV template")
FORMER_OTHER_IMPORT = (
    _(
        "this is the CSV template of manual recommendations, not %(this)s: import it with "
        "`nrtd import csv` (in the staff workspace: 'CSV template of manual recommendations')"
    ),
    _(
        "this is the CSV template of manual recommendations, not %(this)s: save the workbook as "
        "'CSV UTF-8', then import it with `nrtd import csv` (in the staff workspace: 'CSV template of "
        "manual recommendations')"
    ),
)

# --- columns ---------------------------------------------------------------------------------------
UHRI_XLSX_MISSING_COLUMNS = _(
    "not a UHRI export: missing column(s) %(columns)s in the header row of %(sheet)s"
)
# The same, naming the header cells that name no column (a misspelt one among them).
UHRI_XLSX_UNKNOWN_COLUMNS = _(
    "not a UHRI export: missing column(s) %(columns)s in the header row of %(sheet)s; no UHRI column is "
    "named %(unknown)s"
)
ALSO_SPELT = _("%(name)s (also spelt %(spellings)s)")
# Which sheet of a workbook was read, and the others it has (importers/uhri_xlsx_columns.py).
FIRST_SHEET = _("the first sheet, %(title)s")
FIRST_SHEET_OF_SEVERAL = _(
    "the first sheet, %(title)s; the workbook's other sheet(s): %(others)s: only the first sheet is read, "
    "so put the UHRI results sheet first (or save it alone)"
)
OTHER_SHEETS = _(
    "; the workbook's other sheet(s): %(others)s: only the first sheet is read, so put the UHRI results "
    "sheet first (or save it alone)"
)
SHEETS_AND_MORE = _("%(sheets)s and %(count)s more")
NO_UHRI_HEADER = _(
    "not a UHRI export: %(sheet)s, has none of the columns of a UHRI search export (%(columns)s) in its "
    "first rows (a title of up to %(rows)s rows above the header is passed over)%(others)s"
)
EMPTY_SPREADSHEET = _("empty spreadsheet: %(sheet)s, has no header row%(others)s")
UPR_INFO_MISSING_COLUMNS = _(
    "not a UPR Info export: missing column(s) %(columns)s; the header row holds %(found)s"
)
# The CSV template's columns, as its refusals list them (app/feed/template/reader.py).
TEMPLATE_COLUMN_LIST = _("%(names)s, text_<language> (text_fr, text_es ...)")
TEMPLATE_UNKNOWN_COLUMNS = _("unknown column(s) %(columns)s; the columns are: %(expected)s")
TEMPLATE_MISSING_COLUMNS = _("missing required column(s) %(columns)s; the columns are: %(expected)s")
COLUMN_TWICE = _("column %(name)s appears twice in the header row")

# --- dates -------------------------------------------------------------------------------------------
NOT_AN_ISO_DATE = _("%(field)s: not an ISO date: %(value)s")
NOT_AN_ISO_DATE_TIME = _("%(field)s: not an ISO date-time: %(value)s")
NOT_AN_ISO_DATE_TIME_ADVICE = _("%(field)s: not an ISO date-time: %(value)s: %(advice)s")
NOT_A_DATE = _("%(field)s: expected a date, got %(type)s")
NOT_A_DATE_TIME = _("%(field)s: expected a date-time, got %(type)s")
NOT_AN_EXCEL_DATE = _("%(field)s: %(value)s is not an Excel date serial number")
NOT_YYYY_MM_DD = _("publication_date: %(value)s is not a YYYY-MM-DD date")
NOT_YYYY_MM_DD_ADVICE = _("publication_date: %(value)s is not a YYYY-MM-DD date: %(advice)s")
# A date outside the years a recorded date may fall in (app.core.dates.EnteredDate): a year typed wrong.
DATE_OUT_OF_RANGE = _("publication_date: %(value)s is not between %(earliest)s and %(latest)s")
# What a spreadsheet made of a date (app/feed/dates.py, spreadsheet_date_advice).
EXCEL_DATE_NUMBER = _(
    "an Excel date number (%(date)s in Excel's count); format the column as text and type %(date)s"
)
DATE_OWN_WAY = _("a spreadsheet wrote it its own way; format the column as text and type %(dates)s")
# A date with a time of day (app/feed/template/cells.py): a publication date is a day.
DATE_WITH_TIME = _(
    "it holds a time of day (%(time)s) besides the day; type the day alone, %(date)s, or format the column "
    "as a date without the time"
)
DATE_OWN_WAY_WHICH = _(
    "a spreadsheet wrote it its own way (%(which)s); format the column as text and type %(dates)s"
)
# Its parts: the two dates a day and a month typed either way round may be, and which one is meant.
TWO_DATES = _("%(first_date)s or %(second_date)s")
WHICH_DATE = _("%(day)s %(month)s or %(other_month)s %(other_day)s?")
MONTHS = (
    _("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
    _("September"), _("October"), _("November"), _("December"),
)  # fmt: skip

# --- the State ------------------------------------------------------------------------------------
NO_SUCH_STATE = _(
    "%(field)s: %(label)s is no State this import knows (closest: %(closest)s): write the State as UHRI "
    "spells it, in a UN language, or as its ISO code (%(code)s for %(state)s)"
)
ANOTHER_STATE = _(
    "about %(states)s, not %(own)s: this instance tracks %(own)s only (NRTD_COUNTRY); import it into a "
    "database of its own"
)
# A file that holds no record at all (importers/run_record.py), for any import: the command's and the
# staff workspace's upload alike record it as a failed run.
NO_RECORD = _(
    "the file holds no record: nothing was imported (a header row with no row below it, or an empty array: "
    "an empty search, or rows filtered out before the file was saved?). If that is expected, `nrtd import "
    "... --allow-empty` lets the run succeed"
)
NOTHING_IN_SCOPE = _(
    "none of the %(read)s records read concerns %(state)s, the State imported (NRTD_COUNTRY, or "
    "--country on the command line): the file is about other States, or is not the file meant; nothing "
    "was imported. If that is expected, `nrtd import ... --allow-empty` lets the run succeed"
)

# --- a CSV file that is not valid CSV (app/feed/sniff.py, broken_csv) -------------------------------
NOT_VALID_CSV = _("not a valid CSV file: row %(row)s: %(reason)s")
QUOTE_NEVER_CLOSED = _(
    "a quoted cell is never closed (a '\"' is missing), so every row below it would be read into that cell"
)
QUOTE_CUT_SHORT = _(
    "the file ends inside a quoted cell, without a line break: it looks cut short (a download or copy "
    "that did not finish); import the complete file"
)
QUOTE_NOT_DOUBLED = _('a \'"\' inside a quoted cell must be doubled (""), as a spreadsheet program writes it')
LINE_TOO_LONG = _("a line longer than %(limit)s characters, far more than a row holds")
CELL_TOO_LONG = _(
    "a cell longer than %(limit)s characters, the longest a cell may be (or a quote that is never closed)"
)

# Texts without values, translated as a whole where they stand (a value of another message included).
_FIXED = frozenset(
    (
        KIND_ZIP, KIND_ODS, KIND_XLS, KIND_GZIP, KIND_PDF, KIND_HTML, KIND_XML, KIND_JSON, KIND_NOT_JSON,
        KIND_IMAGE, KIND_ENCRYPTED,
        KIND_DOCX, KIND_PPTX,
        EMPTY_FILE, NO_RECORD, TEXT_NOT_A_ZIP, FORMER_TEXT_NOT_A_ZIP, FORMER_TEMPLATE_NAME,
        QUOTE_NEVER_CLOSED, QUOTE_CUT_SHORT, QUOTE_NOT_DOUBLED,
        *NAMED_IMPORTS.values(),
        *MONTHS, *record_refusals.FIXED, *file_refusals.FIXED, *download_refusals.FIXED,
    )
)  # fmt: skip
_WITH_VALUES = (
    INPUT_REJECTED, REFUSED, CANNOT_BE_IMPORTED, NOT_A_CSV, WORKBOOK_NOT_A_CSV, NOT_THE_JSON_EXPORT,
    NOT_AN_XLSX, THIS_IS, SAVE_AS_XLSX, REMOVE_PASSWORD, JSON_NOT_UPLOADED, *OTHER_IMPORT.values(),
    *OTHER_IMPORT_SAVED.values(), FORMER_TEMPLATE_SAVED, *FORMER_OTHER_IMPORT,
    UHRI_XLSX_MISSING_COLUMNS, UHRI_XLSX_UNKNOWN_COLUMNS,
    ALSO_SPELT,
    UPR_INFO_MISSING_COLUMNS,
    TEMPLATE_UNKNOWN_COLUMNS, TEMPLATE_MISSING_COLUMNS, COLUMN_TWICE, NOT_AN_ISO_DATE, NOT_AN_ISO_DATE_TIME,
    NOT_AN_ISO_DATE_TIME_ADVICE, NOT_A_DATE, NOT_A_DATE_TIME, NOT_AN_EXCEL_DATE, NOT_YYYY_MM_DD,
    NOT_YYYY_MM_DD_ADVICE, DATE_OUT_OF_RANGE,
    EXCEL_DATE_NUMBER, DATE_OWN_WAY, DATE_WITH_TIME, DATE_OWN_WAY_WHICH, TWO_DATES, WHICH_DATE,
    TEMPLATE_COLUMN_LIST,
    FIRST_SHEET, FIRST_SHEET_OF_SEVERAL, OTHER_SHEETS, SHEETS_AND_MORE, NO_UHRI_HEADER, EMPTY_SPREADSHEET,
    NO_SUCH_STATE, ANOTHER_STATE, NOTHING_IN_SCOPE,
    NOT_VALID_CSV, LINE_TOO_LONG, CELL_TOO_LONG, *record_refusals.WITH_VALUES, *file_refusals.WITH_VALUES,
    *file_refusals.WITH_VALUES_FORMER,
    *download_refusals.WITH_VALUES,
)  # fmt: skip
_VALUE = re.compile(r"%\((\w+)\)s")
# What a value of some names may be: a field or column as the file names it has no colon (so that
# "Themes: a label ..." names the field "Themes"), a date, day, month, count or URL is one; a ``problem``
# must itself read back into a message.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_QUOTED = r"['\"].*?['\"]"  # a value as Python's repr quotes it
_MONTH = "|".join(MONTHS)
_VALUE_PATTERNS = {
    "field": r"[^:]*?",
    "first_date": _ISO_DATE,
    "earliest": _ISO_DATE,
    "latest": _ISO_DATE,
    "second_date": _ISO_DATE,
    "day": r"\d{1,2}",
    "other_day": r"\d{1,2}",
    "month": _MONTH,
    "other_month": _MONTH,
    "count": r"[\d,]+",
    "names": r"[\w, ]+",
    "url": r"\S+",
    "byte": r"b'.*?'|b\".*?\"",  # bytes as Python's repr writes them
    "cells": r"\d+",
    "number": r"\d+",
    "typed": _QUOTED,
    "sdg": _QUOTED,
    "sheets": _QUOTED,
}
_MESSAGE_VALUES = frozenset({"problem"})


def refusal(message: str, **values: str | int) -> Reason:
    """``message`` with its values: the English sentence wherever a string goes, its values that are
    messages of this module (a kind of file, an import's name) marked so that they are translated too."""
    return Reason(message, **{name: _marked(value) for name, value in values.items()})


def _marked(value: str | int) -> str | int:
    return Reason(value) if isinstance(value, str) and value in _FIXED else value


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each message with values as a pattern of the text it writes, the one with the most fixed words
    first: where a shorter message's pattern also matches a text (its value swallowing the longer one's
    words), the longer one wrote it."""
    compiled = []
    for message in _WITH_VALUES:
        parts, seen, position = [], set(), 0
        for match in _VALUE.finditer(message):
            parts.append(re.escape(message[position : match.start()]))
            name = match.group(1)
            value = _VALUE_PATTERNS.get(name, ".*?")
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
            seen.add(name)
            position = match.end()
        parts.append(re.escape(message[position:]))
        compiled.append((message, re.compile("".join(parts), re.DOTALL)))
    return tuple(sorted(compiled, key=lambda item: -len(_VALUE.sub("", item[0]))))


@lru_cache(maxsize=4096)
def reason_of(text: str) -> str:
    """A stored refusal read back into the message it was written from: a ``Reason`` (its values read
    back too) that a page translates, or ``text`` as it is when no message of this module wrote it."""
    if text in _FIXED:
        return Reason(text)
    for message, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match:
            # A position within the message ("first seen at row 3") is said in the page's language.
            values = {
                name: position_of(value) if name == "position" else reason_of(value)
                for name, value in match.groupdict().items()
            }
            if all(isinstance(values[name], Reason) for name in _MESSAGE_VALUES & values.keys()):
                return Reason(message, **values)
    return text


def refusal_of_run(message: str) -> str:
    """A failed run's message read back without the words naming the kind of failure ("input rejected:
    ", "refused: "): why the file was refused, as a form says it beside the file."""
    for kind in (INPUT_REJECTED, REFUSED):
        words = kind.removesuffix("%(reason)s")
        if message.startswith(words):
            return reason_of(message.removeprefix(words))
    return reason_of(message)


# Where a rejected record stands in its file, as the readers write it ("row 3" of a CSV or a sheet,
# "record 12" of a JSON export): the run's page says it in its language.
ROW_POSITION = _("row %(number)s")
RECORD_POSITION = _("record %(number)s")
_POSITION = re.compile(r"(row|record) (\d+)")


def position_of(text: str) -> str:
    """A stored position read back into its message (a ``Reason`` a page translates), or ``text`` as
    it is (a warning's position: a document and a paragraph)."""
    match = _POSITION.fullmatch(text)
    if match is None:
        return text
    return Reason(ROW_POSITION if match[1] == "row" else RECORD_POSITION, number=int(match[2]))
