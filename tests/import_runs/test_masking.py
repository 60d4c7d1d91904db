"""Import runs never show a feed's password, and show focal points no server paths (API and CLI)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import ImportRun
from importers.download import DownloadError, download
from importers.run import import_uhri

Headers = Callable[..., dict[str, str]]
URL = "/api/v1/import-runs"
SECRET_URL = "https://bob:s3cr3t@feeds.example.org/private/uhri/export.json?token=t0k3n&lang=en"
SECRET_PATH = "/srv/nrtd/secret-share/uhri/2024-export.json"


class _NotFound(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def missing_feed() -> Iterator[str]:
    """A real local server whose feed is missing (404), at a URL holding credentials."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://feeduser:hunter22@127.0.0.1:{server.server_port}/private/dir/export.json?apikey=k3y"
    finally:
        server.shutdown()
        server.server_close()


def _stored_run(engine: Engine, location: str, message: str) -> int:
    """A run as older versions stored it: location and message with their secrets."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        run = ImportRun(
            source="uhri",
            format="json",
            location=location,
            languages="en",
            full_export=True,
            started_at=now,
            finished_at=now,
            outcome="failed",
            message=message,
        )
        session.add(run)
        session.flush()
        return run.id


def test_the_api_masks_locations_by_role(client: TestClient, engine: Engine, headers_for: Headers) -> None:
    url_run = _stored_run(engine, SECRET_URL, f"download of {SECRET_URL} failed: HTTP 401")
    path_run = _stored_run(
        engine, SECRET_PATH, f"no such file: {SECRET_PATH}; also read /etc/nrtd/extra.json"
    )
    focal = headers_for("focal_point")
    for headers in ({}, headers_for("admin"), focal):
        listed = {item["id"]: item for item in client.get(URL, headers=headers).json()["items"]}
        for run_id in (url_run, path_run):
            detail = client.get(f"{URL}/{run_id}", headers=headers).json()
            for shown in (listed[run_id], detail):
                text = f"{shown['location']} {shown['message']}"
                assert "s3cr3t" not in text and "bob" not in text and "t0k3n" not in text, text
    manager = client.get(f"{URL}/{url_run}").json()
    assert manager["location"] == ("https://***@feeds.example.org/private/uhri/export.json?token=***&lang=en")
    assert manager["message"].startswith("download of https://***@feeds.example.org/private/uhri/")
    assert client.get(f"{URL}/{path_run}").json()["location"] == SECRET_PATH

    seen = client.get(f"{URL}/{url_run}", headers=focal).json()
    assert seen["location"] == "https://feeds.example.org/.../export.json"
    assert seen["message"] == "download of https://feeds.example.org/.../export.json failed: HTTP 401"
    seen = client.get(f"{URL}/{path_run}", headers=focal).json()
    assert seen["location"] == "2024-export.json"
    assert seen["message"] == "no such file: 2024-export.json; also read extra.json"


def test_a_run_stores_and_prints_no_password(
    client: TestClient, engine: Engine, settings: Settings, missing_feed: str, headers_for: Headers
) -> None:
    summary = import_uhri(engine, settings, missing_feed)
    assert summary.outcome == "failed"
    line = summary.line()  # what `nrtd import` prints
    assert "hunter22" not in line and "feeduser" not in line and "k3y" not in line, line
    assert "***@127.0.0.1" in line
    with Session(engine) as session:
        run = session.scalars(select(ImportRun).where(ImportRun.id == summary.run_id)).one()
        assert "hunter22" not in run.location and "k3y" not in run.location
        assert run.message is not None and "hunter22" not in run.message
    focal = client.get(f"{URL}/{summary.run_id}", headers=headers_for("focal_point")).json()
    assert focal["location"].endswith("/.../export.json") and "private" not in focal["location"]


class _Unavailable(_NotFound):
    def do_GET(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_retried_download_logs_no_password(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The scheduler's case: failed attempts are logged, with the URL's password masked."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://feeduser:hunter22@127.0.0.1:{server.server_port}/export.json?token=t0k3n"
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(DownloadError):
            download(
                url,
                tmp_path / "export.json",
                max_bytes=10**6,
                retries=1,
                backoff=0.01,
            )
    finally:
        server.shutdown()
        server.server_close()
    logged = caplog.text
    assert "attempt 1 of 2" in logged and "***@127.0.0.1" in logged, logged
    assert "hunter22" not in logged and "t0k3n" not in logged, logged


def test_a_password_holding_an_at_sign_is_masked_whole() -> None:
    # An @ in a password needs no encoding for the download (the userinfo ends at the last @), but the
    # mask stopped at the first: "https://***@zq9secret@feeds.example.org/...".
    from app.import_runs.masking import mask_credentials

    said = mask_credentials(
        "download failed: https://bob:pa@zq9secret@feeds.example.org/x.json; see ops@example.org"
    )
    assert said == "download failed: https://***@feeds.example.org/x.json; see ops@example.org"
