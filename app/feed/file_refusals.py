"""Why an import refuses a whole file for what is inside it: the UHRI JSON export's structure, an XLSX
archive too large to unpack, a sheet too long, cells that would read as empty, a CSV file's encoding; a
full export that would withdraw too much of what is stored. Catalogue messages, read back and translated
as app/feed/refusals.py says; ``name`` is the file's name, ``reason`` what the JSON parser or a decoder
said (in its own words, kept as they are, unless it is one of these messages).
"""

from __future__ import annotations

from app.core.catalogue import marked as _

# --- the UHRI JSON export (importers/uhri_json.py, importers/json_stream.py) -----------------------
JSON_NOT_UTF8 = _("%(name)s: not UTF-8 at record %(number)s")
JSON_UTF16 = _("%(name)s: not UTF-8 at record 1 (looks like UTF-16)")
JSON_EMPTY = _("%(name)s: empty document, expected a JSON array of records")
JSON_TOP_OBJECT = _("%(name)s: the top level is an object; expected a JSON array of records")
JSON_TOP_VALUE = _("%(name)s: the top level is a single value; expected a JSON array of records")
JSON_INVALID = _("%(name)s: invalid JSON: %(reason)s")
JSON_INVALID_AT = _("%(name)s: invalid JSON at record %(number)s: %(reason)s")
# A URL's download that is the search page's XLSX (importers/run.py), asked for in other languages.
WORKBOOK_NOT_IN_LANGUAGES = _(
    "%(name)s: this is an XLSX workbook (the UHRI search page's export), whose texts are read as "
    "English, not the JSON full export in %(languages)s: import it in English alone (--languages en, "
    "or NRTD_UHRI_LANGUAGES=en), or give the URL of the JSON full export"
)
JSON_TOO_DEEP = _("nested deeper than %(limit)s levels at byte %(offset)s (a UHRI export has 3)")
JSON_KEYS_MISSING = _(
    "%(name)s: no record holds %(keys)s, which every record of a UHRI export holds: the export's format "
    "may have changed (OHCHR renamed or dropped the key); nothing was imported, so that no stored "
    "recommendation loses what it holds there. Check the export against docs/uhri-formats.md"
)
JSON_CUT_SHORT = _(
    "the file ends inside it (premature EOF): it was cut short, by a download or a copy that did not "
    "finish; download or copy it again"
)

# --- an XLSX workbook (importers/xlsx_checks.py, importers/uhri_xlsx.py) ---------------------------
WORKBOOK_CUT_SHORT = _(
    "the workbook is cut short or damaged (its end is missing, as when a download or copy did not "
    "finish): download or copy it again"
)
UNPACKS_TOO_LARGE = _(
    "the spreadsheet would unpack to %(total)s bytes, more than %(limit)s (a zip bomb, or far larger "
    "than a UHRI search export)"
)
ZIP_BOMB = _(
    "%(member)s would unpack %(compressed)s bytes to %(size)s (%(ratio)s times, more than %(limit)s): a "
    "zip bomb"
)
# A ZIP archive that is no workbook (no [Content_Types].xml, which every XLSX holds): a workbook or
# another file zipped to be sent by e-mail. Its files are named, up to three (AND_MORE: how many else).
ZIP_NOT_A_WORKBOOK = _(
    "this is a ZIP archive holding %(files)s%(more)s, not a workbook: extract the file from it and import "
    "that file"
)
TOO_MANY_ROWS = _("more than %(rows)s rows, Excel's own limit")
NO_VISIBLE_SHEET = _("the workbook has no visible worksheet")
CORRUPT_SHEET = _("corrupt worksheet: %(error)s")
AND_MORE = _(" and %(count)s more")
MERGED_CELLS = _(
    "merged cells %(ref)s (column %(column)s)%(more)s: a merged cell's value is in its first row only, "
    "so the other rows would be read without it; unmerge them (in Excel: Merge & Center, Unmerge Cells) "
    "and fill in each row"
)
UNCALCULATED = _(
    "a formula that was never calculated in %(ref)s (column %(column)s)%(more)s: open the file in Excel "
    "or LibreOffice and save it again, so that each formula's value is saved with it"
)

