"""UHRI imports from a URL, end to end: the fake UHRI over real HTTP, the real download, the real
database. Conditional requests, 304s, retries, failures and several languages."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

import importers.run
from app.core.config import Settings
from app.models import FeedValidator, ImportRun, Recommendation, RecommendationText, Revision
from importers.download import DownloadResult, download
from importers.pipeline.records import Counts
from tests.conftest import ROOT
from tests.fake_uhri import FakeUhri
from tests.uhri_records import snapshot, uhri_record, write_export

EN = "export-full-en.json"
FR = "export-full-fr.json"
# What a run that changes nothing may still write: its own record and the SQLite import lease.
RUN_BOOKKEEPING = ("import_leases", "import_runs")


@pytest.fixture
def url_settings(settings: Settings) -> Settings:
    """Short timeouts and few retries: a failing download gives up within the test's patience."""
    return settings.model_copy(update={"http_timeout": 2.0, "http_retries": 2})


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real download with a 10 ms first backoff instead of 0.5 s, so retries cost no time."""

    def fast(*args: Any, **kwargs: Any) -> DownloadResult:
        return download(*args, **kwargs, backoff=0.01)

    monkeypatch.setattr(importers.run, "download", fast)


def put_export(server: FakeUhri, name: str, records: list[dict[str, Any]]) -> Path:
    return write_export(server.directory / name, records)


def served_validators(server: FakeUhri, name: str) -> tuple[str, str]:
    """The ETag and Last-Modified the fake UHRI sends for ``name`` (content hash, file mtime)."""
    path = server.directory / name
    etag = '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:32] + '"'
    return etag, formatdate(int(path.stat().st_mtime), usegmt=True)


def stored_validators(engine: Engine) -> dict[str, tuple[str | None, str | None, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FeedValidator.url,
                FeedValidator.etag,
                FeedValidator.last_modified,
                FeedValidator.import_run_id,
            )
        ).all()
    return {row.url: (row.etag, row.last_modified, row.import_run_id) for row in rows}


def run_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ImportRun.id,
                ImportRun.outcome,
                ImportRun.message,
                ImportRun.read,
                ImportRun.created,
                ImportRun.updated,
            ).order_by(ImportRun.id)
        ).all()
    return [tuple(row) for row in rows]


def texts(engine: Engine, lang: str) -> dict[str, str]:
    """external id -> plain text in ``lang``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Recommendation.external_id, RecommendationText.text)
            .join(RecommendationText, RecommendationText.recommendation_id == Recommendation.id)
            .where(RecommendationText.lang == lang)
        )
        return {external_id: text for external_id, text in rows}


def data_unchanged(engine: Engine) -> Callable[[], bool]:
    """Whether, when called later, every table but the run bookkeeping is as it is now."""
    before = snapshot(engine, skip=RUN_BOOKKEEPING)
    return lambda: snapshot(engine, skip=RUN_BOOKKEEPING) == before


@pytest.mark.slow
def test_first_import_stores_the_validators(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2), uhri_record(3, Countries=["Chile"])])
    url = fake_uhri_server.url(EN)

    run = importers.run.import_uhri(engine, url_settings, url)

    assert run.outcome == "succeeded", run.message
    assert (run.counts.read, run.counts.created, run.counts.skipped) == (3, 2, 1)
    assert stored_validators(engine) == {url: (*served_validators(fake_uhri_server, EN), run.run_id)}
    (request,) = fake_uhri_server.requests
    assert request.method == "GET" and request.name == EN
    assert request.header("If-None-Match") is None and request.header("If-Modified-Since") is None
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.location, ImportRun.format, ImportRun.outcome)).one()
    assert tuple(stored) == (url, "json", "succeeded")
    assert set(texts(engine, "en")) == {uhri_record(1)["AnnotationId"], uhri_record(2)["AnnotationId"]}


