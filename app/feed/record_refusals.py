"""Why an import rejects one record (a row of a file, an object of the UHRI JSON export): the catalogue
messages the readers write their reasons from, read back and translated as app/feed/refusals.py says.

A value named ``field`` is a field or column as the file names it (no colon in it); a value named
``problem`` is itself one of these messages (a reason said of a field: "Themes: a label longer than 255
characters"), and a text is read back into such a message only when its problem is one. A value that
begins a message is what it is and no more (``typed``, ``sdg``: quoted; ``cells``: a number), so that
"symbol: '#N/A' is a spreadsheet error ..." is read as said of the field "symbol".
"""

from __future__ import annotations

from app.core.catalogue import marked as _

# --- a field and what is wrong with it ----------------------------------------------------------
FIELD_PROBLEM = _("%(field)s: %(problem)s")
MISSING = _("%(field)s: missing")
# A UHRI JSON record spelling one of the export's keys otherwise ("annotationId" for "AnnotationId").
KEY_SPELT_OTHERWISE = _(
    "%(field)s: missing, but the record has %(typed)s: the export spells this key %(field)s (keys are "
    "read as the export spells them, case included)"
)
EMPTY = _("%(field)s: empty")
EMPTY_LABEL = _("%(field)s: empty label")
LABEL_TOO_LONG = _("%(field)s: the label %(label)s... is too long")
# The last of a record's problems listed (app/feed/row_problems.py), when it has more.
MORE_PROBLEM = _("and one more problem in this record")
MORE_PROBLEMS = _("and %(count)s more problems in this record")

# --- text that cannot be stored (app/feed/values.py) --------------------------------------------
LONGER_THAN = _("longer than %(limit)s characters")
LABEL_LONGER_THAN = _("a label longer than %(limit)s characters")
NUL_AT = _("a NUL character at character %(at)s, which is not text")
SURROGATE_ESCAPE_AT = _(
    "an unpaired UTF-16 surrogate escape (or U+FFFF) at character %(at)s, which is not text"
)
SURROGATE_AT = _("an unpaired UTF-16 surrogate (%(char)s) at character %(at)s, which is not text")
SPREADSHEET_ERROR = _("%(typed)s is a spreadsheet error (a formula that failed), not a value")
EXPECTED_TEXT_LABEL = _("expected a text label, got %(type)s")
EXPECTED_LABEL_LIST = _("expected a list of labels, got %(type)s")

# --- numbers, SDG codes, UPR positions (app/feed/values.py) ---------------------------------------
NUMBER_NOT_BOOLEAN = _("%(field)s: expected a number, got a boolean")
TOO_MANY_DIGITS = _("%(field)s: %(digits)s digits, outside %(low)s..%(high)s")
NOT_A_WHOLE_NUMBER = _("%(field)s: expected a whole number, got %(value)s")
OUTSIDE_RANGE = _("%(field)s: %(value)s is outside %(low)s..%(high)s")
NO_SDG_CODE = _("no goal or target code in %(label)s")
NOT_AN_SDG = _("%(sdg)s is not an SDG goal or target")
UNKNOWN_POSITION = _(
    "unknown UPR position %(key)s: expected supported or noted (also accepted, rejected, or these words "
    "in French or Spanish), or nothing"
)

# --- the UHRI exports (importers/uhri_mapping.py, importers/uhri_xlsx.py) ---------------------------
# What a JSON value is (importers/uhri_mapping.py, json_type); "null" is JSON's own word.
JSON_TYPES = {
    "bool": _("a boolean"),
    "number": _("a number"),
    "str": _("a string"),
    "list": _("an array"),
    "dict": _("an object"),
}
NOT_A_JSON_OBJECT = _("record: expected a JSON object, got %(type)s")
EXPECTED_A_STRING = _("%(field)s: expected a string, got %(type)s")
NOT_A_UUID = _("%(field)s: not a UUID: %(value)s")
IS_NOT_A_UUID = _("%(field)s: %(value)s is not a UUID")
UNKNOWN_TYPE = _("%(field)s: unknown type %(label)s")
EXPECTED_TEXT = _("%(field)s: expected text, got %(type)s")
EXPECTED_ONE_VALUE = _("%(field)s: expected one value, got %(count)s: %(values)s")
SEVERAL_SESSIONS = _("%(field)s: several sessions %(sessions)s")
NEITHER_UHRI_TYPE = _("%(field)s: %(label)s is neither Recommendations nor Concerns/Observations")