# --- a CSV file's encoding (app/feed/template/reader.py, importers/upr_info_*.py) -------------------
NOT_IN_ENCODING = _(
    "not %(encoding)s: byte %(byte)s on line %(line)s (%(why)s); re-save the file as UTF-8 (in Excel: "
    "'CSV UTF-8')"
)
WINDOWS_LETTER = _("%(letter)s in Windows-1252, the encoding of Excel's plain 'CSV'")
UNKNOWN_ENCODING = _("unknown text encoding %(encoding)s")
CANNOT_DECODE = _("cannot decode the file as %(encoding)s: %(reason)s")
# A file not in the encoding named with --encoding: what to do about it. Runs stored before the advice
# was added said FORMER_CANNOT_DECODE_AT, still read back (WITH_VALUES_FORMER).
FORMER_CANNOT_DECODE_AT = _(
    "cannot decode the file as %(encoding)s: byte %(byte)s on line %(line)s (%(reason)s)"
)
CANNOT_DECODE_AT_NAMED = _(
    "cannot decode the file as %(encoding)s: byte %(byte)s on line %(line)s (%(reason)s): the file is in "
    "another encoding; leave --encoding out to have it detected, or name the one it was saved in"
)
CANNOT_DECODE_NAME_IT = _(
    "cannot decode the file as %(encoding)s: %(reason)s; name the file's encoding, or leave it out to have "
    "it detected"
)
NUL_BYTES = _("not a CSV file: it contains NUL bytes (a binary file?)")
NO_LEGACY_ENCODING = _(
    "the file is not UTF-8, and its accented letters read as text neither in Windows-1252 nor in Mac Roman "
    "(as %(encoding)s: %(word)s): it is in another code page, such as that of Excel's 'CSV (MS-DOS)'; save "
    "it as 'CSV UTF-8' and import it again"
)
UNMARKED_UTF16 = _(
    "this is %(encoding)s text without the byte-order mark that says so (every other byte is zero): save "
    "it as 'CSV UTF-8' (or as Excel's 'Unicode Text', which writes the mark) and import it again"
)
MIXED_ENCODINGS = _(
    "the file mixes encodings: it starts as UTF-8%(how)s but then holds %(byte)s%(line)s, which is not "
    "UTF-8; re-save it in one encoding or name the encoding"
)
BY_ITS_MARK = _(" (its byte-order mark)")
ON_LINE = _(" on line %(number)s")
# A file that is not UTF-8, read in the legacy encoding guessed for it (importers/upr_info_encoding.py):
# a succeeded run's message (a note, not a refusal), and why that encoding was chosen.
READ_AS_LEGACY_ENCODING = _(
    "the file is not UTF-8: it was read as %(encoding)s (%(why)s); if its accented letters look wrong, "
    "save it as 'CSV UTF-8' and import it again"
)
UNDEFINED_IN_WINDOWS_1252 = _("it holds bytes Windows-1252 leaves undefined")
LETTERS_READ_AS_MAC_ROMAN = _("its accented letters read as Mac Roman")
LETTERS_READ_AS_WINDOWS_1252 = _("its accented letters read as Windows-1252")
CHARSET_NORMALIZER_CHOICE = _("charset_normalizer's choice; the letters alone did not decide")
USUAL_LEGACY_ENCODING = _("the usual legacy encoding; the letters alone did not decide")

# --- a full export that would withdraw too much of what is stored (importers/pipeline/withdrawals.py) --
WITHDRAW_TOO_MANY_FOR = _(
    "the export would withdraw %(gone)s of the %(live)s recommendations stored for %(state)s (%(share)s, "
    "more than NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s); nothing was written. If they really left the "
    "feed, run the import again with --allow-withdraw"
)
WITHDRAW_TOO_MANY_FROM = _(
    "the export would withdraw %(gone)s of the %(live)s recommendations stored from %(source)s "
    "(%(share)s, more than NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s); nothing was written. If they "
    "really left the feed, run the import again with --allow-withdraw"
)
# The same refusals where the run was started by the server (its schedule, or the staff workspace's
# button) or is read on the staff workspace: no option can be given there, so they say whom to ask.
WITHDRAW_TOO_MANY_FOR_ASK = _(
    "the export would withdraw %(gone)s of the %(live)s recommendations stored for %(state)s (%(share)s, "
    "more than NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s); nothing was written. If they really left the "
    "feed, ask the server's administrator: only they can run the import allowing the withdrawals"
)
WITHDRAW_TOO_MANY_FROM_ASK = _(
    "the export would withdraw %(gone)s of the %(live)s recommendations stored from %(source)s "
    "(%(share)s, more than NRTD_IMPORT_MAX_WITHDRAW_SHARE=%(limit)s); nothing was written. If they "
    "really left the feed, ask the server's administrator: only they can run the import allowing the "
    "withdrawals"
)
# The withdrawal guard's wording, by who reads it: "option" (nrtd import, which takes --allow-withdraw),
# "ask-administrator" (the schedule, the staff workspace). One rule (importers/pipeline/withdrawals.py).
WITHDRAW_ADVICE: dict[str, dict[str, str]] = {
    "option": {"for": WITHDRAW_TOO_MANY_FOR, "from": WITHDRAW_TOO_MANY_FROM},
    "ask-administrator": {"for": WITHDRAW_TOO_MANY_FOR_ASK, "from": WITHDRAW_TOO_MANY_FROM_ASK},
}
BROKEN_FEED = _(
    "the export holds %(kept)s usable records in scope and %(rejected)s rejected ones; refusing to "
    "withdraw %(gone)s stored recommendations"
)
WITHDRAWALS_HELD_BACK = _(
    "withdrew none of the %(gone)s stored recommendations missing from the export: %(unread)s rejected "
    "record(s) have no id that can be read, and may be among them; the next export whose records all "
    "have their ids withdraws them"
)

