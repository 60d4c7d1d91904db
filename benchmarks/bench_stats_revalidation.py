"""What a HEAD and a revalidation (If-None-Match) of the statistics cost (not a test: machines are noisy).

    python benchmarks/bench_stats_revalidation.py --database-url URL [--requests 10] [--port 9120]

Starts two servers (``nrtd serve``, two replicas of one database) on ``--port`` and the next one and,
for each of ``--requests`` queries that no server has counted yet (``published_from`` one day apart:
nearly every recommendation, as an unfiltered request), times on the public and the staff statistics:

- GET: the counts computed (what every other line is measured against);
- HEAD: a link checker's or a client's probe of a query the server has not counted;
- 304 from another replica: the ETag the first replica gave, revalidated on the second, which has
  not counted that query (a load balancer's next pick, or a server restarted since);
- 304 on the same replica: the counts kept there (``recommendations.kept``).

Prints a Markdown table of medians and maxima in milliseconds. Exits 2 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.server import (  # the shared server helpers
    BenchError,
    _sigterm,
    bench_api_key,
    load_line,
    redact,
    serving,
)

ROUTES = {"public": "/api/v1/public/stats", "staff": "/api/v1/stats"}
FIRST_DAY = date(1990, 1, 1)


def _timed(
    send: httpx.Client, method: str, path: str, params: dict[str, str], **headers: str
) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = send.request(method, path, params=params, headers=headers)
    return (time.perf_counter() - start) * 1000, response


def measure(
    first: httpx.Client, second: httpx.Client, path: str, requests: int, offset: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {
        "GET": [],
        "HEAD": [],
        "304 from another replica": [],
        "304 on the same replica": [],
    }
    for n in range(requests):
        # Queries no server has counted yet: each a day apart, two per round (HEAD's own).
        counted = {"published_from": (FIRST_DAY + timedelta(offset + 2 * n)).isoformat()}
        probed = {"published_from": (FIRST_DAY + timedelta(offset + 2 * n + 1)).isoformat()}
        elapsed, got = _timed(first, "GET", path, counted)
        if got.status_code != 200:
            raise BenchError(f"GET {got.request.url} -> {got.status_code}: {got.text[:300]}")
        timings["GET"].append(elapsed)
        elapsed, head = _timed(first, "HEAD", path, probed)
        if head.status_code != 200:
            raise BenchError(f"HEAD {head.request.url} -> {head.status_code}")
        timings["HEAD"].append(elapsed)
        tag = got.headers.get("etag")
        if tag is None:
            continue  # nothing to revalidate (the staff statistics had no ETag)
        elapsed, other = _timed(second, "GET", path, counted, **{"If-None-Match": tag})
        if other.status_code != 304:
            raise BenchError(f"revalidation on the other replica -> {other.status_code}")
        timings["304 from another replica"].append(elapsed)
        elapsed, same = _timed(first, "GET", path, counted, **{"If-None-Match": tag})
        if same.status_code != 304:
            raise BenchError(f"revalidation on the same replica -> {same.status_code}")
        timings["304 on the same replica"].append(elapsed)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="NRTD_DATABASE_URL of the servers")
    parser.add_argument("--requests", type=int, default=10, help="queries timed per route")
    parser.add_argument("--port", type=int, default=9120, help="port of the first server (the second: +1)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _sigterm)
    os.environ["NRTD_PUBLIC_RATE_LIMIT"] = "1000000"  # one client asking fast is not an abuse here
    try:
        key = bench_api_key(args.database_url)
        options = {"headers": {"X-API-Key": key}, "timeout": 120}
        with (
            serving(args.database_url, args.port, **options) as first,
            serving(args.database_url, args.port + 1, **options) as second,
        ):
            total = first.get("/api/v1/stats").json()["total"]
            print(f"{redact(args.database_url)}: {total} recommendations; {load_line()}\n")
            print("| route | request | median ms | max ms |")
            print("| --- | --- | ---: | ---: |")
            # Another year of queries for each route: none counted by the other's rounds.
            for offset, (audience, path) in enumerate(ROUTES.items()):
                timings = measure(first, second, path, args.requests, offset * 3650)
                for what, values in timings.items():
                    if not values:
                        print(f"| {audience} | {what} | no ETag | |")
                        continue
                    print(f"| {audience} | {what} | {statistics.median(values):.1f} | {max(values):.1f} |")
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