# --- the CSV template (app/feed/template/) and the UPR Info export (importers/upr_info_csv.py) ------
EMPTY_NO_HEADER = _("empty file: no header row")
CELL_COUNT = _("%(cells)s cells but the header has %(header)s")
CELL_COUNT_CUT_SHORT = _(
    "%(cells)s cells but the header has %(header)s, and the file ends inside this row, without a line "
    "break: it looks cut short (a download or copy that did not finish); import the complete file"
)
CELL_COUNT_STRAY = _("%(cells)s cells but the header has %(header)s (a stray comma or quote?)")
UNNAMED_COLUMN = _(
    "column %(letter)s has no name in the header row but holds %(value)s: name it with a column of the "
    "template, or empty it"
)
DUPLICATE_OF_ROW = _("duplicate of row %(row)s")
# The same UPR Info recommendation twice whose other cells disagree (importers/upr_info_csv.py).
DUPLICATE_DIFFERS = _(
    "duplicate of row %(row)s (the same State, recommending State, session and text) but differs from it "
    "in: %(columns)s on this row; row %(row)s is the one read: correct the file and import it again"
)
# A record whose id a record before it in the file has (importers/pipeline/upserter.py).
DUPLICATE_ID = _("duplicate id, first seen at %(position)s")
SECOND_TEXT = _("duplicate of row %(row)s: a second %(language)s text")
TRANSLATION_OF_REJECTED = _("translation of row %(row)s, which was rejected")
TRANSLATION_DIFFERS = _("a translation of row %(row)s but differs from it in: %(columns)s")
# A row whose translation row below it was rejected: which of the two is right is the file's to say.
TRANSLATION_REJECTED = _("its translation on row %(row)s was rejected: correct both rows and import again")
TEXT_DIFFERS = _("%(field)s: differs from the text in column 'text', also %(language)s")
SEVERAL_STATES = _("%(field)s: %(label)s names several States: separate them with ';' (%(states)s)")
NEITHER_TEMPLATE_TYPE = _("type: %(value)s is neither 'recommendation' nor 'observation'")
NOT_A_LANGUAGE = _("language: %(value)s is not a language code such as en, fr or pt")
SDG_COMMA = _(
    "sdgs: %(label)s has a comma: write a target with a point (%(target)s) and separate codes with ';', "
    "formatting the column as text"
)
SDG_COMMA_TWO_GOALS = _(
    "sdgs: %(label)s has a comma: write a target with a point (%(target)s) and separate codes with ';' "
    "(%(goals)s), formatting the column as text"
)
# A row of an export naming a UHRI or UPR Info record (app/feed/template/columns.py, feed_source_of).
FEED_RECORD = _(
    "external_id: %(id)s is a record of %(feed)s: records of the feeds are imported from the feeds, not "
    "from a CSV, and this row would add a second, manual copy of it; remove the row, or give it an id of "
    "your own (without %(prefix)s) to add it as a manual recommendation"
)
SDG_LIST_WITH_COMMAS = _("sdgs: %(label)s names several codes: separate them with ';' (%(codes)s)")
SDG_DATE = _(
    "sdgs: %(label)s looks like a date a spreadsheet made of an SDG code; format the column as text and "
    "type the codes again"
)

FIXED = (EMPTY_NO_HEADER, MORE_PROBLEM, *JSON_TYPES.values())
WITH_VALUES = (
    FIELD_PROBLEM, MISSING, KEY_SPELT_OTHERWISE, EMPTY, EMPTY_LABEL, LABEL_TOO_LONG, MORE_PROBLEMS,
    LONGER_THAN, LABEL_LONGER_THAN,
    NUL_AT,
    SURROGATE_ESCAPE_AT, SURROGATE_AT, SPREADSHEET_ERROR, EXPECTED_TEXT_LABEL, EXPECTED_LABEL_LIST,
    NUMBER_NOT_BOOLEAN, TOO_MANY_DIGITS, NOT_A_WHOLE_NUMBER, OUTSIDE_RANGE, NO_SDG_CODE, NOT_AN_SDG,
    UNKNOWN_POSITION, NOT_A_JSON_OBJECT, EXPECTED_A_STRING, NOT_A_UUID, IS_NOT_A_UUID, UNKNOWN_TYPE,
    EXPECTED_TEXT, EXPECTED_ONE_VALUE, SEVERAL_SESSIONS, NEITHER_UHRI_TYPE, CELL_COUNT, CELL_COUNT_STRAY,
    CELL_COUNT_CUT_SHORT,
    UNNAMED_COLUMN, DUPLICATE_OF_ROW, DUPLICATE_ID, SECOND_TEXT, TRANSLATION_OF_REJECTED, TRANSLATION_DIFFERS,
    DUPLICATE_DIFFERS,
    TRANSLATION_REJECTED,
    TEXT_DIFFERS, SEVERAL_STATES, NEITHER_TEMPLATE_TYPE, NOT_A_LANGUAGE, SDG_COMMA, SDG_COMMA_TWO_GOALS,
    SDG_DATE, SDG_LIST_WITH_COMMAS, FEED_RECORD,
)  # fmt: skip