# --- the CSV template's example row (app/feed/template/reader.py) ----------------------------------
# The second is a succeeded run's message (a note, not a refusal).
ONLY_THE_EXAMPLE = _(
    "the file holds only the template's example row (row %(row)s), which is never imported: write your "
    "recommendations in the rows below it (or in its place)"
)
EXAMPLE_PASSED_OVER = _("the template's example row (external_id %(id)s) was not imported: row(s) %(rows)s")
# A title (or a row grouping the columns) above the template's header (app/feed/template/reader.py).
ROWS_ABOVE_HEADER = _("the header is row %(row)s: the row(s) above it were passed over, holding %(values)s")
# The template saved as a workbook (importers/template_xlsx.py): the sheet read (a note), and a refusal
# of the file naming the sheet it is about.
SHEET_READ = _("the workbook's sheet %(sheet)s was read")
IN_SHEET = _("sheet %(sheet)s: %(reason)s")
UHRI_WORKBOOK = _(
    "this is the UHRI search page's export, not %(this)s: import it with `nrtd import uhri FILE.xlsx` "
    "(in the staff workspace: 'UHRI search export (XLSX)')"
)

FIXED = (
    JSON_CUT_SHORT, WORKBOOK_CUT_SHORT, NO_VISIBLE_SHEET, NUL_BYTES, BY_ITS_MARK, UNDEFINED_IN_WINDOWS_1252,
    LETTERS_READ_AS_MAC_ROMAN, LETTERS_READ_AS_WINDOWS_1252, CHARSET_NORMALIZER_CHOICE, USUAL_LEGACY_ENCODING,
)  # fmt: skip
WITH_VALUES = (
    JSON_NOT_UTF8, JSON_UTF16, JSON_EMPTY, JSON_TOP_OBJECT, JSON_TOP_VALUE, JSON_INVALID, JSON_INVALID_AT,
    JSON_TOO_DEEP, WORKBOOK_NOT_IN_LANGUAGES, UNPACKS_TOO_LARGE, ZIP_BOMB, TOO_MANY_ROWS, CORRUPT_SHEET,
    AND_MORE, MERGED_CELLS,
    ZIP_NOT_A_WORKBOOK,
    UNCALCULATED, WITHDRAW_TOO_MANY_FOR, WITHDRAW_TOO_MANY_FROM, WITHDRAW_TOO_MANY_FOR_ASK,
    WITHDRAW_TOO_MANY_FROM_ASK, BROKEN_FEED, WITHDRAWALS_HELD_BACK,
    NOT_IN_ENCODING, UNMARKED_UTF16, NO_LEGACY_ENCODING,
    WINDOWS_LETTER, UNKNOWN_ENCODING, CANNOT_DECODE, CANNOT_DECODE_AT_NAMED, CANNOT_DECODE_NAME_IT,
    MIXED_ENCODINGS,
    ON_LINE, READ_AS_LEGACY_ENCODING, ONLY_THE_EXAMPLE, EXAMPLE_PASSED_OVER, ROWS_ABOVE_HEADER, SHEET_READ,
    IN_SHEET,
    UHRI_WORKBOOK,
)  # fmt: skip
# Messages of earlier releases, read back from the runs that stored them.
WITH_VALUES_FORMER = (FORMER_CANNOT_DECODE_AT,)
