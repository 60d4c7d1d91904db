"""/healthz and /readyz, and the problem+json shape of errors outside the API routers."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from app.cli.connection import schema_behind, storage_unusable
from app.core.config import Settings
from app.core.migrations import alembic_config
from app.evidence.storage import BlobStore
from app.health.service import ReadinessProbe, Status
from app.main import create_app
from app.models import EvidenceFile
from app.staff.session import SESSION_COOKIE
from tests.apps import app_for
from tests.builder import building
from tests.scratch_databases import scratch_database
from tests.silent_server import silent_server


def test_healthz_and_readyz_on_a_migrated_database(engine: Engine, settings: Settings) -> None:
    with TestClient(app_for(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_readyz_does_not_read_the_migration_scripts_at_every_probe(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each probe read all the migration scripts again to learn this release's head: 30 to 120 ms of
    CPU per probe, which a load balancer asks for every few seconds."""
    with TestClient(app_for(settings)) as client:
        assert client.get("/readyz").json()["status"] == "ready"
        reads = []
        monkeypatch.setattr(ScriptDirectory, "from_config", lambda *args: reads.append(args))
        assert [client.get("/readyz").json()["status"] for _ in range(3)] == ["ready"] * 3
    assert reads == []


def test_readyz_and_serve_say_when_evidence_rows_have_no_storage(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A replica whose evidence volume was not mounted was "ready": every download a 404, every
    upload stored where the other replicas would never see it. It is now 503 while rows name files
    and the storage directory is missing or empty, and `nrtd serve` says so at start."""
    storage = tmp_path / "storage"
    content = b"%PDF-1.4 evidence"
    digest = hashlib.sha256(content).hexdigest()
    with building(engine) as build:
        action = build.action("Train judges").id
        update = build.progress(action, "draft", "Two workshops held.")
        build.session.add(
            EvidenceFile(
                progress_update_id=update.id,
                filename="report.pdf",
                media_type="application/pdf",
                size=len(content),
                sha256=digest,
            )
        )
    with TestClient(app_for(settings.model_copy(update={"storage_dir": str(storage)}))) as client:
        missing = client.get("/readyz")
        assert missing.status_code == 503
        assert missing.json()["status"] == "storage-missing"
        assert f"{storage} does not exist" in missing.json()["detail"]
        warning = storage_unusable(engine, str(storage))
        assert warning == (
            f"1 evidence row names a stored file but the storage directory (NRTD_STORAGE_DIR) {storage} "
            "does not exist: is its volume mounted? `nrtd storage check` tells more; /readyz answers 503 "
            "until it is"
        )
        (storage / "evidence").mkdir(parents=True)  # an empty mount point
        assert client.get("/readyz").json()["status"] == "storage-missing"
        path = BlobStore(storage).path_of(digest)
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        assert client.get("/readyz").json()["status"] == "ready"
        assert storage_unusable(engine, str(storage)) is None


def test_readyz_and_serve_say_when_the_storage_cannot_be_written(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A storage directory the server cannot write (a volume mounted read-only or owned by another
    user, a path through a file) was "ready" and `nrtd serve` said nothing: the first upload was the
    first to know. It is now 503 naming the directory, and a warning at start."""
    blocker = tmp_path / "volume"
    blocker.write_text("not a directory")
    storage = blocker / "storage"
    with TestClient(app_for(settings.model_copy(update={"storage_dir": str(storage)}))) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "storage-unwritable"
    expected = (
        f"the storage directory (NRTD_STORAGE_DIR) {storage} cannot be made: {blocker} is a file. "
        "Every evidence upload would fail"
    )
    assert answer.json()["detail"] == expected
    assert storage_unusable(engine, str(storage)) == f"{expected}; /readyz answers 503 until it is mended"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the permissions say")
def test_a_storage_directory_owned_by_another_user_is_not_ready(settings: Settings, tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    (storage / "tmp").mkdir(parents=True)
    (storage / "tmp").chmod(0o555)
    try:
        with TestClient(app_for(settings.model_copy(update={"storage_dir": str(storage)}))) as client:
            answer = client.get("/readyz").json()
    finally:
        (storage / "tmp").chmod(0o755)
    assert answer["status"] == "storage-unwritable"
    assert f"{storage / 'tmp'} cannot be written by this process" in answer["detail"]


def test_readiness_waits_a_bounded_time_for_a_database_that_does_not_answer() -> None:
    """/readyz waited as long as the database did: one that accepted connections and never answered
    held every health check (and a server thread each) until the checker gave up, saying nothing. It
    answers 503 after its wait, and later probes wait for the same check rather than start others."""
    answered = threading.Event()
    calls: list[int] = []

    def check() -> Status:
        calls.append(1)
        answered.wait(10)
        return {"status": "ready"}

    probe = ReadinessProbe(check, wait=0.05)
    assert probe.status() == {"status": "unavailable", "detail": "the database did not answer within 0.05 s"}
    assert probe.status()["status"] == "unavailable"
    assert len(calls) == 1
    answered.set()
    probe.wait = 5
    assert probe.status() == {"status": "ready"}


def test_health_checks_answer_while_every_server_thread_is_taken(engine: Engine, settings: Settings) -> None:
    """/healthz and /readyz ran on the server's threads: with all of them waiting for the database,
    the liveness check timed out and the orchestrator restarted a process that was alive. They are
    answered in the event loop."""
    with TestClient(app_for(settings)) as client:
        portal = client.portal
        assert portal is not None  # the client's event loop, started by `with`
        holders = [object() for _ in range(int(portal.call(_threads).total_tokens))]
        for holder in holders:
            portal.call(_take_thread, holder)
        answers: list[str] = []

        def ask() -> None:
            answers.append(client.get("/healthz").json()["status"])
            answers.append(client.get("/readyz").json()["status"])

        try:
            asking = threading.Thread(target=ask, daemon=True)
            asking.start()
            asking.join(timeout=10)
            assert answers == ["ok", "ready"]
        finally:
            for holder in holders:
                portal.call(_give_back_thread, holder)


async def _threads() -> anyio.CapacityLimiter:
    return anyio.to_thread.current_default_thread_limiter()


async def _take_thread(holder: object) -> None:
    await anyio.to_thread.current_default_thread_limiter().acquire_on_behalf_of(holder)


async def _give_back_thread(holder: object) -> None:
    anyio.to_thread.current_default_thread_limiter().release_on_behalf_of(holder)


def test_readyz_is_503_when_the_schema_is_missing(tmp_path: Path) -> None:
    # A database that answers but where `nrtd migrate` never ran was "unavailable", "database
    # unreachable or not migrated: OperationalError": the operator could not tell a network fault from
    # a step left out of the deploy. It is the schema that is not this release's, none yet.
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        _upgrade_pending(client)
    assert response.status_code == 503
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert response.json() == {
        "status": "migrations-pending",
        "current": None,
        "head": head,
        "detail": "the database has no schema yet: run nrtd migrate",
    }
    # What `nrtd serve` says first, from the same status.
    empty = create_engine(settings.database_url)
    assert schema_behind(empty) == (
        "the database has no schema yet: /readyz and most routes answer 503 (the service is being upgraded) "
        "until `nrtd migrate` has run"
    )
    empty.dispose()


def test_readyz_on_a_postgresql_database_without_schema_says_so(database_url: str, tmp_path: Path) -> None:
    # PostgreSQL's missing table is a ProgrammingError (SQLite's an OperationalError, above).
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's case is the test above")
    with scratch_database(database_url, "nrtd_test_empty") as empty:
        settings = Settings(database_url=empty, rate_limit_store="memory", storage_dir=str(tmp_path / "s"))
        app = create_app(settings)
        with TestClient(app) as client:
            response = client.get("/readyz")
            _upgrade_pending(client)
        app.state.engine.dispose()
    assert response.status_code == 503
    assert (response.json()["status"], response.json()["current"]) == ("migrations-pending", None)


def _upgrade_pending(client: TestClient) -> None:
    """While `nrtd migrate` has not run, the routes answered a 500 "Internal server error" (the driver's
    "no such table"): a 503 that says the service is being upgraded, to be retried, in a browser too."""
    api = client.get("/api/v1/public/recommendations")
    assert api.status_code == 503, api.text
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["type"].endswith("/upgrade-pending")
    assert "nrtd migrate" in api.json()["detail"]
    assert int(api.headers["Retry-After"]) > 0
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert int(page.headers["Retry-After"]) > 0
    # Not "Service busy ... in a moment": what is happening, and when to come back, in the reader's words.
    assert "<h1>The site is being upgraded</h1>" in page.text and "in a few minutes" in page.text
    client.cookies.set(SESSION_COOKIE, "x" * 40)  # a session to look up: the table is not there
    staff = client.get("/staff/recommendations")
    assert staff.status_code == 503 and int(staff.headers["Retry-After"]) > 0
    assert "<h1>The service is being upgraded</h1>" in staff.text and "in a few minutes" in staff.text


def test_readyz_names_a_database_that_cannot_be_reached_as_such(tmp_path: Path) -> None:
    (tmp_path / "gone").mkdir()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'gone' / 'nrtd.db'}")
    (tmp_path / "gone").rmdir()  # the volume holding the file is gone
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "detail": "the database cannot be reached, or refused the query: OperationalError",
    }


