"""Exports of the recommendation list: the filters checked now, the file streamed afterwards.

The filters are turned into SQL conditions while the request is handled, so a bad filter is a
422 before any byte is sent. The rows are read when the response body is sent, in keyset batches
on a connection of the export's own (the request's session is closed by then), in one read-only
transaction: the whole file shows the data as it was at one moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement, Connection, Engine

from app.exports.rows import BATCH_SIZE, recommendation_batches
from app.exports.schemas import PublicExportRow, StaffExportRow
from app.exports.template_csv import MechanismSpellings, read_snapshot, template_batches
from app.exports.writers import (
    CSV_MEDIA_TYPE,
    JSON_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    columns_of,
    csv_chunks,
    json_chunks,
    template_csv_chunks,
    xlsx_chunks,
)
from app.imports.template import TEMPLATE_COLUMNS
from app.recommendations.filters import filter_conditions
from app.recommendations.schemas import RecommendationListParams

logger = logging.getLogger(__name__)

ExportFormat = Literal["csv", "xlsx", "json"]
_MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": CSV_MEDIA_TYPE,
    "xlsx": XLSX_MEDIA_TYPE,
    "json": JSON_MEDIA_TYPE,
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    chunks: Iterator[bytes]


def conditions_for(
    params: RecommendationListParams, dialect: str, *, public: bool
) -> list[ColumnElement[bool]]:
    """The list's filters as SQL conditions (raises InvalidInput for a bad filter).

    For the public, withdrawn recommendations never match, and the cluster filter sees only
    published clusters that are not archived.
    """
    if public:
        params = params.model_copy(update={"withdrawn": False, "needs_review": None})
    return filter_conditions(params, dialect, published_clusters=public)


def recommendation_export(
    engine: Engine,
    params: RecommendationListParams,
    fmt: ExportFormat,
    *,
    public: bool,
    batch_size: int = BATCH_SIZE,
) -> ExportFile:
    """The filtered recommendation list as a streamed file (published fields only when ``public``)."""
    conditions = conditions_for(params, engine.dialect.name, public=public)
    model = PublicExportRow if public else StaffExportRow
    columns = columns_of(model)

    def chunks(conn: Connection) -> Iterator[bytes]:
        batches = recommendation_batches(
            conn, conditions, public=public, lang=params.lang, batch_size=batch_size
        )
        if fmt == "csv":
            return csv_chunks(columns, batches)
        if fmt == "json":
            return json_chunks(batches)
        return xlsx_chunks(columns, batches, "recommendations")

    name = "nrtd-recommendations-public" if public else "nrtd-recommendations"
    return ExportFile(_filename(name, fmt), _MEDIA_TYPES[fmt], _streamed(engine, chunks))


def template_export(
    engine: Engine, params: RecommendationListParams, *, batch_size: int = BATCH_SIZE
) -> ExportFile:
    """The filtered list in the CSV import template's columns, so the file imports back (staff)."""
    conditions = conditions_for(params, engine.dialect.name, public=False)

    def skipped(rec_id: int, reason: str) -> None:
        logger.warning("recommendation %s left out of the template export: %s", rec_id, reason)

    def chunks(conn: Connection) -> Iterator[bytes]:
        batches = template_batches(
            conn,
            conditions,
            report=skipped,
            spellings=MechanismSpellings(),
            newest_first=True,
            chunk_size=batch_size,
        )
        return template_csv_chunks(TEMPLATE_COLUMNS, batches)

    return ExportFile(
        _filename("nrtd-recommendations-template", "csv"), CSV_MEDIA_TYPE, _streamed(engine, chunks)
    )


def _streamed(engine: Engine, chunks: Callable[[Connection], Iterator[bytes]]) -> Iterator[bytes]:
    with read_snapshot(engine) as conn:
        yield from chunks(conn)


def _filename(name: str, extension: str) -> str:
    return f"{name}-{datetime.now(UTC).date().isoformat()}.{extension}"