@pytest.mark.slow
def test_unchanged_export_is_a_not_modified_run_that_writes_nothing(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2)])
    url = fake_uhri_server.url(EN)
    first = importers.run.import_uhri(engine, url_settings, url)
    assert first.outcome == "succeeded", first.message
    unchanged = data_unchanged(engine)

    second = importers.run.import_uhri(engine, url_settings, url)

    etag, last_modified = served_validators(fake_uhri_server, EN)
    request = fake_uhri_server.requests[-1]
    assert request.header("If-None-Match") == etag
    assert request.header("If-Modified-Since") == last_modified
    assert fake_uhri_server.request_count(EN) == 2  # the 304 is not followed by a full download
    assert second.outcome == "not_modified" and second.ok
    assert vars(second.counts) == dict.fromkeys(vars(second.counts), 0)
    assert unchanged()  # validators, recommendations, texts, terms: all as they were
    assert run_rows(engine) == [
        (first.run_id, "succeeded", None, 2, 2, 0),
        (second.run_id, "not_modified", "the export has not changed since the last run", 0, 0, 0),
    ]


@pytest.mark.slow
def test_changed_export_is_downloaded_and_imported(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2)])
    url = fake_uhri_server.url(EN)
    first = importers.run.import_uhri(engine, url_settings, url)
    old_etag, _ = served_validators(fake_uhri_server, EN)
    changed = uhri_record(2, Text="<p>2. The Committee urges the State party to act without delay.</p>")
    put_export(fake_uhri_server, EN, [uhri_record(1), changed])

    second = importers.run.import_uhri(engine, url_settings, url)

    assert fake_uhri_server.requests[-1].header("If-None-Match") == old_etag
    assert second.outcome == "succeeded", second.message
    assert (second.counts.updated, second.counts.unchanged, second.counts.created) == (1, 1, 0)
    assert texts(engine, "en")[changed["AnnotationId"]] == (
        "2. The Committee urges the State party to act without delay."
    )
    new_validators = served_validators(fake_uhri_server, EN)
    assert new_validators[0] != old_etag
    assert stored_validators(engine) == {url: (*new_validators, second.run_id)}
    assert first.run_id != second.run_id


@pytest.mark.slow
def test_server_errors_are_retried_until_the_download_succeeds(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2)])
    fake_uhri_server.fail_next(EN, 500, times=2)

    run = importers.run.import_uhri(engine, url_settings, fake_uhri_server.url(EN))

    assert run.outcome == "succeeded", run.message
    assert run.counts.created == 2
    assert fake_uhri_server.request_count(EN) == 3
    assert list(stored_validators(engine)) == [fake_uhri_server.url(EN)]


@pytest.mark.slow
def test_connection_dropped_mid_body_is_retried(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    # Enough records that half the body is a truncated JSON array, not an empty one.
    put_export(fake_uhri_server, EN, [uhri_record(n) for n in range(1, 41)])
    fake_uhri_server.drop_next(EN)

    run = importers.run.import_uhri(engine, url_settings, fake_uhri_server.url(EN))

    assert run.outcome == "succeeded", run.message
    assert (run.counts.read, run.counts.created, run.counts.rejected) == (40, 40, 0)
    assert fake_uhri_server.request_count(EN) == 2


@pytest.mark.slow
def test_server_error_on_every_attempt_fails_the_run_and_writes_nothing(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1)])
    url = fake_uhri_server.url(EN)
    first = importers.run.import_uhri(engine, url_settings, url)
    assert first.outcome == "succeeded", first.message
    unchanged = data_unchanged(engine)
    put_export(fake_uhri_server, EN, [uhri_record(1, Symbol="CRC/C/PER/CO/8"), uhri_record(2)])
    fake_uhri_server.fail_next(EN, 500, times=10)

    run = importers.run.import_uhri(engine, url_settings, url)

    assert run.outcome == "failed" and not run.ok
    assert run.message is not None
    assert run.message.startswith("download failed: ")
    assert url in run.message and "after 3 attempts" in run.message and "HTTP 500" in run.message
    assert fake_uhri_server.request_count(EN) == 1 + 3  # the first run, then 1 + http_retries
    assert unchanged()  # the old validators too: the next run asks again from the last good copy
    failed = run_rows(engine)[-1]
    assert failed == (run.run_id, "failed", run.message, 0, 0, 0)


