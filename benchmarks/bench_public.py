"""Measure the public site's pages and the reads beside the list at any size (not a test: machines are
noisy).

    python benchmarks/bench_public.py --database-url URL [--requests 20] [--port 8767]

Target: p95 <= 100 ms for every page and read (the staff pages' target), one client, on the 2-core
development machine, whatever the number of recommendations: the portal's search page and
recommendation pages, statistics, open data, calendar, actions and clusters; the vocabularies with
their counts, the public statistics, facets and export metadata, the deadlines and the follow-up
lists of the API.

Starts the real server (``python -m app.cli serve``) on 127.0.0.1 with the public rate limit raised
out of the way, requests each path once (the "first" column: the first read after the server
started, which also builds what is then kept per data version), ``--warmup`` times untimed and
``--requests`` times timed, one at a time, and prints a Markdown table. The API is read with a
read-only coordinator API key written into the database. Exits 1 when a path misses the target or
does not answer 200, 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.server import (  # the shared server and statistics helpers
    BenchError,
    _sigterm,
    bench_api_key,
    get_json,
    load_line,
    mid_frequency,
    redact,
    server_arguments,
    serving,
    timed_path,
    verdict,
)

P95_TARGET_MS = 100.0
API = "/api/v1"


# Measured first, so that nothing this script asks before warms what they keep.
FIXED = (
    f"{API}/taxonomies/themes",
    f"{API}/taxonomies/states",
    f"{API}/taxonomies/mechanisms",
    f"{API}/taxonomies/sdgs",
    "/",
    "/?q=torture",
    "/stats",
    "/exports",
    "/calendar",
    "/actions",
    "/clusters",
    f"{API}/public/stats",
    f"{API}/public/recommendations/facets",
    f"{API}/public/exports/metadata.json",
    f"{API}/deadlines",
    f"{API}/follow-up",
    f"{API}/follow-up/grades",
)


def chosen(api: httpx.Client) -> list[str]:
    """A mid-frequency theme's search page and the newest recommendation's page."""
    theme, _ = mid_frequency(api, "themes", "theme")
    newest = get_json(api, f"{API}/public/recommendations", {"limit": 1})["items"]
    if not newest:
        raise BenchError("no published recommendation: import some first (see docs/benchmarks.md)")
    return ["/?" + str(httpx.QueryParams({"theme": theme})), f"/recommendations/{newest[0]['id']}"]


def measure(
    api: httpx.Client, paths: list[str], requests: int, warmup: int
) -> list[tuple[str, float, float, float, int]]:
    rows = []
    for path in paths:
        start = time.perf_counter()
        first = api.get(path).status_code
        elapsed = (time.perf_counter() - start) * 1000
        p50, p95, status = timed_path(api, path, requests, warmup)
        rows.append((path, elapsed, p50, p95, status if first == 200 else first))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    server_arguments(parser, requests=20, warmup=2, port=8767)
    args = parser.parse_args()
    if not 1 <= args.requests <= 10_000 or not 0 <= args.warmup <= 1000:
        parser.error("--requests 1..10000, --warmup 0..1000")
    signal.signal(signal.SIGTERM, _sigterm)
    os.environ["NRTD_PUBLIC_RATE_LIMIT"] = "1000000"  # one client asking fast is not an abuse here
    started = load_line()
    try:
        key = bench_api_key(args.database_url)
        with serving(args.database_url, args.port, headers={"X-API-Key": key}, timeout=120) as api:
            rows = measure(api, list(FIXED), args.requests, args.warmup)
            rows += measure(api, chosen(api), args.requests, args.warmup)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    print(f"# Public pages and reads on {redact(args.database_url)}\n")
    print("| Path | first ms | p50 ms | p95 ms | Status |")
    print("| --- | ---: | ---: | ---: | --- |")
    for path, first, p50, p95, status in rows:
        print(f"| `{path}` | {first:.1f} | {p50:.1f} | {p95:.1f} | {status} |")
    print(f"\n{args.requests} timed requests per path after the first and {args.warmup} untimed; one client.")
    print(f"{started} at the start; {load_line()} at the end")
    return verdict([(path, p95, status) for path, _, _, p95, status in rows], P95_TARGET_MS, "Every path")


if __name__ == "__main__":
    sys.exit(main())
