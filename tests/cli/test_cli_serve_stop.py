"""``nrtd serve`` stopped as a service manager stops it (SIGTERM): what it wrote is in the database
file itself, so a copy of that file (a backup, a move to another host) has it all."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

NRTD = [str(ROOT / ".venv" / "bin" / "nrtd")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_a_stopped_server_leaves_every_write_in_the_sqlite_file(own_database: str, tmp_path: Path) -> None:
    """The server's connections (the requests' and the rate limiter's) were never closed: SQLite kept
    the last writes in ``nrtd.db-wal`` after the server had stopped, and a copy of ``nrtd.db`` alone
    lacked them (a day of actions and progress, in the upgrade rehearsed from a copy)."""
    database = Path(own_database.removeprefix("sqlite:///"))
    port = _free_port()
    env = {
        **os.environ,
        "NRTD_DATABASE_URL": own_database,
        "NRTD_RATE_LIMIT_STORE": "database",
        "NRTD_IMPORT_SCHEDULE": "",
        "NRTD_NOTIFY_SCHEDULE": "",
    }
    server = subprocess.Popen(
        [*NRTD, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=base, timeout=10) as client:  # one client: a new one loads certificates
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.05)
            # A write of the requests' engine (a failed login is counted) and one of the rate limiter's.
            failed = client.post("/api/v1/auth/token", data={"username": "a@example.org", "password": "x"})
            assert failed.status_code == 401
            assert client.get("/api/v1/public/stats").status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then ends by the signal it was sent (-15), as a service manager expects.
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    copy = tmp_path / "copy.db"
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("login_failures", "rate_limit_windows")
        ]
    assert counts == [1, 1]
    assert not Path(f"{database}-wal").exists()
