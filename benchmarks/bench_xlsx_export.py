"""What the staff XLSX export of a whole database costs (not a test: machines are noisy).

    python benchmarks/bench_xlsx_export.py --database-url URL [--runs 1] [--format xlsx] [--output FILE]

Builds the staff export (``app.exports.service.recommendation_export``, the code behind
``GET /api/v1/exports/recommendations.xlsx`` and the workspace's download) of every current
recommendation, in this process, reading its bytes as a response would send them, and prints a
Markdown table: the time to the first byte, the whole time, the size and the rows. ``--output``
keeps the last run's file (to compare two versions' sheets: ``unzip -p FILE xl/worksheets/sheet1.xml``).
Exits 2 when it could not run.

Use a copy of a benchmark database, never the original: the export only reads, but opening an SQLite
file can write beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.core.db import make_engine
from app.exports.service import ExportFormat, recommendation_export
from app.recommendations.schemas import RecommendationListParams
from benchmarks.server import redact


def run_once(url: str, fmt: ExportFormat, output: Path | None) -> tuple[float, float, int]:
    engine = make_engine(url)
    try:
        start = time.perf_counter()
        export = recommendation_export(
            engine, RecommendationListParams(), fmt, public=False, site="http://127.0.0.1:8000"
        )
        first: float | None = None
        size = 0
        sink = output.open("wb") if output is not None else None
        try:
            for chunk in export.chunks:
                if first is None:
                    first = time.perf_counter() - start
                size += len(chunk)
                if sink is not None:
                    sink.write(chunk)
        finally:
            if sink is not None:
                sink.close()
        return first or 0.0, time.perf_counter() - start, size
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--format", choices=["xlsx", "csv", "json"], default="xlsx")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    try:
        results = [run_once(args.database_url, args.format, args.output) for _ in range(args.runs)]
    except Exception as error:  # a benchmark that cannot run says why and exits 2
        print(f"could not run against {redact(args.database_url)}: {error}", file=sys.stderr)
        return 2
    print(f"| staff {args.format} export, every recommendation | first byte (s) | whole (s) | MB |")
    print("| --- | ---: | ---: | ---: |")
    for number, (first, whole, size) in enumerate(results, start=1):
        print(f"| run {number} | {first:.1f} | {whole:.1f} | {size / 1e6:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
