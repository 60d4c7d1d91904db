"""What every benchmark of pages served by ``nrtd serve`` shares: the server started on a measured
database and stopped, a read-only API key for its client, the timing and the statistics, the report's
lines (not a test: machines are noisy). Used by ``bench_api.py``, ``bench_datasette.py``,
``bench_public.py``, ``bench_staff.py``, ``bench_stats_revalidation.py`` and ``bench_instructions.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.auth.service import new_api_key_secret, secret_hash
from app.core.db import make_engine
from app.models import ApiKey

ROOT = Path(__file__).resolve().parent.parent


LIST = "/api/v1/recommendations"
HOST = "127.0.0.1"  # loopback only


STARTUP_TIMEOUT_S = 60.0


REQUEST_TIMEOUT_S = 60.0


Params = dict[str, str | int]


class BenchError(Exception):
    """The benchmark could not run (server did not start, unexpected response, ...)."""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (the value at or below which ``pct`` % of the samples lie)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


KEPT_HELP = (
    "the server keeps no list page (NRTD_READ_CACHE_MB=0): every timed request reads its page from the "
    "database, as a page asked for the first time (by default pages are kept per data version, so the "
    "repeated requests after the warm-up are answered from memory)"
)


def kept_line(kept_pages: bool) -> str:
    if kept_pages:
        return "List pages kept per data version (the default): repeated requests are answered from memory."
    return "No list page kept (NRTD_READ_CACHE_MB=0): every request reads its page from the database."


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def ensure_port_free(port: int) -> None:
    """Refuse to start when something already listens there: its /readyz would fool the wait."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a closed connection's TIME_WAIT does not count, a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise BenchError(f"port {port} on {HOST} is in use ({exc}); pick another with --port") from None


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def wait_ready(
    client: httpx.Client, server: subprocess.Popen[bytes], log: Path, *, timeout: float = STARTUP_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        code = server.poll()
        if code is not None:
            raise BenchError(f"server exited with code {code} before it was ready:\n{log_tail(log)}")
        try:
            response = client.get("/readyz", timeout=5.0)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:300]}"
        except httpx.TransportError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise BenchError(f"server not ready after {timeout:.0f} s (last: {last}):\n{log_tail(log)}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


def bench_api_key(database_url: str) -> str:
    """A read-only coordinator API key for the measuring client (the API needs credentials).

    Written straight into the measured database, the way an admin's `POST /api/v1/api-keys` does.
    """
    secret = new_api_key_secret()
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            session.add(
                ApiKey(
                    name="bench_api.py",
                    prefix=secret[:12],
                    key_hash=secret_hash(secret),
                    role="coordinator",
                    scope="read",
                )
            )
    finally:
        engine.dispose()
    return secret


@contextmanager
def running_server(
    database_url: str, port: int, log: Path, *, kept_pages: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """``kept_pages=False``: the server keeps no list page (``NRTD_READ_CACHE_MB=0``), so every
    request reads its page from the database: what a page asked for the first time costs."""
    ensure_port_free(port)
    env = {
        **os.environ,
        **({} if kept_pages else {"NRTD_READ_CACHE_MB": "0"}),
        "NRTD_DATABASE_URL": database_url,
        "NRTD_IMPORT_SCHEDULE": "",  # no scheduled import in the middle of the measurements
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop the server ourselves
        )
        try:
            yield server
        finally:
            stop(server)


def _sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(143)  # unwind through the ``finally`` that stops the server


def timed_path(client: httpx.Client, path: str, requests: int, warmup: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, status) of ``requests`` timed GETs of ``path`` after ``warmup`` untimed ones;
    the status is the first that was not 200, if any."""
    status = 200
    for _ in range(warmup):
        status = client.get(path).status_code
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        status = response.status_code if response.status_code != 200 else status
    return percentile(timings, 50), percentile(timings, 95), status


def verdict(checks: list[tuple[str, float, int]], target_ms: float, every: str) -> int:
    """Print which of ``checks`` (what, p95 ms, status) missed the target (p95 above ``target_ms``
    or not 200), or that ``every`` met it; the exit code: 1 when one was missed."""
    missed = [
        f"{what}: p95 {p95:.1f} ms, status {status}"
        for what, p95, status in checks
        if status != 200 or p95 > target_ms
    ]
    if missed:
        print(f"\nMissed the target (p95 <= {target_ms:.0f} ms, status 200):", *missed, sep="\n- ")
        return 1
    print(f"\n{every} within p95 <= {target_ms:.0f} ms.")
    return 0


@contextmanager
def serving(database_url: str, port: int, **client: Any) -> Iterator[httpx.Client]:
    """``nrtd serve`` on ``database_url`` and a client of it (``client``: httpx.Client's options),
    once /readyz answers; the server is stopped on the way out."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        with (
            running_server(database_url, port, log) as server,
            httpx.Client(base_url=f"http://{HOST}:{port}", **client) as api,
        ):
            wait_ready(api, server, log)
            yield api


def server_arguments(parser: argparse.ArgumentParser, *, requests: int, warmup: int, port: int) -> None:
    """The options every benchmark of pages served by ``nrtd serve`` takes."""
    parser.add_argument("--database-url", required=True, help="NRTD_DATABASE_URL of the server")
    parser.add_argument("--requests", type=int, default=requests, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=warmup, help="untimed requests before each page")
    parser.add_argument("--port", type=int, default=port, help=f"port of the server on {HOST}")


def get_json(client: httpx.Client, path: str, params: Params | None = None) -> Any:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise BenchError(f"GET {response.request.url} -> {response.status_code}: {response.text[:500]}")
    return response.json()


def mid_frequency(client: httpx.Client, kind: str, role_param: str) -> tuple[str, int]:
    """A label of the taxonomy ``kind`` near the median count, that the list filter finds."""
    items = [item for item in get_json(client, f"/api/v1/taxonomies/{kind}")["items"] if item["count"] > 0]
    if not items:
        raise BenchError(f"the taxonomy {kind} is empty: is the database imported?")
    items.sort(key=lambda item: (item["count"], item["label"]))
    middle = len(items) // 2
    # Nearest to the median first; a State may count only as a recommending State, so check the filter.
    for offset in sorted(range(-middle, len(items) - middle), key=abs)[:20]:
        label = str(items[middle + offset]["label"])
        total = int(get_json(client, LIST, {role_param: label, "limit": 1})["total"])
        if total > 0:
            return label, total
    raise BenchError(f"no {kind} entry near the median count matches the {role_param} filter")
