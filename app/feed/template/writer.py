"""The CSV template's writer: records as template rows that import back as the same records.

One row per language of a record's text, the other cells repeated (the template's rows-below form,
which the reader also reads); the exports write texts side by side instead
(``app.exports.template_table``) from the same ``shared_cells``. The format is documented in
docs/csv-template.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date
from typing import Protocol, TextIO

from app.feed.fields import ROLE_FIELDS as ALL_ROLE_FIELDS
from app.feed.template.columns import TEMPLATE_COLUMNS

SEPARATOR = "; "
# Spreadsheets run a cell starting with one of these as a formula (CSV injection; a leading tab or
# carriage return too, as OWASP's guidance warns); the writer prefixes such cells (and cells that
# already start with apostrophes before one) with one more apostrophe, and the reader removes one,
# so every text survives a round trip.
FORMULA = re.compile(r"^'*[=+\-@\t\r]")

# Link role -> record list field, for the roles the template has a column for ("issue" has none).
ROLE_FIELDS = {role: field for role, field in ALL_ROLE_FIELDS.items() if role != "issue"}
_LIST_FIELDS = tuple(ROLE_FIELDS.values())


class TemplateRecord(Protocol):
    """What the writer reads of a record (``app.feed.records.SourceRecord`` is one)."""

    external_id: str
    type: str
    mechanism: str
    texts: dict[str, str]
    symbol: str | None
    publication_date: date | None
    upr_session: int | None
    position: str
    countries: list[str]
    regions: list[str]
    themes: list[str]
    affected_persons: list[str]
    sdgs: list[str]
    recommending_states: list[str]
    recommending_regions: list[str]


def guard_formula(value: str) -> str:
    return "'" + value if FORMULA.match(value) else value


def template_rows(record: TemplateRecord) -> list[list[str]]:
    """The CSV rows of one record: one per language of its text, the shared cells repeated.

    Raises ``ValueError`` for what would not read back the same: a record without text, or a
    label containing ";".
    """
    if not record.texts:
        raise ValueError(f"record {record.external_id!r} has no text")
    shared = shared_cells(record)
    rows = []
    for language, text in record.texts.items():
        cells = {**shared, "language": language, "text": text}
        rows.append([guard_formula(cells[name]) for name in TEMPLATE_COLUMNS])
    return rows


def write_template_rows(records: Iterable[TemplateRecord], out: TextIO) -> None:
    """Write the header, then each record as one row per language of its text.

    ``out`` should be opened with ``newline=""``. Fields the template has no column for
    (document_id, uhri_published_at, upr_info_action, issues) are not written; upr_cycle is
    derived from upr_session again on import.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for record in records:
        writer.writerows(template_rows(record))


def shared_cells(record: TemplateRecord) -> dict[str, str]:
    """The cells of a record other than its texts (``language`` and ``text``)."""
    cells = {
        "external_id": record.external_id,
        "mechanism": record.mechanism,
        "type": record.type,
        "symbol": record.symbol or "",
        "publication_date": record.publication_date.isoformat() if record.publication_date else "",
        "upr_session": str(record.upr_session) if record.upr_session is not None else "",
        "position": "" if record.position == "none" else record.position,
    }
    for name in _LIST_FIELDS:
        labels: list[str] = getattr(record, name)
        for label in labels:
            if ";" in label:
                raise ValueError(f"record {record.external_id!r}: {name} label {label!r} contains ';'")
        cells[name] = SEPARATOR.join(labels)
    return cells
