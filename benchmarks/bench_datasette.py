"""Our list API against Datasette over the same records (not a test: machines are noisy).

    python benchmarks/bench_datasette.py --database-url sqlite:////tmp/nrtd-bench/api-100k.db \\
        [--requests 100] [--work /tmp/nrtd-bench] [--port 8765] [--datasette-port 8766] [--no-kept-pages]

Target (issue 13): our p95 at most 0.5x Datasette's in every scenario.

* **Datasette** (pinned: ``DATASETTE``) is installed with pip from the package registry into a
  throw-away virtualenv under ``--work`` (never a dependency of this project), once.
* **Its database** is built from ours with SQL alone (``build_datasette_db``): our SQLite file is
  attached and its current (not withdrawn) recommendations are copied into one flat table
  ``recommendations`` (id, mechanism code and family, symbol, paragraph, type, position, cycle,
  session, sort_date, publication_date and the English text), with the indexes an analyst would
  add (mechanism, position, sort_date) and an FTS5 index over the text (external content,
  ``unicode61 remove_diacritics 2``, the table ``sqlite-utils enable-fts`` would make), which
  Datasette finds by itself for ``_search``. Datasette serves it immutable (``-i``) with facet
  suggestions off and a 20 s query time limit (its default 1 s
  fails page 100 on a loaded machine).
* **Our server** is ``nrtd serve`` over the measured database, as in ``bench_api.py`` (a read-only
  coordinator API key, sent as ``X-API-Key``: each of our requests also pays for the key lookup).
  It keeps list pages per data version, as in production, so after the warm-up our side answers
  repeated requests from memory while Datasette runs its queries every time; ``--no-kept-pages``
  measures our pages read from the database every time (``NRTD_READ_CACHE_MB=0``).

The scenarios, newest first on both sides (ours by default, Datasette with ``_sort_desc=sort_date``),
50 rows a page, each with the number of matches (ours ``total``, Datasette's
``filtered_table_rows_count``):

1. a mechanism filter, first page: ``mechanism=CRC``;
2. full text, first page: ``q=torture`` / ``_search=torture``;
   Ours ranks by relevance (``bm25`` over every match) and marks a snippet in each item; Datasette's
   sorts the matches by date. So also:
2b. the same search newest first on both sides (ours ``sort=newest``, still with its snippets);
3. page 100 of the unfiltered list, by cursor: ours ``next_cursor``, Datasette its ``next`` token,
   both obtained by walking pages 1-99 first;
4. the count for one position: ``position=supported`` with one row (``limit=1`` / ``_size=1``).

Requests alternate between the two servers one by one (ours, Datasette, ours, ... with the first
of each pair swapped every round), from one httpx client per server, sequential, keep-alive, so
both see the same load. Prints, per scenario, p50/p95 of both, the ratio ours/Datasette and the
load average before and after; exits 1 when a ratio is above the target.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from benchmarks.datasette_side import (
    DATASETTE,
    DB_NAME,
    PAGE_SIZE,
    TABLE_PATH,
    build_datasette_db,
    datasette_venv,
    running_datasette,
    wait_datasette,
)
from benchmarks.server import (  # the shared server and statistics helpers
    HOST,
    KEPT_HELP,
    LIST,
    BenchError,
    _sigterm,
    bench_api_key,
    kept_line,
    log_tail,
    percentile,
    redact,
    running_server,
    wait_ready,
)

TARGET_RATIO = 0.5
PAGE = 100


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------

Params = dict[str, str | int]


def timed(client: httpx.Client, path: str, params: Params) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"GET {response.request.url} -> {response.status_code}: {body[:500]!r}")
    page: dict[str, Any] = response.json()
    return elapsed, page


@dataclass
class Side:
    """One server's request for a scenario and what it answered."""

    client: httpx.Client
    path: str
    params: Params
    count_key: str
    timings_ms: list[float] = field(default_factory=list)
    count: int | None = None
    rows: int | None = None

    def once(self) -> float:
        elapsed, page = timed(self.client, self.path, self.params)
        self.count = int(page[self.count_key])
        self.rows = len(page["items"] if "items" in page else page["rows"])
        return elapsed


@dataclass
class Scenario:
    name: str
    ours: Side
    theirs: Side
    load_before: float = 0.0
    load_after: float = 0.0


