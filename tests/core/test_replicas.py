"""Several `nrtd serve` processes on one database behave as one service.

Real subprocesses, started the way an operator starts them: one public rate budget whichever replica
answers (through the database, and through Redis), X-Forwarded-For believed only from
NRTD_TRUSTED_PROXIES, and an access log with the time and the request id.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.core.test_ratelimit import REDIS_URL, redis_counter
from tests.rate_window import same_minute

pytestmark = pytest.mark.slow
NRTD = str(Path(sys.executable).with_name("nrtd"))
PUBLIC = "/api/v1/public/recommendations"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(database_url: str, logs: list[Path], **settings: str) -> Iterator[list[str]]:
    """One `nrtd serve` subprocess per log file, all with ``settings``; yields their base URLs."""
    with serve_each(database_url, [(log, settings) for log in logs]) as bases:
        yield bases


@contextmanager
def serve_each(database_url: str, servers: list[tuple[Path, dict[str, str]]]) -> Iterator[list[str]]:
    """One `nrtd serve` subprocess per (log file, settings), started together (each takes seconds to
    import the app on a busy machine); yields their base URLs. Each one's output goes to its log."""
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for log, settings in servers:
            env = {
                **os.environ,
                "NRTD_DATABASE_URL": database_url,
                "NRTD_COUNTRY": "Peru",
                **{f"NRTD_{name.upper()}": value for name, value in settings.items()},
            }
            if "redis_url" not in settings:
                env.pop("NRTD_REDIS_URL", None)
            port = _free_port()
            with log.open("wb") as out:
                # Run from the log's folder: a developer's .env in the checkout must not change the server.
                processes.append(
                    subprocess.Popen(
                        [NRTD, "serve", "--port", str(port)],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        cwd=log.parent,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process, (log, _) in zip(bases, processes, servers, strict=True):
            _wait_until_up(base, process, log)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    # One client for every try: a new one loads the system's certificates (50 ms of a core, each try).
    with httpx.Client(timeout=1) as client:
        while True:
            try:
                if client.get(f"{base}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nrtd serve did not start:\n{log.read_text()}")
            time.sleep(0.1)


def _one_budget(bases: list[str], limit: int) -> None:
    same_minute()
    with httpx.Client(timeout=10) as client:
        statuses = [client.get(bases[i % len(bases)] + PUBLIC).status_code for i in range(2 * limit)]
    assert statuses.count(200) == limit, statuses
    assert statuses[limit:] == [429] * limit, statuses


def test_two_replicas_share_one_rate_budget_in_the_database(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    with serve(database_url, [tmp_path / "1.log", tmp_path / "2.log"], public_rate_limit="5") as bases:
        _one_budget(bases, 5)


def test_two_replicas_share_one_rate_budget_in_redis(own_database: str, tmp_path: Path) -> None:
    redis_counter()  # skips without Redis
    prefix = f"nrtd-test:{uuid.uuid4().hex}:"
    logs = [tmp_path / "1.log", tmp_path / "2.log"]
    with serve(own_database, logs, public_rate_limit="5", redis_url=REDIS_URL, redis_prefix=prefix) as bases:
        _one_budget(bases, 5)


def _budgets_seen(base: str, forwarded: list[str]) -> list[int]:
    """Each request's status when every one claims a different client address."""
    same_minute()
    with httpx.Client(timeout=10) as client:
        answers = [client.get(base + PUBLIC, headers={"X-Forwarded-For": address}) for address in forwarded]
    return [answer.status_code for answer in answers]


def test_forwarded_for_is_believed_only_from_trusted_proxies_and_logged_with_time_and_id(
    own_database: str, tmp_path: Path
) -> None:
    claims = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    plain, proxied = tmp_path / "plain" / "serve.log", tmp_path / "proxied" / "serve.log"
    plain.parent.mkdir()
    proxied.parent.mkdir()
    limited = {"public_rate_limit": "2", "rate_limit_store": "memory"}
    behind_proxies = {**limited, "trusted_proxies": "127.0.0.0/8,10.0.0.0/8"}
    with serve_each(own_database, [(plain, limited), (proxied, behind_proxies)]) as [untrusting, trusting]:
        # Untrusted (the default, loopback included): the header is ignored, all three are one client.
        assert _budgets_seen(untrusting, claims) == [200, 200, 429]
        # Trusted: each forwarded address is its own client; the right-most untrusted hop wins, so a
        # spoofed left-most hop does not help: the client is 198.51.100.7 each time.
        assert _budgets_seen(trusting, claims) == [200, 200, 200]
        chains = [f"{spoof}, 198.51.100.7, 10.1.2.3" for spoof in claims]
        assert _budgets_seen(trusting, chains) == [200, 200, 429]
        answer = httpx.get(
            f"{untrusting}/healthz?probe=1", headers={"X-Request-ID": "req-abc-123"}, timeout=10
        )
        generated = httpx.get(f"{untrusting}/no-such-page", timeout=10).headers["X-Request-ID"]
    assert answer.headers["X-Request-ID"] == "req-abc-123"
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO nrtd\.access: "
    proxied_lines = proxied.read_text().splitlines()
    assert any(
        re.fullmatch(stamp + r'198\.51\.100\.7 "GET /api/v1/public/recommendations HTTP/1\.1" 200 .*', line)
        for line in proxied_lines
    ), proxied_lines
    lines = plain.read_text().splitlines()
    assert any(
        re.fullmatch(
            stamp + r'127\.0\.0\.1 "GET /healthz\?probe=1 HTTP/1\.1" 200 [\d.]+ms request_id=req-abc-123',
            line,
        )
        for line in lines
    ), lines
    assert any(line.endswith(f"request_id={generated}") and '" 404 ' in line for line in lines), lines
    assert not any("uvicorn.access" in line for line in lines)  # one line per request, not two
