"""One measured step, run in a fresh interpreter by bench_import.py; prints one JSON line.

measure_step.py floor FILE                       a bare ijson pass (the floor)
measure_step.py import FILE [--country C | --all-countries]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

import ijson
from sqlalchemy import event

from app.core.config import get_settings
from app.core.db import get_engine
from importers.run import import_uhri


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def floor(path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    with path.open("rb") as file:
        count = sum(1 for _ in ijson.items(file, "item", use_float=True))
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "records": count,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_import(path: Path, country: str | None, all_countries: bool) -> dict[str, Any]:
    engine = get_engine()
    written = 0

    def count(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        nonlocal written
        head = statement.lstrip()[:40].upper()
        if (
            head.startswith(("INSERT", "UPDATE", "DELETE"))
            and "IMPORT_RUNS" not in head
            and "IMPORT_LEASES" not in head
        ):
            written += len(params) if many and isinstance(params, list | tuple) else 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    summary = import_uhri(engine, get_settings(), str(path), country=country, all_countries=all_countries)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "summary": summary.counts.summary(),
        "rows_written": written,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["floor", "import"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--country")
    parser.add_argument("--all-countries", action="store_true")
    args = parser.parse_args()
    result = (
        floor(args.file) if args.mode == "floor" else run_import(args.file, args.country, args.all_countries)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
