"""Exports cannot exhaust the server: capped per client and in all, stopped when the client leaves,
the full public export cached per data version, weighed in the public rate limit."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.main import create_app
from tests.exports.files import csv_rows
from tests.exports.server import BatchGate, running, stopping, wait_until
from tests.factories import import_records, record
from tests.live_server import serve_app
from tests.public.conftest import MakeClient

PUBLIC = "/api/v1/public/exports/recommendations"
STAFF = "/api/v1/exports/recommendations"
# Three batches of 1,000: an export that stops after the first has not read them all.
COUNT = 2001


@pytest.fixture
def many(engine: Engine) -> Engine:
    import_records(
        engine,
        [record(f"L{n:05d}", f"<p>{n}. Adopt a law on access to information.</p>") for n in range(COUNT)],
    )
    return engine


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def make_app(settings: Settings, cache_dir: Path) -> Iterator[Callable[..., FastAPI]]:
    """An app of the test's own (a fresh engine, slots and cache directory)."""
    apps: list[FastAPI] = []

    def make(**overrides: object) -> FastAPI:
        app = create_app(settings.model_copy(update={"export_cache_dir": str(cache_dir), **overrides}))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.state.engine.dispose()


def _leave_after_headers(base: str, path: str) -> None:
    """Send a GET, read the first bytes of the answer (or none), and close the connection."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
        assert sock.recv(64).startswith(b"HTTP/1.1 200")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_stops_when_its_client_leaves(
    many: Engine,
    make_app: Callable[..., FastAPI],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where openpyxl puts its row files
    app = make_app()

    def told_to_stop() -> bool:
        return stopping(app)

    with serve_app(app) as base, BatchGate(app.state.engine) as gate:
        # Each batch waits until the export is told to stop: it cannot have finished before its
        # client left, whatever the machine's speed.
        gate.hold(1, until=told_to_stop)
        # A workbook is sent as its rows are written, as the CSV and JSON files are: its answer
        # begins before its first batch is read.
        _leave_after_headers(base, f"{PUBLIC}.{fmt}?mechanism=CRC")
        wait_until(lambda: running(app) == 0, "the export gives its slot back")
        # Told to stop while its first batch waited (or before it began): the server noticed the
        # client leave without sending anything, and read no further.
        assert gate.held_until in ("", "told to stop")
        assert gate.count <= 1
        assert list(spool.iterdir()) == []  # no temporary file left behind


@pytest.mark.slow
def test_exports_are_capped_per_client_and_in_all(
    many: Engine, make_app: Callable[..., FastAPI], headers_for: Callable[..., dict[str, str]]
) -> None:
    app = make_app(export_concurrency=2, export_concurrency_per_client=1)
    coordinator, admin = headers_for("coordinator"), headers_for("admin")
    # A whole export read by one request: httpx's 5 s default is not enough on a loaded 2-core machine.
    with (
        serve_app(app) as base,
        BatchGate(app.state.engine) as gate,
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        gate.hold(1)  # every export waits at its first batch: all of them stay running
        with http.stream("GET", f"{PUBLIC}.csv?mechanism=CRC") as first:
            assert first.status_code == 200
            second = http.get(f"{PUBLIC}.json?mechanism=CRC")  # the same anonymous client
            assert second.status_code == 429
            assert second.headers["retry-after"].isdigit()
            assert "this client already has 1 export running;" in second.json()["detail"]
            with http.stream("GET", f"{STAFF}.csv", headers=coordinator) as staff:
                assert staff.status_code == 200  # another client: the second of two slots
                busy = http.get(f"{STAFF}.xlsx", headers=admin)
                assert busy.status_code == 503
                assert busy.headers["retry-after"].isdigit()
                assert busy.headers["content-type"] == "application/problem+json"
                assert "already building 2 exports;" in busy.json()["detail"]
                gate.release()
                assert len(csv_rows(staff.read())) == COUNT
            assert len(csv_rows(first.read())) == COUNT
        wait_until(lambda: running(app) == 0, "both exports give their slots back")
        assert http.get(f"{STAFF}.xlsx", headers=admin).status_code == 200


def test_the_full_public_export_is_built_once_per_data_version(
    many: Engine, make_app: Callable[..., FastAPI], cache_dir: Path
) -> None:
    app = make_app()
    with TestClient(app) as public, BatchGate(app.state.engine) as gate:
        first = public.get(f"{PUBLIC}.csv")
        assert first.status_code == 200 and gate.count == COUNT // 1000 + 1
        second = public.get(f"{PUBLIC}.csv")
        assert gate.count == COUNT // 1000 + 1  # no query: served from the file
        assert second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        assert int(second.headers["content-length"]) == len(first.content)
        head = public.head(f"{PUBLIC}.csv")  # the kept file's length, and nothing read
        assert int(head.headers["content-length"]) == len(first.content) and head.content == b""
        assert head.headers["etag"] == first.headers["etag"] and gate.count == COUNT // 1000 + 1
        assert [path.suffix for path in cache_dir.iterdir() if path.suffix != ".lock"] == [".csv"]

        assert public.get(f"{PUBLIC}.csv?lang=fr").status_code == 200  # another language, another file
        assert public.get(f"{PUBLIC}.csv?mechanism=CRC").status_code == 200  # filtered: never kept
        assert len([path for path in cache_dir.iterdir() if path.suffix == ".csv"]) == 2

        english = [path.name for path in cache_dir.glob("*-csv-en.*.csv")]
        import_records(many, [record("L-new", "<p>1. Ratify the optional protocol.</p>")])
        counted = gate.count
        third = public.get(f"{PUBLIC}.csv")
        assert gate.count > counted  # new data: built again
        assert third.headers["etag"] != first.headers["etag"]
        assert len(csv_rows(third.content)) == COUNT + 1
        now = [path.name for path in cache_dir.glob("*-csv-en.*.csv")]
        assert len(now) == 1 and now != english  # the older version's file is gone
        assert public.get(f"{PUBLIC}.csv").content == third.content


@pytest.mark.slow
def test_one_build_of_the_full_export_at_a_time(
    many: Engine,
    make_app: Callable[..., FastAPI],
    headers_for: Callable[..., dict[str, str]],
    cache_dir: Path,
) -> None:
    app = make_app()
    with serve_app(app) as base, BatchGate(app.state.engine) as gate, httpx.Client(base_url=base) as http:
        gate.hold(1)
        with http.stream("GET", f"{PUBLIC}.json") as building:
            assert building.status_code == 200
            other = http.get(f"{PUBLIC}.json", headers=headers_for("reader"))  # another client
            assert other.status_code == 503
            assert "being prepared" in other.json()["detail"]
            assert other.headers["retry-after"].isdigit()
            gate.release()
            body = building.read()
        wait_until(lambda: running(app) == 0, "the build ends")
        built = gate.count
        served = http.get(f"{PUBLIC}.json", headers=headers_for("reader"))
        assert served.status_code == 200 and served.content == body and gate.count == built
        assert not list(cache_dir.glob("*.part"))


@pytest.mark.slow
def test_a_build_whose_client_leaves_keeps_no_half_file(
    many: Engine, make_app: Callable[..., FastAPI], cache_dir: Path
) -> None:
    app = make_app()

    def told_to_stop() -> bool:
        return stopping(app)

    with serve_app(app) as base, BatchGate(app.state.engine) as gate:
        gate.hold(1, until=told_to_stop)
        _leave_after_headers(base, f"{PUBLIC}.csv")
        wait_until(lambda: running(app) == 0, "the build stops")
        assert gate.held_until in ("", "told to stop") and gate.count <= 1
        assert sorted(path.suffix for path in cache_dir.iterdir()) == [".lock"]  # no part, no file
        gate.hold(10**6)  # nothing held any more
        with httpx.Client(base_url=base) as http:
            rebuilt = http.get(f"{PUBLIC}.csv")  # the lock was given back: the next request builds
        assert rebuilt.status_code == 200 and len(csv_rows(rebuilt.content)) == COUNT
        assert len(list(cache_dir.glob("*.csv"))) == 1


def test_public_exports_weigh_more_than_one_request(make_client: MakeClient) -> None:
    limited = make_client(public_rate_limit=26, export_rate_cost=10)
    # A HEAD (a link checker, `curl -I`) built the whole file and cost as much as the GET: it is now
    # the GET's headers alone, for one request, its filters checked as the GET's.
    head = limited.head(f"{PUBLIC}.xlsx?q=x")
    assert head.status_code == 200 and head.headers["ratelimit-remaining"] == "25"
    assert head.content == b"" and "content-length" not in head.headers
    assert head.headers["content-disposition"].endswith(".xlsx") and head.headers["etag"].startswith('W/"')
    assert head.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert limited.head(f"{PUBLIC}.csv?sdg=99").status_code == 422  # 24 left
    first = limited.get(f"{PUBLIC}.csv?q=x")
    assert first.status_code == 200 and first.headers["ratelimit-remaining"] == "14"
    assert limited.get(f"{PUBLIC}.csv?q=x").status_code == 200  # 22 of 26
    refused = limited.get(f"{PUBLIC}.json?q=x")  # 32: over the limit
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_an_unusable_cache_directory_only_costs_the_caching(
    engine: Engine, make_app: Callable[..., FastAPI], tmp_path: Path
) -> None:
    import_records(engine, [record("plain", "<p>1. Ratify the convention.</p>")])
    occupied = tmp_path / "not-a-directory"
    occupied.write_text("a file where the cache directory should be")
    app = make_app(export_cache_dir=str(occupied))
    with TestClient(app) as public, BatchGate(app.state.engine) as gate:
        for _ in range(2):
            response = public.get(f"{PUBLIC}.csv")
            assert response.status_code == 200 and len(csv_rows(response.content)) == 1
        assert gate.count == 2  # built each time: nothing could be kept
    assert occupied.read_text() == "a file where the cache directory should be"