@pytest.mark.slow
def test_languages_are_downloaded_and_merged(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2)])
    put_export(
        fake_uhri_server,
        FR,
        [
            uhri_record(1, Text="<p>Droits de l'enfant</p><p>1. Le Comité recommande à l'État partie.</p>"),
            uhri_record(2, Text="<p>2. Le Comité engage l'État partie à protéger les enfants.</p>"),
        ],
    )
    template = fake_uhri_server.url("export-full-{lang}.json")
    settings = url_settings.model_copy(update={"uhri_languages": "en,fr"})
    one, two = uhri_record(1)["AnnotationId"], uhri_record(2)["AnnotationId"]

    run = importers.run.import_uhri(engine, settings, template)

    assert run.outcome == "succeeded", run.message
    assert run.counts.created == 2
    assert run.languages == ["en", "fr"]
    assert texts(engine, "fr") == {
        one: "Droits de l'enfant\n1. Le Comité recommande à l'État partie.",
        two: "2. Le Comité engage l'État partie à protéger les enfants.",
    }
    assert texts(engine, "en")[one].startswith("Children's rights")
    assert set(stored_validators(engine)) == {fake_uhri_server.url(EN), fake_uhri_server.url(FR)}
    with engine.connect() as conn:
        assert conn.execute(select(ImportRun.languages)).scalar_one() == "en,fr"

    # Nothing changed in either language: one conditional request each, and a not_modified run.
    assert importers.run.import_uhri(engine, settings, template).outcome == "not_modified"
    assert [r.header("If-None-Match") is not None for r in fake_uhri_server.requests[-2:]] == [True, True]

    # Only the French file changed: the English one is fetched again in full to merge onto.
    put_export(
        fake_uhri_server,
        FR,
        [
            uhri_record(1, Text="<p>1. Le Comité recommande vivement à l'État partie.</p>"),
            uhri_record(2, Text="<p>2. Le Comité engage l'État partie à protéger les enfants.</p>"),
        ],
    )
    before = len(fake_uhri_server.requests)
    third = importers.run.import_uhri(engine, settings, template)
    assert third.outcome == "succeeded", third.message
    assert (third.counts.updated, third.counts.unchanged) == (1, 1)  # the French change counts
    latest = fake_uhri_server.requests[before:]
    assert [(r.name, r.header("If-None-Match") is not None) for r in latest] == [
        (EN, True),  # 304
        (FR, True),  # 200, changed
        (EN, False),  # the full English export
    ]
    assert texts(engine, "fr")[one] == "1. Le Comité recommande vivement à l'État partie."
    with engine.connect() as conn:
        revision = conn.execute(
            select(Recommendation.external_id, Recommendation.needs_review, Revision.changes).join(
                Revision, Revision.recommendation_id == Recommendation.id
            )
        ).one()
    assert revision.external_id == one and revision.needs_review is True
    assert revision.changes == {
        "texts.fr": {
            "old": "<p>Droits de l'enfant</p><p>1. Le Comité recommande à l'État partie.</p>",
            "new": "<p>1. Le Comité recommande vivement à l'État partie.</p>",
        }
    }
    validators = stored_validators(engine)
    assert validators[fake_uhri_server.url(FR)] == (*served_validators(fake_uhri_server, FR), third.run_id)
    assert validators[fake_uhri_server.url(EN)] == (*served_validators(fake_uhri_server, EN), third.run_id)


@pytest.mark.slow
def test_not_found_fails_at_once(engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri) -> None:
    url = fake_uhri_server.url("export-full-xx.json")
    unchanged = data_unchanged(engine)

    run = importers.run.import_uhri(engine, url_settings, url)

    assert run.outcome == "failed"
    assert run.message is not None and "HTTP 404" in run.message and url in run.message
    assert fake_uhri_server.request_count() == 1  # a 404 is not retried
    assert unchanged()
    assert stored_validators(engine) == {}
    assert run_rows(engine) == [(run.run_id, "failed", run.message, 0, 0, 0)]


