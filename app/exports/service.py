"""Exports of the recommendation list: the filters checked now, the file streamed afterwards.

The filters are turned into SQL conditions while the request is handled, so a bad filter is a
422 before any byte is sent. The rows are read when the response body is sent, in keyset batches
on a connection of the export's own (the request's session is closed by then), in one read-only
transaction: the whole file shows the data as it was at one moment.

An export given a ``stop`` event checks it before each batch and ends with ``ExportCancelled``
once it is set (its client went away): the transaction and temporary files go with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeVar

from sqlalchemy import ColumnElement, Connection, Engine
from sqlalchemy.orm import Session

from app.core.publisher import Publisher
from app.core.time_zone import local_today
from app.exports.limits import ExportCancelled
from app.exports.metadata import about_in, filters_in_name
from app.exports.rows import BATCH_SIZE, recommendation_batches
from app.exports.schemas import PublicExportRow, StaffExportRow
from app.exports.template_records import MechanismSpellings, read_snapshot, template_batches
from app.exports.template_table import selection_languages
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
from app.recommendations.reading import filter_conditions
from app.recommendations.schemas import RecommendationListParams
from app.recommendations.service import check_filter_values

# Called with the export's connection once its read-only transaction has begun.
SnapshotHook = Callable[[Connection], None]
_Batch = TypeVar("_Batch")

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
    return filter_conditions(params, dialect, public=public)


def known_values(engine: Engine, params: RecommendationListParams, *, public: bool) -> None:
    """Refuse a filter value that names nothing (422), as the list does, before a byte is sent."""
    with Session(engine) as session:
        check_filter_values(session, params, public=public)


def template_file_type(params: RecommendationListParams) -> tuple[str, str]:
    """The CSV template export's file name (its filters, dated today) and media type."""
    return _filename(_named("nrtd-recommendations-template", filters_in_name(params)), "csv"), CSV_MEDIA_TYPE


def head_of_export(
    engine: Engine, params: RecommendationListParams, fmt: ExportFormat | None, *, public: bool
) -> tuple[str, str]:
    """What a HEAD learns of an export (``fmt`` None: the CSV template) without it being built: the
    checks of its filters (the GET's 422) and its file name and media type."""
    known_values(engine, params, public=public)
    conditions_for(params, engine.dialect.name, public=public)
    return template_file_type(params) if fmt is None else file_type(fmt, params, public=public)


def recommendation_export(
    engine: Engine,
    params: RecommendationListParams,
    fmt: ExportFormat,
    *,
    public: bool,
    batch_size: int = BATCH_SIZE,
    stop: threading.Event | None = None,
    on_snapshot: SnapshotHook | None = None,
    publisher: Publisher | None = None,
    delimiter: str = ",",
    site: str,
) -> ExportFile:
    """The filtered recommendation list as a streamed file (published fields only when ``public``),
    each row linking to its portal page at ``site`` (``Settings.site_address``);
    an XLSX file says who publishes it and when its data changed (``publisher``: app.exports.metadata);
    a CSV file's cells are separated by ``delimiter``.

    ``on_snapshot`` sees the export's connection first: the export cache reads the data version
    the file will show there."""
    known_values(engine, params, public=public)
    conditions = conditions_for(params, engine.dialect.name, public=public)
    model = PublicExportRow if public else StaffExportRow
    columns = columns_of(model)

    def chunks(conn: Connection) -> Iterator[bytes]:
        batches = _stoppable(
            recommendation_batches(
                conn, conditions, public=public, lang=params.lang, site=site, batch_size=batch_size
            ),
            stop,
        )
        if fmt == "csv":
            return csv_chunks(columns, batches, delimiter)
        if fmt == "json":
            return json_chunks(batches)
        about = None if publisher is None else (lambda: about_in(conn, publisher, datetime.now(UTC), params))
        return xlsx_chunks(columns, batches, "recommendations", stop, about)

    file_name, media_type = file_type(fmt, params, public=public)
    return ExportFile(file_name, media_type, _streamed(engine, chunks, on_snapshot))


def file_type(fmt: ExportFormat, params: RecommendationListParams, *, public: bool) -> tuple[str, str]:
    """The download's file name (its filters, its texts' language, dated today) and media type: the
    CRC's and the UPR's files, or the English and French files of one list, are two names, not one
    saved twice, and the name of a CSV or JSON file (which have no room for it) says what it holds."""
    name = "nrtd-recommendations-public" if public else "nrtd-recommendations"
    return _filename(f"{_named(name, filters_in_name(params))}-{params.lang}", fmt), _MEDIA_TYPES[fmt]


def statistics_file_name(params: RecommendationListParams) -> str:
    """The name of the statistics saved as a file (the staff workspace's download), as the exports are
    named: its filters, its labels' language and the day it counted (what is overdue depends on it)."""
    return _filename(f"{_named('nrtd-statistics', filters_in_name(params))}-{params.lang}", "json")


def template_export(
    engine: Engine,
    params: RecommendationListParams,
    *,
    batch_size: int = BATCH_SIZE,
    stop: threading.Event | None = None,
    delimiter: str = ",",
) -> ExportFile:
    """The filtered list in the CSV import template, so the file imports back (staff): the same
    table as ``nrtd export csv`` writes (``app.exports.template_table``), one row per recommendation
    with a ``text_<language>`` column per language the selection has texts in.

    The header's languages come from one query over the selection (a DISTINCT over the texts'
    primary key, read from the index alone) in the export's snapshot, before the first batch."""
    known_values(engine, params, public=False)
    conditions = conditions_for(params, engine.dialect.name, public=False)

    def skipped(rec_id: int, reason: str) -> None:
        logger.warning("recommendation %s left out of the template export: %s", rec_id, reason)

    def chunks(conn: Connection) -> Iterator[bytes]:
        languages = selection_languages(conn, conditions)
        batches = _stoppable(
            template_batches(
                conn,
                conditions,
                report=skipped,
                spellings=MechanismSpellings(),
                newest_first=True,
                chunk_size=batch_size,
            ),
            stop,
        )
        return template_csv_chunks(languages, batches, delimiter)

    return ExportFile(*template_file_type(params), _streamed(engine, chunks))


def _streamed(
    engine: Engine, chunks: Callable[[Connection], Iterator[bytes]], on_snapshot: SnapshotHook | None = None
) -> Iterator[bytes]:
    with read_snapshot(engine) as conn:
        if on_snapshot is not None:
            on_snapshot(conn)
        yield from chunks(conn)


def _stoppable(batches: Iterable[_Batch], stop: threading.Event | None) -> Iterator[_Batch]:
    """The batches until ``stop`` is set, checked before each batch is read: a client that left
    costs at most the batch being written when it went."""
    iterator = iter(batches)
    while True:
        if stop is not None and stop.is_set():
            raise ExportCancelled
        try:
            # Yielded straight from ``next``: this frame keeps no reference to a batch, so the
            # writer frees each one as soon as it is done with it.
            yield next(iterator)
        except StopIteration:
            return


def _named(name: str, filters: str) -> str:
    return f"{name}-{filters}" if filters else name


def _filename(name: str, extension: str) -> str:
    # The instance's day (NRTD_TIME_ZONE): in Lima at 20:00, today's file, not tomorrow's.
    return f"{name}-{local_today().isoformat()}.{extension}"
