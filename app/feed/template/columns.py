"""The CSV template for manual recommendations: its columns and the ready-to-fill file.

``app.feed.template.reader`` reads and ``app.feed.template.writer`` writes the format with these
same columns. The format is documented in docs/csv-template.md.
"""

from __future__ import annotations

import csv
import io

# The columns that hold lists of labels ("Peru; Chile"), in the template's order.
LIST_COLUMNS: tuple[str, ...] = (
    "countries",
    "regions",
    "themes",
    "affected_persons",
    "sdgs",
    "recommending_states",
    "recommending_regions",
)
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "external_id",
    "mechanism",
    "type",
    "symbol",
    "text",
    "language",
    "publication_date",
    *LIST_COLUMNS,
    "upr_session",
    "position",
)
TEMPLATE_FILENAME = "nrtd-recommendations-template.csv"
TEMPLATE_MEDIA_TYPE = "text/csv; charset=utf-8"

# The sources whose recommendations come from their own import, not from this template, by the name
# a reader knows them by. An export of the template writes their records with the source before the
# id ("uhri:b57cfd85-...", "upr-info:1234"), and the import rejects such a row (``feed_source_of``):
# imported here it would be a second, manual copy of a record its feed keeps up to date.
FEED_SOURCES: dict[str, str] = {"uhri": "UHRI", "upr-info": "UPR Info"}

# The example row's id, in its first cell, where whoever fills the template in reads it: the import
# passes over every row with this id (any case), saying so in the run's message, so that a template
# filled in below its example does not import the example as a recommendation.
EXAMPLE_ID = "EXAMPLE"
# The example of the templates served before it was marked: its id and text, passed over as well
# (that exact row only: the id alone may be a real recommendation's).
FORMER_EXAMPLE_ID = "ACHPR-LSO-2023-17"
_EXAMPLE_TEXT = (
    "17. Criminalise marital rape and adopt a comprehensive law on gender-based violence, "
    "in line with Article 4 of the Maputo Protocol."
)
FORMER_EXAMPLE_TEXT = _EXAMPLE_TEXT

# One realistic row, written exactly as the export (app.feed.template.writer.write_template_rows)
# writes this recommendation (its id aside), so the template also shows what an export looks like.
_EXAMPLE: dict[str, str] = {
    "external_id": EXAMPLE_ID,
    "mechanism": "African Commission on Human and Peoples' Rights",
    "type": "recommendation",
    "text": _EXAMPLE_TEXT,
    "language": "en",
    "publication_date": "2023-05-10",
    "countries": "Lesotho",
    "regions": "Africa",
    "themes": "Women's rights; Domestic violence",
    "affected_persons": "Women & girls",
    "sdgs": "5.2; 16.3",
}


def is_example(external_id: str, text: str) -> bool:
    """Whether a row with this id and text is the template's example row (``EXAMPLE_ID``, or the
    former example exactly)."""
    if external_id.casefold() == EXAMPLE_ID.casefold():
        return True
    return external_id == FORMER_EXAMPLE_ID and text == FORMER_EXAMPLE_TEXT


def feed_record_id(source: str, external_id: str) -> str:
    """The ``external_id`` an export writes for a record of a feed source (``uhri:<AnnotationId>``)."""
    return f"{source}:{external_id}"


def feed_source_of(external_id: str) -> str | None:
    """The feed source (a key of ``FEED_SOURCES``) whose record this ``external_id`` names, as
    ``feed_record_id`` wrote it (any case, spaces around the source's name), or None."""
    source, colon, rest = external_id.partition(":")
    key = source.strip().casefold()
    return key if colon and rest.strip() and key in FEED_SOURCES else None


def template_header() -> str:
    """The header line of the template, with its CRLF ending."""
    return ",".join(TEMPLATE_COLUMNS) + "\r\n"


def template_csv() -> str:
    """A ready-to-fill template: the header and the example row (CRLF line endings), which the
    import passes over (``is_example``)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([_EXAMPLE.get(name, "") for name in TEMPLATE_COLUMNS])
    return out.getvalue()


def template_download() -> bytes:
    """The template as the API serves it: UTF-8 with a byte-order mark.

    Without the mark Excel opens a double-clicked CSV in the machine's legacy code page, and
    saves the filled-in file that way, which the import refuses; with it Excel reads and saves
    UTF-8. The import accepts the mark.
    """
    return template_csv().encode("utf-8-sig")
