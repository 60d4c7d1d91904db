"""Export stored recommendations in the project's CSV template, so the file imports back unchanged.

One row per recommendation, its languages side by side (``text_en``, ``text_fr`` ...; see
``app.exports.template_table``), as CSV or as an XLSX workbook.

The work is done by ``app.exports.template_records`` (shared with the API's template export); this
module adds the bodies the project knows (written by their code rather than their name) and the
mechanism resolver (a known body without a stored spelling is still written so that it maps back),
and the command's filters (``source``, ``country``, withdrawn).

Recommendations are streamed in id order, ``chunk_size`` at a time; the whole export reads one
snapshot of the database (one read-only transaction), so the file shows the data as it was at one
moment even while an import commits. A recommendation that cannot be written so that it reads back
is skipped and reported to ``on_skip`` (by default a logged warning); the others are exported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import ColumnElement, Connection, Engine, select

from app.exports.template_records import (
    CHUNK_SIZE,
    MechanismSpellings,
    SkipReport,
    TemplateRow,
    read_snapshot,
    template_records,
)
from app.exports.template_table import selection_languages, write_table_csv, write_table_xlsx
from app.feed.countries import resolve_country_alias
from app.feed.keys import label_key
from app.feed.mechanisms import KNOWN_MECHANISMS, resolve_mechanism
from app.feed.records import RecordError
from app.models import Recommendation, RecommendationTerm, Term
from app.models.recommendation import SOURCES

logger = logging.getLogger(__name__)

_KNOWN_CODES = frozenset(info.code for info in KNOWN_MECHANISMS)


@dataclass
class _Selection:
    """The recommendations to export, one snapshot: the languages the header needs, then the rows."""

    languages: list[str]
    records: Iterator[TemplateRow]
    written: int = 0

    def counted(self) -> Iterator[TemplateRow]:
        for record in self.records:
            self.written += 1
            yield record


def export_template_csv(
    engine: Engine,
    out: TextIO,
    *,
    source: str | None = None,
    country: str | None = None,
    include_withdrawn: bool = False,
    chunk_size: int = CHUNK_SIZE,
    on_skip: SkipReport | None = None,
) -> int:
    """Write the header and the selected recommendations to ``out``, one row each with a
    ``text_<language>`` column per language; return how many rows were written.

    ``out`` should be opened with ``newline=""`` (and ``encoding="utf-8-sig"`` for a spreadsheet).
    ``source`` keeps one source (``manual``, ``upr-info``, ``uhri``); ``country`` keeps the
    recommendations concerning that State, given as UHRI spells it, in everyday spelling or as an
    ISO code; withdrawn recommendations are left out unless ``include_withdrawn``.
    """
    with _selected(engine, source, country, include_withdrawn, chunk_size, on_skip or _log_skip) as chosen:
        write_table_csv(chosen.counted(), out, chosen.languages)
    return chosen.written


def export_template_xlsx(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    country: str | None = None,
    include_withdrawn: bool = False,
    chunk_size: int = CHUNK_SIZE,
    on_skip: SkipReport | None = None,
) -> int:
    """The same rows as ``export_template_csv``, as an XLSX workbook written at ``path``; return
    how many rows were written (a text too long for a spreadsheet cell is left out and reported)."""
    report = on_skip or _log_skip
    with _selected(engine, source, country, include_withdrawn, chunk_size, report) as chosen:
        too_long: list[int] = []

        def skipped(rec_id: int, reason: str) -> None:
            too_long.append(rec_id)
            report(rec_id, reason)

        write_table_xlsx(chosen.counted(), path, chosen.languages, skipped)
    return chosen.written - len(too_long)


@contextmanager
def _selected(
    engine: Engine,
    source: str | None,
    country: str | None,
    include_withdrawn: bool,
    chunk_size: int,
    report: SkipReport,
) -> Iterator[_Selection]:
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; the sources are: {', '.join(SOURCES)}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    with read_snapshot(engine) as conn:
        conditions = _conditions(conn, source, country, include_withdrawn)
        records = template_records(
            conn,
            conditions,
            report=report,
            spellings=MechanismSpellings(_KNOWN_CODES, _resolved_code),
            chunk_size=chunk_size,
        )
        yield _Selection(selection_languages(conn, conditions), records)


def _conditions(
    conn: Connection, source: str | None, country: str | None, include_withdrawn: bool
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if source is not None:
        conditions.append(Recommendation.source == source)
    if not include_withdrawn:
        conditions.append(Recommendation.withdrawn.is_(False))
    if country is not None:
        key = label_key(resolve_country_alias(country))
        term_id = conn.execute(select(Term.id).where(Term.kind == "state", Term.key == key)).scalar()
        conditions.append(
            Recommendation.id.in_(
                select(RecommendationTerm.recommendation_id).where(
                    RecommendationTerm.role == "country", RecommendationTerm.term_id == term_id
                )
            )
            if term_id is not None
            else Recommendation.id.is_(None)  # no recommendation concerns that State
        )
    return conditions


def _log_skip(rec_id: int, reason: str) -> None:
    logger.warning("recommendation %s not exported: %s", rec_id, reason)


def _resolved_code(spelling: str) -> str | None:
    try:
        return resolve_mechanism(spelling).code
    except RecordError:
        return None