@pytest.mark.slow
def test_another_country_is_imported_although_the_export_has_not_changed(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    put_export(fake_uhri_server, EN, [uhri_record(1), uhri_record(2, Countries=["Chile"])])
    url = fake_uhri_server.url(EN)
    assert importers.run.import_uhri(engine, url_settings, url).counts.created == 1  # Peru's

    chile = importers.run.import_uhri(engine, url_settings, url, country="Chile")

    assert chile.outcome == "succeeded", chile.message
    assert chile.counts.created == 1


class RecordingProgress:
    """What an import run reports (an ``importers.progress.Progress``), kept for the assertions."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.transfers: list[tuple[int, int | None]] = []
        self.expected: list[int | None] = []
        self.notices: list[str] = []
        self.read: list[int] = []

    def __call__(self, stage: str, counts: Counts) -> None:
        if not self.stages or self.stages[-1] != stage:
            self.stages.append(stage)
        self.read.append(counts.read)

    def transfer(self, received: int, total: int | None) -> None:
        self.transfers.append((received, total))

    def expect(self, count: Callable[[], int | None]) -> None:
        self.expected.append(count())

    def notice(self, message: str) -> None:
        self.notices.append(message)


@pytest.mark.slow
def test_progress_shows_bytes_of_the_announced_size_then_records_of_the_counted_total(
    engine: Engine, url_settings: Settings, fake_uhri_server: FakeUhri
) -> None:
    path = put_export(fake_uhri_server, EN, [uhri_record(n) for n in range(1, 41)])
    fake_uhri_server.fail_next(EN, 503)
    progress = RecordingProgress()

    run = importers.run.import_uhri(engine, url_settings, fake_uhri_server.url(EN), progress=progress)

    assert run.outcome == "succeeded", run.message
    size = path.stat().st_size
    assert progress.transfers[-1] == (size, size)  # Content-Length is the total
    assert all(total == size for _, total in progress.transfers)
    assert progress.notices == ["attempt 1 of 3: HTTP 503 Service Unavailable; retrying in 0.01 s"]
    assert progress.expected == [40]  # counted in the file before reading it
    assert progress.stages == ["downloading en", "importing"]
    assert progress.read[-1] == 40


def test_unknown_host_fails_the_run_at_once(engine: Engine, url_settings: Settings) -> None:
    progress = RecordingProgress()
    unchanged = data_unchanged(engine)

    run = importers.run.import_uhri(
        engine, url_settings, f"http://uhri.nrtd-test.invalid/uhri/export-results/{EN}", progress=progress
    )

    assert run.outcome == "failed"
    assert run.message is not None and "unknown host 'uhri.nrtd-test.invalid'" in run.message
    assert "not retried" in run.message
    assert progress.notices == []
    assert unchanged()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server that accepts connections (the kernel's listen backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/uhri/export-results/{EN}"


def test_server_that_never_answers_fails_the_run_with_a_notice_per_attempt(
    engine: Engine, url_settings: Settings, silent_url: str
) -> None:
    settings = url_settings.model_copy(
        update={"http_timeout": None, "http_read_timeout": 0.3, "http_give_up_after": 0.55, "http_retries": 9}
    )
    progress = RecordingProgress()

    run = importers.run.import_uhri(engine, settings, silent_url, progress=progress)

    assert run.outcome == "failed"
    assert run.message is not None and "gave up after" in run.message
    assert progress.notices[0] == "attempt 1 of 10: no answer within 0.3 s; retrying in 0.01 s"
    assert progress.notices[1].startswith("attempt 2 of 10: no answer within 0.3 s; giving up")
    assert len(progress.notices) == 2


@pytest.mark.slow
def test_the_command_prints_each_failed_attempt_on_stderr(
    engine: Engine, database_url: str, silent_url: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "uhri", silent_url, "--country", "Peru"],
        cwd=ROOT,
        env={
            **os.environ,
            "NRTD_DATABASE_URL": database_url,
            "NRTD_HTTP_READ_TIMEOUT": "0.3",
            "NRTD_HTTP_GIVE_UP_AFTER": "0.55",
            "NRTD_HTTP_RETRIES": "9",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1, result.stderr
    # The default backoff: the first retry waits 0.5 s, which already counts as silence.
    assert "downloading en: attempt 1 of 10: no answer within 0.3 s; retrying in 0.5 s" in result.stderr
    assert "downloading en: attempt 2 of 10: no answer within 0.3 s; giving up" in result.stderr
    assert " failed: " in result.stdout and "download failed: " in result.stdout