def test_unknown_route_is_problem_json(engine: Engine, settings: Settings) -> None:
    with TestClient(app_for(settings)) as client:
        response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["type"].endswith("/not-found")


def test_a_database_that_does_not_answer_is_503_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL stopped (or unreachable) under a running server: every request that reads was a 500
    'Internal server error', and the log held nothing but the access line: not what failed, nor that
    it is worth retrying. It is now 503 with Retry-After (a load balancer's and a client's cue to come
    back), and the error is logged with the request id, the password left out."""
    settings = Settings(
        database_url="postgresql://nrtd:s3cret-pw@127.0.0.1:1/nrtd",
        rate_limit_store="memory",
        storage_dir=str(tmp_path / "storage"),
    )
    with caplog.at_level(logging.ERROR), TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 503
        response = client.get("/api/v1/public/recommendations", headers={"X-Request-ID": "req-db-down"})
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/database-unavailable")
    assert int(response.headers["Retry-After"]) > 0
    logged = [record for record in caplog.records if "req-db-down" in record.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR, caplog.text
    assert "GET /api/v1/public/recommendations" in logged[0].getMessage()
    assert "127.0.0.1" in logged[0].getMessage()  # the driver's own words: where it tried
    assert "s3cret-pw" not in caplog.text


def test_a_database_that_never_answers_is_503_within_the_connect_timeout(tmp_path: Path) -> None:
    """A PostgreSQL that accepted connections and never answered held each request for psycopg's own
    130 s before its 503: every server thread was soon waiting. NRTD_DB_CONNECT_TIMEOUT bounds it."""
    with silent_server() as port:
        settings = Settings(
            database_url=f"postgresql://nrtd@127.0.0.1:{port}/nrtd",
            rate_limit_store="memory",
            storage_dir=str(tmp_path / "storage"),
            db_connect_timeout=2,
        )
        answers: list[int] = []
        # No `with`: leaving the client would wait for a request still hanging (before the fix).
        client = TestClient(create_app(settings))

        def ask() -> None:
            answers.append(client.get("/api/v1/public/recommendations").status_code)

        started = time.monotonic()
        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        asking.join(timeout=15)
        assert answers == [503] and time.monotonic() - started < 10


def test_a_database_error_is_logged_with_its_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's errors (a missing table, a full disk, a read-only file) were answered 500 with nothing
    in the log: the operator saw '500' in the access line and no reason anywhere."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", rate_limit_store="memory")
    with caplog.at_level(logging.ERROR), TestClient(create_app(settings)) as client:
        response = client.get("/api/v1/public/recommendations", headers={"X-Request-ID": "req-no-table"})
    assert response.status_code == 503  # no schema yet: being upgraded (_upgrade_pending), still logged
    logged = [record for record in caplog.records if "req-no-table" in record.getMessage()]
    assert len(logged) == 1, caplog.text
    assert "no such table" in logged[0].getMessage()


def test_a_postgresql_error_is_logged_with_its_request_too(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL reports a missing table or a permission denied (tables another role owns) as a
    ProgrammingError, not an OperationalError: the 500 escaped the app as uvicorn's "Exception in
    ASGI application" traceback, without the request id, rather than the one nrtd.errors line."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's missing table is the OperationalError of the test above")
    with scratch_database(database_url, "nrtd_test_empty") as empty:
        settings = Settings(
            database_url=empty, rate_limit_store="memory", storage_dir=str(tmp_path / "storage")
        )
        app = create_app(settings)
        with caplog.at_level(logging.ERROR), TestClient(app) as client:
            response = client.get("/api/v1/public/recommendations", headers={"X-Request-ID": "req-pg-table"})
        app.state.engine.dispose()
    assert response.status_code == 503  # no schema yet: being upgraded (_upgrade_pending), still logged
    assert response.headers["content-type"] == "application/problem+json"
    logged = [record for record in caplog.records if "req-pg-table" in record.getMessage()]
    assert len(logged) == 1 and logged[0].name == "nrtd.errors", caplog.text
    assert "UndefinedTable" in logged[0].getMessage() and "does not exist" in logged[0].getMessage()


def test_a_failed_statement_names_none_of_its_values(db: Connection) -> None:
    """A statement that fails is logged with its traceback (uvicorn's log of a 500, an import's
    stored reason): SQLAlchemy wrote its parameters into the message, so a person's email, a
    narrative or a password hash being written went to the log with it."""
    with pytest.raises(DBAPIError) as failed:
        db.execute(
            text("SELECT no_such_column FROM users WHERE email = :email"),
            {"email": "maria.perez@example.org"},
        )
    assert "no_such_column" in str(failed.value)  # the statement is still named
    assert "maria.perez@example.org" not in str(failed.value)


@pytest.mark.parametrize(("stamp", "says"), [("0999", "a newer release of nrtd migrated it"), ("0016", "")])
def test_readyz_says_whether_nrtd_migrate_can_mend_the_schema(tmp_path: Path, stamp: str, says: str) -> None:
    """A schema a newer release migrated was "migrations-pending" and nothing more, as an older one is:
    the operator ran `nrtd migrate`, which refuses it (a database is never migrated back)."""
    path = tmp_path / "stamped.db"
    stamped = create_engine(f"sqlite:///{path}")
    with stamped.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:stamp)"), {"stamp": stamp})
    stamped.dispose()
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}"))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["current"], body["head"]) == ("migrations-pending", stamp, head)
    if says:
        assert body["detail"] == (
            f"the database schema is at {stamp}, which this release (at {head}) does not know: {says}. Run "
            "that release or a newer one; a database is never migrated back"
        )
    else:
        assert (
            body["detail"]
            == f"the database schema is at {stamp}, this release needs {head}: run nrtd migrate"
        )
