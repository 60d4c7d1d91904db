"""Export stored recommendations in the project's CSV template, so the file imports back unchanged.

The work is done by ``app.exports.template_csv`` (shared with the API's template export, since
``app/`` may not import this package); this module adds what only the importers know: the bodies
the project knows (written by their code rather than their name) and the mechanism resolver
(a known body without a stored spelling is still written so that it maps back), and the
command's filters (``source``, ``country``, withdrawn).

Recommendations are streamed in id order, ``chunk_size`` at a time; the whole export reads one
snapshot of the database (one read-only transaction), so the file shows the data as it was at one
moment even while an import commits. A recommendation that cannot be written so that it reads back
is skipped and reported to ``on_skip`` (by default a logged warning); the others are exported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import ColumnElement, Engine, select

from app.exports.template_csv import (
    CHUNK_SIZE,
    MechanismSpellings,
    SkipReport,
    TemplateRow,
    read_snapshot,
    template_records,
    write_template_rows,
)
from app.models import Recommendation, RecommendationTerm, Term
from app.models.recommendation import SOURCES
from app.taxonomies.keys import label_key
from importers.countries import resolve_country_alias
from importers.mechanisms import KNOWN_MECHANISMS, resolve_mechanism
from importers.record import RecordError

logger = logging.getLogger(__name__)

_KNOWN_CODES = frozenset(info.code for info in KNOWN_MECHANISMS)


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
    """Write the header and the selected recommendations to ``out``; return how many were written.

    ``out`` should be opened with ``newline=""`` (and ``encoding="utf-8-sig"`` for a spreadsheet).
    ``source`` keeps one source (``manual``, ``upr-info``, ``uhri``); ``country`` keeps the
    recommendations concerning that State, given as UHRI spells it, in everyday spelling or as an
    ISO code; withdrawn recommendations are left out unless ``include_withdrawn``.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; the sources are: {', '.join(SOURCES)}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    report = on_skip or _log_skip
    written = 0

    with read_snapshot(engine) as conn:
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
        records = template_records(
            conn,
            conditions,
            report=report,
            spellings=MechanismSpellings(_KNOWN_CODES, _resolved_code),
            chunk_size=chunk_size,
        )

        def counted() -> Iterator[TemplateRow]:
            nonlocal written
            for record in records:
                written += 1
                yield record

        write_template_rows(counted(), out)
    return written


def _log_skip(rec_id: int, reason: str) -> None:
    logger.warning("recommendation %s not exported: %s", rec_id, reason)


def _resolved_code(spelling: str) -> str | None:
    try:
        return resolve_mechanism(spelling).code
    except RecordError:
        return None
