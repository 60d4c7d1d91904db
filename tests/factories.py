"""Small factories: recommendations written the way real imports write them.

Records go through ``importers.run_record.execute_run`` and the shared ``Upserter``, so taxonomy terms,
texts, search documents, revisions and withdrawals are exactly what an import produces.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.models import ImportRun, Recommendation
from importers.pipeline.upserter import Upserter
from importers.run_record import RunSpec, RunSummary, execute_run

_FORMATS = {"uhri": "json", "upr-info": "csv", "manual": "csv"}


def record(
    external_id: str,
    text: str | None = None,
    *,
    source: str = "uhri",
    mechanism: str = "CRC",
    type: str = "recommendation",
    texts: dict[str, str] | None = None,
    publication_date: date | None = date(2024, 1, 1),
    **fields: Any,
) -> SourceRecord:
    """A normalised record; ``text`` is its English text unless ``texts`` gives them by language."""
    return SourceRecord(
        source=source,
        external_id=external_id,
        input_position=f"record {external_id}",
        type=type,
        mechanism=mechanism,
        texts=texts if texts is not None else {"en": text or f"<p>1. Recommendation {external_id}.</p>"},
        publication_date=publication_date,
        **fields,
    )


def import_records(
    engine: Engine,
    items: Iterable[SourceRecord | Rejection],
    *,
    source: str = "uhri",
    full_export: bool = False,
    country: str | None = None,
) -> RunSummary:
    """One committed import run of ``items``; fails the test if the run fails."""
    items = list(items)
    spec = RunSpec(source, _FORMATS[source], f"tests/factories/{source}", country, full_export, ["en"])

    def feed(upserter: Upserter) -> None:
        upserter.consume(items)

    summary = execute_run(engine, spec, feed)
    assert summary.ok, summary.line()
    return summary


def failed_run(engine: Engine, message: str = "truncated input", *, source: str = "uhri") -> RunSummary:
    """A run whose input is unusable as a whole: recorded as failed, nothing written."""

    def feed(_upserter: Upserter) -> None:
        raise MalformedInput(message)

    summary = execute_run(
        engine, RunSpec(source, _FORMATS[source], "tests/broken", None, False, ["en"]), feed
    )
    assert summary.outcome == "failed"
    return summary


def stored_runs(conn: Connection, runs: Iterable[tuple[str, str]], *, hours_apart: int = 0) -> list[int]:
    """Succeeded import runs of each (source, format), stored as they are without running an import
    (formats recorded by older code included), from 2025-01-01 on, ``hours_apart``; their ids."""
    started = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        conn.execute(
            insert(ImportRun)
            .values(
                source=source,
                format=fmt,
                location="file",
                languages="en",
                full_export=False,
                started_at=started + timedelta(hours=n * hours_apart),
                outcome="succeeded",
            )
            .returning(ImportRun.id)
        ).scalar_one()
        for n, (source, fmt) in enumerate(runs)
    ]


def ids_by_external_id(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            external_id: rec_id
            for external_id, rec_id in conn.execute(select(Recommendation.external_id, Recommendation.id))
        }
