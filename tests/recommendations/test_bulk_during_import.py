"""A bulk edit while an import writes the same recommendations in another order: the import
commits, the bulk edit is applied or refused with 503 and Retry-After; neither is aborted as a
deadlock (PostgreSQL) and nothing is half-written.

A real import run (``execute_run``) writes the newer recommendation, waits while a real server
receives the bulk edit of both, then writes the older one, as an export listing them newest first
does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.import_runs.lock import import_lock
from app.models import Recommendation
from app.models.local import RecommendationLocal
from importers.pipeline.upserter import Upserter
from importers.run_record import RunSpec, RunSummary, execute_run
from tests import accounts
from tests.factories import ids_by_external_id, import_records, record
from tests.live_server import live_server

pytestmark = pytest.mark.slow

# Long enough that the bulk edit is still trying when the import goes on; PostgreSQL looks for
# a deadlock after 1 s (deadlock_timeout).
LOCK_TIMEOUT = 10.0
BULK_WAITS = 1.5


@pytest.fixture
def base_url(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings.model_copy(update={"db_lock_timeout": LOCK_TIMEOUT})) as url:
        yield url


def test_a_bulk_edit_during_an_import_neither_deadlocks_nor_half_applies(
    base_url: str, engine: Engine
) -> None:
    import_records(engine, [record("old", "<p>1. Ratify.</p>"), record("new", "<p>2. Report.</p>")])
    ids = ids_by_external_id(engine)
    headers = accounts.headers_for(engine, "coordinator")
    newer_written, go_on = threading.Event(), threading.Event()
    summaries: list[RunSummary] = []
    failures: list[BaseException] = []

    def feed(upserter: Upserter) -> None:
        upserter.consume([record("new", "<p>2. Report yearly.</p>")])
        newer_written.set()
        go_on.wait(30)
        upserter.consume([record("old", "<p>1. Ratify now.</p>")])

    def run() -> None:
        spec = RunSpec("uhri", "json", "tests/bulk-during-import", None, False, ["en"])
        try:
            with import_lock(engine, ttl_seconds=60):
                summaries.append(execute_run(engine, spec, feed))
        except BaseException as exc:
            failures.append(exc)

    answers: list[httpx.Response] = []

    def bulk() -> None:
        body = {"ids": [ids["old"], ids["new"]], "set": {"priority": "high"}}
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            answers.append(client.post("/api/v1/recommendations/bulk", json=body))

    importer = threading.Thread(target=run, daemon=True)
    importer.start()
    assert newer_written.wait(30), "the import did not start"
    editor = threading.Thread(target=bulk, daemon=True)
    editor.start()
    time.sleep(BULK_WAITS)
    go_on.set()
    importer.join(60)
    editor.join(60)

    assert not failures, failures
    assert summaries and summaries[0].ok, summaries
    assert summaries[0].counts.updated == 2
    (answer,) = answers
    assert answer.status_code in (200, 503), answer.text
    with Session(engine) as session:
        texts_changed = session.scalars(
            select(Recommendation.updated_run_id).where(Recommendation.id.in_(ids.values()))
        ).all()
        high = set(session.scalars(select(RecommendationLocal.recommendation_id)))
    assert set(texts_changed) == {summaries[0].run_id}
    if answer.status_code == 503:
        assert int(answer.headers["Retry-After"]) > 0
        assert high == set()
    else:
        assert answer.json() == {"updated": 2, "unchanged": 0}
        assert high == set(ids.values())