def our_page_cursor(client: httpx.Client) -> str:
    cursor: str | None = None
    for number in range(1, PAGE):
        _, page = timed(client, LIST, {"limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})})
        cursor = page["next_cursor"]
        if cursor is None:
            raise BenchError(f"our list ends at page {number}: too few records")
    assert cursor is not None
    return cursor


def datasette_page_token(client: httpx.Client) -> str:
    token: str | None = None
    for number in range(1, PAGE):
        params: Params = {
            "_sort_desc": "sort_date",
            "_size": PAGE_SIZE,
            **({"_next": token} if token else {}),
        }
        _, page = timed(client, TABLE_PATH, params)
        token = page["next"]
        if token is None:
            raise BenchError(f"Datasette's table ends at page {number}: too few records")
    assert token is not None
    return token


def scenarios(ours: httpx.Client, theirs: httpx.Client) -> list[Scenario]:
    newest: Params = {"_sort_desc": "sort_date", "_size": PAGE_SIZE}
    cursor, token = our_page_cursor(ours), datasette_page_token(theirs)

    def pair(name: str, our_params: Params, their_params: Params) -> Scenario:
        return Scenario(
            name,
            Side(ours, LIST, our_params, "total"),
            Side(theirs, TABLE_PATH, their_params, "filtered_table_rows_count"),
        )

    return [
        pair("mechanism=CRC, first page + count", {"mechanism": "CRC", "limit": PAGE_SIZE},
             {"mechanism": "CRC", **newest}),
        pair("full text `torture`, first page + count", {"q": "torture", "limit": PAGE_SIZE},
             {"_search": "torture", **newest}),
        pair("full text `torture` newest first, first page + count",
             {"q": "torture", "sort": "newest", "limit": PAGE_SIZE}, {"_search": "torture", **newest}),
        pair(f"page {PAGE} by cursor", {"limit": PAGE_SIZE, "cursor": cursor}, {**newest, "_next": token}),
        pair("count, position=supported", {"position": "supported", "limit": 1},
             {"position": "supported", "_sort_desc": "sort_date", "_size": 1}),
    ]  # fmt: skip


def run(scenario: Scenario, requests: int, warmup: int) -> None:
    sides = (scenario.ours, scenario.theirs)
    for _ in range(warmup):
        for side in sides:
            side.once()
    scenario.load_before = os.getloadavg()[0]
    for number in range(requests):
        for side in sides if number % 2 == 0 else sides[::-1]:
            side.timings_ms.append(side.once())
    scenario.load_after = os.getloadavg()[0]


def report(results: list[Scenario], requests: int) -> list[str]:
    missed: list[str] = []
    print("| scenario | matches (ours / Datasette) | ours p50 / p95 ms | Datasette p50 / p95 ms "
          "| p95 ratio ours/Datasette | target <= 0.5x | load before / after |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | --- | --- |")
    for s in results:
        o, t = s.ours.timings_ms, s.theirs.timings_ms
        ratio = percentile(o, 95) / percentile(t, 95)
        ok = ratio <= TARGET_RATIO
        if not ok:
            missed.append(f"{s.name}: {ratio:.2f}x")
        print(
            f"| {s.name} | {s.ours.count:,} / {s.theirs.count:,} "
            f"| {percentile(o, 50):.1f} / {percentile(o, 95):.1f} | {percentile(t, 50):.1f} / {percentile(t, 95):.1f} "
            f"| **{ratio:.2f}x** (p50 {percentile(o, 50) / percentile(t, 50):.2f}x) | {'met' if ok else 'MISSED'} "
            f"| {s.load_before:.1f} / {s.load_after:.1f} |"
        )
    print()
    print(f"{requests} timed requests per server and scenario, alternating; {os.cpu_count()} CPUs")
    return missed


def check_same(results: list[Scenario]) -> None:
    for s in results:
        if s.ours.rows != s.theirs.rows:
            raise BenchError(f"{s.name}: {s.ours.rows} rows from us, {s.theirs.rows} from Datasette")
        if "full text" not in s.name and s.ours.count != s.theirs.count:
            raise BenchError(f"{s.name}: {s.ours.count} matches for us, {s.theirs.count} for Datasette")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="our SQLite database (sqlite:////path)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per server and scenario")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nrtd-bench"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--datasette-port", type=int, default=8766)
    parser.add_argument("--rebuild", action="store_true", help="build Datasette's database again")
    parser.add_argument("--no-kept-pages", action="store_true", help=KEPT_HELP)
    args = parser.parse_args()
    url = make_url(args.database_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        parser.error("--database-url must be an SQLite file: Datasette's copy is built from it")
    signal.signal(signal.SIGTERM, _sigterm)
    args.work.mkdir(parents=True, exist_ok=True)
    exe = datasette_venv(args.work)
    their_db = args.work / f"{DB_NAME}.db"
    if args.rebuild or not their_db.exists() or their_db.stat().st_mtime < Path(url.database).stat().st_mtime:
        started = time.perf_counter()
        count = build_datasette_db(Path(url.database), their_db)
        print(f"built {their_db}: {count:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="nrtd-bench-datasette-") as tmp:
        our_log, their_log = Path(tmp) / "nrtd.log", Path(tmp) / "datasette.log"
        client: Callable[[int, dict[str, str]], httpx.Client] = lambda port, headers: httpx.Client(  # noqa: E731
            base_url=f"http://{HOST}:{port}", headers=headers, timeout=60.0, trust_env=False
        )
        try:
            with (
                running_server(
                    args.database_url, args.port, our_log, kept_pages=not args.no_kept_pages
                ) as our_server,
                running_datasette(exe, their_db, args.datasette_port, their_log) as their_server,
                client(args.port, {"X-API-Key": bench_api_key(args.database_url)}) as ours,
                client(args.datasette_port, {}) as theirs,
            ):
                wait_ready(ours, our_server, our_log)
                wait_datasette(theirs, their_server, their_log)
                results = scenarios(ours, theirs)
                for scenario in results:
                    run(scenario, args.requests, args.warmup)
                check_same(results)
        except (BenchError, httpx.HTTPError) as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            print(f"nrtd log:\n{log_tail(our_log)}\ndatasette log:\n{log_tail(their_log)}", file=sys.stderr)
            return 2
    print(f"# {LIST} against {DATASETTE}, {redact(args.database_url)}")
    print()
    print(kept_line(not args.no_kept_pages))
    print()
    missed = report(results, args.requests)
    if missed:
        print("TARGET MISSED: " + "; ".join(missed))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
