"""What one API request costs the server, in CPU instructions (not a test: a measurement).

    python benchmarks/bench_instructions.py --database-url sqlite:////tmp/nrtd-bench/api-100k.db \\
        [--requests 100] [--warmup 30] [--port 8767] [--no-kept-pages] [--path P] [--query Q]

Times on a shared 2-core machine move with whatever else runs; instruction counts do not. The
script starts the real server (``python -m app.cli serve``, as ``bench_api.py`` does) under
valgrind's callgrind with instrumentation off, sends ``--warmup`` requests, turns instrumentation
on (``callgrind_control -i on``), sends ``--requests`` requests one at a time from one kept-alive
client, dumps the counts and prints the server's instructions per request: every thread of the
process (the event loop, the HTTP parser, the middleware, the thread pool's database work), none of
the client's. Valgrind runs the server some 50 times slower, so latencies under it mean nothing;
the count is repeatable to a fraction of a percent for the same code, data and query.

Compare two versions of the code by running it at each over the same database. By default it asks
for the first page of ``mechanism=CRC`` (``--query``), as the first scenario of
``bench_datasette.py``; with pages kept (the default) that is what a repeated request costs, with
``--no-kept-pages`` what a page read from the database costs. Needs ``valgrind`` (Debian's package).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

import httpx

from benchmarks.server import (
    HOST,
    LIST,
    ROOT,
    BenchError,
    bench_api_key,
    ensure_port_free,
    redact,
    stop,
    wait_ready,
)

STARTUP_TIMEOUT_S = 600.0  # the application loads some 50 times slower under valgrind


def callgrind_total(out: Path) -> int:
    """The instructions in the dumps asked for (``callgrind_control -d``) of one run: ``out``'s
    numbered parts, not the one written at the server's exit."""
    total = 0
    for part in out.parent.glob(out.name + ".*"):
        text = part.read_text(errors="replace")
        if "Trigger: dump" in text:
            total += max(int(line.split()[1]) for line in text.splitlines() if line.startswith("summary:"))
    return total


def measure(args: argparse.Namespace) -> int:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise BenchError("valgrind is not installed (Debian: apt-get install valgrind)")
    ensure_port_free(args.port)
    key = bench_api_key(args.database_url)
    params = parse_qsl(args.query, keep_blank_values=True)
    with tempfile.TemporaryDirectory(prefix="nrtd-instructions-") as work:
        out, log = Path(work) / "callgrind.out", Path(work) / "server.log"
        env = {
            **os.environ,
            **({} if args.kept_pages else {"NRTD_READ_CACHE_MB": "0"}),
            "NRTD_DATABASE_URL": args.database_url,
            "NRTD_IMPORT_SCHEDULE": "",
        }
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
            sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(args.port),
        ]  # fmt: skip
        with log.open("wb") as sink:
            server = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT
            )
        try:
            base = f"http://{HOST}:{args.port}"
            with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=STARTUP_TIMEOUT_S) as client:
                wait_ready(client, server, log, timeout=STARTUP_TIMEOUT_S)
                for _ in range(args.warmup):
                    client.get(args.path, params=params).raise_for_status()
                subprocess.run(
                    ["callgrind_control", "-i", "on", str(server.pid)], check=True, capture_output=True
                )
                for _ in range(args.requests):
                    client.get(args.path, params=params).raise_for_status()
                subprocess.run(["callgrind_control", "-d", str(server.pid)], check=True, capture_output=True)
        finally:
            stop(server)
        total = callgrind_total(out)
    if total == 0:
        raise BenchError("callgrind counted nothing: was the server's instrumentation turned on?")
    per = total / args.requests
    kept = "pages kept" if args.kept_pages else "pages not kept"
    print(f"{args.path}?{args.query} ({kept}), {redact(args.database_url)}:")
    print(f"{per / 1e6:.3f} M instructions per request ({args.requests} requests after {args.warmup})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--path", default=LIST)
    parser.add_argument("--query", default="mechanism=CRC&limit=50")
    parser.add_argument("--no-kept-pages", dest="kept_pages", action="store_false")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        status = measure(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"({time.monotonic() - started:.0f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
