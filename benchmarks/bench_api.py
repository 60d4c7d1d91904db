"""Measure ``GET /api/v1/recommendations`` against the API targets (not a test: machines are noisy).

    python benchmarks/bench_api.py --database-url URL [--requests 200] [--port 8765] [--no-kept-pages]

Targets, at 250,000 recommendations, one client:

* p95 <= 25 ms for every list scenario (filters, full-text ``q``, ``q`` with a filter; issue 13,
  50 ms before: ``--p95-target 50``);
* the 100th page (limit 50, reached through ``next_cursor``) within 2x of the first page's time.

Starts the real server (``python -m app.cli serve``) as a subprocess on 127.0.0.1 with
``NRTD_DATABASE_URL`` set (and the built-in import schedule switched off), waits for ``/readyz``,
then sends every request from one httpx client, one at a time, over a kept-alive connection:
a warm-up, then ``--requests`` timed requests per scenario (a scenario still running after
``--scenario-budget`` seconds stops early, noted in its row). Theme and country values are picked
from the taxonomies (a mid-frequency entry). Prints a Markdown table; exits 1 when a target is
missed (naming it), 2 when the benchmark itself could not run. The server is always stopped.

The server keeps list pages per data version (``NRTD_READ_CACHE_MB``), as in production: after the
warm-up, a scenario's repeated requests are answered from memory. ``--no-kept-pages`` turns that
off, so that every request reads its page from the database (what a page asked for the first time
costs; totals are still counted once per filter set, as always).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.server import (
    HOST,
    KEPT_HELP,
    LIST,
    REQUEST_TIMEOUT_S,
    BenchError,
    Params,
    _sigterm,
    bench_api_key,
    get_json,
    kept_line,
    load_line,
    log_tail,
    mid_frequency,
    percentile,
    redact,
    running_server,
    wait_ready,
)

P95_TARGET_MS = 25.0  # issue 13 (it was 50 ms before); --p95-target sets another
PAGE_RATIO_TARGET = 2.0
PAGE_SIZE = 50
PAGES = 100
FRENCH_WORD = "détention"
CHINESE_WORD = "酷刑"  # "torture"


@dataclass
class Scenario:
    name: str
    params: Params
    note: str = ""
    skipped: bool = False
    total: int | None = None
    timings_ms: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


def timed_get(client: httpx.Client, params: Params) -> tuple[float, dict[str, Any]]:
    """Milliseconds from sending the request to having read and decoded the whole body."""
    started = time.perf_counter()
    response = client.get(LIST, params=params)
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"GET {response.request.url} -> {response.status_code}: {body[:500]!r}")
    page: dict[str, Any] = response.json()
    return elapsed, page


def build_scenarios(client: httpx.Client) -> list[Scenario]:
    theme, theme_total = mid_frequency(client, "themes", "theme")
    country, country_total = mid_frequency(client, "states", "country")
    mechanisms = {item["code"] for item in get_json(client, "/api/v1/taxonomies/mechanisms")["items"]}
    if "CRC" not in mechanisms:
        raise BenchError("mechanism CRC is not in the database")
    scenarios = [
        Scenario("no filter", {}),
        Scenario("mechanism=CRC", {"mechanism": "CRC"}),
        Scenario(f"theme={theme}", {"theme": theme}, f"mid-frequency theme ({theme_total} recs)"),
        Scenario("sdg=16", {"sdg": "16"}),
        Scenario("cycle=3&position=supported", {"cycle": 3, "position": "supported"}),
        Scenario(f"country={country}", {"country": country}, f"mid-size State ({country_total} recs)"),
        Scenario("q=torture", {"q": "torture"}),
        Scenario(f"q={FRENCH_WORD}", {"q": FRENCH_WORD}, "accents folded"),
        Scenario(f"q={CHINESE_WORD}", {"q": CHINESE_WORD, "lang": "zh"}, "CJK phrase"),
        Scenario("q=torture&mechanism=CRC", {"q": "torture", "mechanism": "CRC"}),
        Scenario(f"q=detention&country={country}", {"q": "detention", "country": country}),
    ]
    for scenario in scenarios:
        _, page = timed_get(client, scenario.params)
        scenario.total = int(page["total"])
        if scenario.total == 0:
            if scenario.params.get("q") == CHINESE_WORD:
                scenario.skipped = True
                scenario.note = "skipped: no Chinese text in the data (import a zh export to measure)"
            else:
                scenario.note = (scenario.note + "; " if scenario.note else "") + "no match: empty result"
    return scenarios


def run_scenario(
    client: httpx.Client, scenario: Scenario, requests: int, warmup: int, budget_s: float
) -> None:
    """``warmup`` untimed then ``requests`` timed requests; stops early once ``budget_s`` is spent."""
    params: Params = {**scenario.params, "limit": PAGE_SIZE}
    for _ in range(warmup):
        timed_get(client, params)
    deadline = time.monotonic() + budget_s
    for _ in range(requests):
        elapsed, _page = timed_get(client, params)
        scenario.timings_ms.append(elapsed)
        if time.monotonic() > deadline and len(scenario.timings_ms) < requests:
            stopped = f"stopped after {len(scenario.timings_ms)} requests (--scenario-budget {budget_s:g} s)"
            scenario.note = f"{scenario.note}; {stopped}" if scenario.note else stopped
            break


@dataclass
class PageResult:
    total: int
    walk_ms: list[float]
    first_ms: list[float]
    last_ms: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.last_ms) / statistics.median(self.first_ms)


def run_pagination(client: httpx.Client, repeats: int, warmup: int) -> PageResult:
    """Walk ``PAGES`` pages through next_cursor, then time page 1 and page 100 again, alternately."""
    base: Params = {"limit": PAGE_SIZE}
    for _ in range(warmup):
        timed_get(client, base)
    walk_ms: list[float] = []
    total = 0
    cursor: str | None = None
    last_cursor: str | None = None
    seen_ids: set[int] = set()
    for number in range(1, PAGES + 1):
        params = {**base, "cursor": cursor} if cursor else base
        elapsed, page = timed_get(client, params)
        walk_ms.append(elapsed)
        total = int(page["total"])
        ids = {int(item["id"]) for item in page["items"]}
        if page["next_cursor"] is None and number < PAGES:
            raise BenchError(f"only {number} pages of {PAGE_SIZE}: the database is too small")
        if len(ids) != PAGE_SIZE or ids & seen_ids:
            raise BenchError(f"page {number}: {len(ids)} items, {len(ids & seen_ids)} seen before")
        seen_ids |= ids
        if number == PAGES:
            last_cursor = cursor
        cursor = page["next_cursor"]
    assert last_cursor is not None
    first_ms: list[float] = []
    last_ms: list[float] = []
    for _ in range(repeats):
        first_ms.append(timed_get(client, base)[0])
        last_ms.append(timed_get(client, {**base, "cursor": last_cursor})[0])
    return PageResult(total, walk_ms, first_ms, last_ms)


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def report(
    scenarios: list[Scenario], pages: PageResult, requests: int, repeats: int, target: float = P95_TARGET_MS
) -> tuple[list[str], list[str]]:
    """Print the Markdown table; return (missed targets, empty-result warnings)."""
    missed: list[str] = []
    warnings: list[str] = []
    print(f"| scenario (limit={PAGE_SIZE}) | matches | p50 ms | p95 ms | max ms | target | result | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
    for s in scenarios:
        if s.skipped:
            print(f"| `{s.name}` | {s.total} | | | | p95 <= {target:g} ms | skipped | {s.note} |")
            continue
        p50 = percentile(s.timings_ms, 50)
        p95 = percentile(s.timings_ms, 95)
        worst = max(s.timings_ms)
        ok = p95 <= target
        if not ok:
            missed.append(f"{s.name}: p95 {p95:.1f} ms > {target:g} ms")
        if s.total == 0:
            warnings.append(f"{s.name}: matched nothing, so it measures an empty result")
        print(
            f"| `{s.name}` | {s.total} | {p50:.1f} | {p95:.1f} | {worst:.1f} "
            f"| p95 <= {target:g} ms | {'ok' if ok else 'MISSED'} | {s.note} |"
        )
    walk = pages.walk_ms
    print(
        f"| walk of pages 1-{PAGES} via next_cursor | {pages.total} | {percentile(walk, 50):.1f} "
        f"| {percentile(walk, 95):.1f} | {max(walk):.1f} | | | one pass, {PAGES * PAGE_SIZE} rows, each page timed |"
    )
    for label, values in (
        (f"page 1 (x{repeats})", pages.first_ms),
        (f"page {PAGES} (x{repeats})", pages.last_ms),
    ):
        print(
            f"| {label} | | {statistics.median(values):.1f} | {percentile(values, 95):.1f} "
            f"| {max(values):.1f} | | | median of repeats with the saved cursor |"
        )
    ratio = pages.ratio
    ok = ratio <= PAGE_RATIO_TARGET
    if not ok:
        missed.append(f"page {PAGES}/page 1: {ratio:.2f}x > {PAGE_RATIO_TARGET:g}x")
    print(
        f"| page {PAGES} / page 1 (medians) | | {ratio:.2f}x | | | <= {PAGE_RATIO_TARGET:g}x "
        f"| {'ok' if ok else 'MISSED'} | |"
    )
    print()
    print(
        f"{requests} timed requests per scenario (unless noted) after a warm-up; "
        "one client, sequential, keep-alive."
    )
    print(f"{load_line()} at the end (other work on the machine inflates the times)")
    return missed, warnings


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="NRTD_DATABASE_URL of the server")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--port", type=int, default=8765, help=f"port of the server on {HOST}")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests before each scenario")
    parser.add_argument("--p95-target", type=float, default=P95_TARGET_MS, help="p95 target in ms")
    parser.add_argument("--page-repeats", type=int, default=25, help="timings of page 1 and of the last page")
    parser.add_argument(
        "--scenario-budget",
        type=float,
        default=120.0,
        help="seconds after which a slow scenario stops with fewer timed requests",
    )
    parser.add_argument("--no-kept-pages", action="store_true", help=KEPT_HELP)
    args = parser.parse_args()
    if (
        not 1 <= args.requests <= 100_000
        or not 0 <= args.warmup <= 1000
        or not 1 <= args.page_repeats <= 1000
        or not 1 <= args.scenario_budget <= 3600
    ):
        parser.error(
            "--requests must be 1..100000, --warmup 0..1000, --page-repeats 1..1000, "
            "--scenario-budget 1..3600"
        )
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be 1024..65535")
    signal.signal(signal.SIGTERM, _sigterm)

    with tempfile.TemporaryDirectory(prefix="nrtd-bench-api-") as tmp:
        log = Path(tmp) / "server.log"
        try:
            with (
                running_server(
                    args.database_url, args.port, log, kept_pages=not args.no_kept_pages
                ) as server,
                httpx.Client(
                    base_url=f"http://{HOST}:{args.port}",
                    headers={"X-API-Key": bench_api_key(args.database_url)},
                    timeout=REQUEST_TIMEOUT_S,
                    trust_env=False,  # no proxy: loopback only
                ) as client,
            ):
                wait_ready(client, server, log)
                scenarios = build_scenarios(client)
                total = next(s.total for s in scenarios if not s.params)
                print(f"# GET {LIST}: {total:,} current recommendations, {redact(args.database_url)}")
                print()
                print(kept_line(not args.no_kept_pages))
                print()
                print(f"{load_line()} at the start")
                print()
                for scenario in scenarios:
                    if not scenario.skipped:
                        run_scenario(client, scenario, args.requests, args.warmup, args.scenario_budget)
                pages = run_pagination(client, args.page_repeats, args.warmup)
        except (BenchError, httpx.HTTPError) as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            print(f"server log (last lines):\n{log_tail(log)}", file=sys.stderr)
            return 2
    missed, warnings = report(scenarios, pages, args.requests, args.page_repeats, args.p95_target)
    for warning in warnings:
        print(f"warning: {warning}")
    if total is not None and total < 250_000:
        print(f"warning: {total:,} recommendations; the targets are set for 250,000")
    if missed:
        print()
        print("TARGETS MISSED:")
        for line in missed:
            print(f"- {line}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
