"""Exports are streamed: rows are read in keyset batches as the body is sent, never all at once."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.core.config import Settings
from app.exports import service
from app.exports.limits import ExportCancelled
from app.recommendations.schemas import RecommendationListParams
from tests import accounts
from tests.apps import app_for
from tests.conftest import ModuleWorld, production_gc
from tests.exports.files import STAFF, csv_rows, json_rows, xlsx_rows
from tests.factories import import_records, record

COUNT = 2000
# About 4 kB of text each (a cell holds up to 32,767 characters): the whole CSV is some 8.5 MB. What
# the memory tests measure is bytes, so few long rows stand for many short ones at less cost (the
# per-row and per-cell work, openpyxl's above all, is what takes time under tracemalloc).
TEXT = "Adopt and enforce a comprehensive law against discrimination in employment and education. " * 45
DATA = COUNT * len(TEXT)  # the text exported, some 8 MB
# Rows per batch of the streamed exports measured: some 160 kB of text per batch, a fiftieth of DATA.
STREAM_BATCH = 40
# Rows per batch of the keyset tests: five full batches, then one that finds nothing more.
KEYSET_BATCH = COUNT // 5


def _import_many(engine: Engine) -> Engine:
    import_records(
        engine,
        [
            record(
                f"R{n:05d}",
                f"<p>{n}. {TEXT}</p>",
                themes=[f"Theme {n % 7}"],
                sdgs=["5.2"],
                countries=["Peru"],
            )
            for n in range(COUNT)
        ],
    )
    return engine


@pytest.fixture
def many(module_world: ModuleWorld, migrated_engine: Engine) -> Engine:
    """2,000 long recommendations, imported once for the module: its tests only read them."""
    return module_world(_import_many, migrated_engine)


@pytest.fixture
def staff_client(many: Engine, settings: Settings) -> Iterator[TestClient]:
    """A coordinator's client; the account stays until the module's world is emptied."""
    with TestClient(app_for(settings)) as client:
        client.headers.update(accounts.headers_for(many, "coordinator"))
        yield client


@pytest.fixture
def batch_queries(many: Engine) -> Iterator[list[str]]:
    """The batch queries run: the ones ordered as the list orders recommendations."""
    seen: list[str] = []

    def record_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "ORDER BY recommendations.sort_date DESC, recommendations.id DESC" in statement:
            seen.append(statement)

    event.listen(many, "before_cursor_execute", record_statement)
    yield seen
    event.remove(many, "before_cursor_execute", record_statement)


@pytest.fixture
def engine_statements(many: Engine) -> Iterator[list[str]]:
    """Every statement run on the engine."""
    seen: list[str] = []

    def record_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(many, "before_cursor_execute", record_statement)
    yield seen
    event.remove(many, "before_cursor_execute", record_statement)


def _export(engine: Engine, fmt: service.ExportFormat, batch_size: int, **filters: Any) -> Iterator[bytes]:
    params = RecommendationListParams(**filters)
    return service.recommendation_export(
        engine, params, fmt, public=False, batch_size=batch_size, site="http://testserver"
    ).chunks


def test_rows_are_read_in_keyset_batches_as_the_body_is_consumed(
    many: Engine, batch_queries: list[str]
) -> None:
    chunks = _export(many, "csv", KEYSET_BATCH)
    assert batch_queries == []  # nothing read before the body is asked for

    header = next(chunks)
    first = next(chunks)
    assert len(batch_queries) == 1  # one batch read for the first rows sent
    assert len(csv_rows(header + first)) == KEYSET_BATCH

    body = header + first + b"".join(chunks)

    # 5 full batches, then one that finds nothing more.
    assert len(batch_queries) == COUNT // KEYSET_BATCH + 1
    ids = [int(row["id"]) for row in csv_rows(body)]
    assert len(ids) == len(set(ids)) == COUNT
    assert ids == sorted(ids, reverse=True)  # one sort date: newest id first, across batches


def test_a_workbook_is_sent_as_its_rows_are_written(many: Engine, batch_queries: list[str]) -> None:
    """An XLSX sent nothing until its last row was written (a zip can only be finished at the end):
    at 100,000 recommendations, minutes of silence a proxy gives up on. Its sheet is now compressed
    into the zip as the rows come, and sent batch by batch, as the CSV is."""
    chunks = _export(many, "xlsx", KEYSET_BATCH)
    first = next(chunks)
    assert first.startswith(b"PK")  # the zip's first entry, the sheet, already on its way
    assert len(batch_queries) == 1
    body = first + b"".join(chunks)
    assert len(batch_queries) == COUNT // KEYSET_BATCH + 1
    header, rows = xlsx_rows(body)
    assert header[0] == "id" and len(rows) == COUNT


def _warm(engine: Engine, fmt: service.ExportFormat) -> None:
    """Compile and cache every statement of an export (a few batches); not measured."""
    chunks = _export(engine, fmt, STREAM_BATCH)
    for _ in zip(range(3), chunks, strict=False):
        pass
    chunks.close()  # type: ignore[attr-defined]


def _peak_while_streaming(chunks: Iterator[bytes]) -> tuple[int, int]:
    """(peak bytes allocated while the body was produced, size of the body)."""
    size = 0
    with production_gc():
        tracemalloc.start()
        try:
            for chunk in chunks:
                size += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, size


Peaks = dict[str, tuple[int, int]]


@pytest.fixture(scope="module")
def streamed_peaks() -> Peaks:
    """Each format's (peak, size) streamed a batch at a time, measured once for the module: the
    measurement under tracemalloc takes seconds, and two tests compare against the CSV one."""
    return {}


def _streamed_peak(engine: Engine, fmt: service.ExportFormat, peaks: Peaks) -> tuple[int, int]:
    if fmt not in peaks:
        _warm(engine, fmt)
        peaks[fmt] = _peak_while_streaming(_export(engine, fmt, STREAM_BATCH))
    return peaks[fmt]


# The memory an export's writer holds is measured once, in the SQLite run: the batches it is fed
# are read in keyset batches on both databases (the tests above and below that count them).
ONE_RUN = pytest.mark.database_run("sqlite")


@ONE_RUN
@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_large_export_is_never_held_in_memory(
    many: Engine, streamed_peaks: Peaks, fmt: service.ExportFormat
) -> None:
    peak, size = _streamed_peak(many, fmt, streamed_peaks)

    assert size > DATA or fmt == "xlsx"  # the XLSX file itself is zipped
    # Streamed a batch at a time, the process never holds more than a small part of the data.
    assert peak < DATA / 4, (peak, DATA)


@ONE_RUN
def test_the_memory_measurement_sees_an_export_held_whole(many: Engine, streamed_peaks: Peaks) -> None:
    """The same export read in one batch holds all the data: the test above can fail."""
    peak, _ = _streamed_peak(many, "csv", streamed_peaks)
    whole_peak, _ = _peak_while_streaming(_export(many, "csv", COUNT))
    assert whole_peak > DATA > 5 * peak, (whole_peak, DATA, peak)


def test_the_api_streams_the_same_file(staff_client: TestClient) -> None:
    client = staff_client
    with client.stream("GET", f"{STAFF}.csv") as response:
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        assert "content-length" not in response.headers  # sent in chunks, not built first
        body = b"".join(response.iter_bytes())
    assert len(csv_rows(body)) == COUNT
    assert len(json_rows(client.get(f"{STAFF}.json").content)) == COUNT
    header, rows = xlsx_rows(client.get(f"{STAFF}.xlsx").content)
    assert len(rows) == COUNT and header[0] == "id"


def _template(engine: Engine, batch_size: int, stop: threading.Event | None = None) -> Iterator[bytes]:
    params = RecommendationListParams()
    return service.template_export(engine, params, batch_size=batch_size, stop=stop).chunks


def test_the_template_export_is_read_in_keyset_batches_after_one_language_query(
    many: Engine, batch_queries: list[str], engine_statements: list[str]
) -> None:
    chunks = _template(many, KEYSET_BATCH)
    assert batch_queries == []

    header = next(chunks)  # the header needs the selection's languages: one query, before any batch
    assert len([s for s in engine_statements if "SELECT DISTINCT recommendation_texts.lang" in s]) == 1
    assert batch_queries == []
    body = header + b"".join(chunks)

    assert len(batch_queries) == COUNT // KEYSET_BATCH + 1
    assert len([s for s in engine_statements if "SELECT DISTINCT recommendation_texts.lang" in s]) == 1
    rows = csv_rows(body)
    assert len(rows) == COUNT and list(rows[0])[4] == "text_en"
    assert "text" not in rows[0] and "language" not in rows[0]

    # Told to stop (its client left), it ends before reading the next batch.
    stop = threading.Event()
    batch_queries.clear()
    chunks = _template(many, KEYSET_BATCH, stop)
    next(chunks)  # the header
    next(chunks)  # the first batch
    stop.set()
    with pytest.raises(ExportCancelled):
        next(chunks)
    assert len(batch_queries) == 1


@ONE_RUN
def test_the_template_export_is_never_held_in_memory(many: Engine) -> None:
    for _ in zip(range(3), _template(many, STREAM_BATCH), strict=False):
        pass

    peak, size = _peak_while_streaming(_template(many, STREAM_BATCH))

    assert size > DATA
    assert peak < DATA / 4, (peak, DATA)
