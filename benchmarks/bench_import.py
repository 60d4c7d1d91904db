"""Measure the import against the targets of docs/benchmarks.md (not a test: machines are noisy).

    python benchmarks/bench_import.py --work /tmp/nrtd-bench [--records 250000] [--small 25000]

Generates the synthetic exports (once), then measures, each import in a fresh subprocess that
starts after the previous one's writes reached the disk (``os.sync``):
the bare ijson floor, one country from the full file (time and peak RSS, at 25k and at the full
size), all records into SQLite and into PostgreSQL, and the unchanged re-import. Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def generate(path: Path, records: int, country_records: int) -> None:
    if path.exists():
        return
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate_uhri_export.py"),
            str(path),
            "--records",
            str(records),
            "--country",
            "Peru",
            "--country-records",
            str(country_records),
            "--seed",
            "1",
        ],
        check=True,
    )


def measure(args: list[str], env: dict[str, str] | None = None) -> dict[str, float | str]:
    """Run one step in a fresh interpreter; return its wall time, peak RSS and last line of output."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "measure_step.py"), *args]
    # The previous step's writes (a 1 GB SQLite file) reach the disk first, not during this step.
    os.sync()
    started = time.perf_counter()
    out = subprocess.run(
        cmd, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT
    )
    wall = time.perf_counter() - started
    result: dict[str, float | str] = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_with_startup"] = round(wall, 2)
    return result


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        check=True,
        env={**os.environ, "NRTD_DATABASE_URL": url},
        cwd=ROOT,
    )
    return url


def fresh_postgres(name: str) -> str:
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    admin.dispose()
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        check=True,
        env={**os.environ, "NRTD_DATABASE_URL": url},
        cwd=ROOT,
    )
    return url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/nrtd-bench"))
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--small", type=int, default=25_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    full = args.work / f"export-{args.records}.json"
    small = args.work / f"export-{args.small}.json"
    generate(full, args.records, 3000)
    generate(small, args.small, 300)

    rows: list[tuple[str, str]] = []
    floor = measure(["floor", str(full)])
    rows.append(
        (
            f"bare ijson pass, {args.records} records (floor)",
            f"{floor['seconds']} s, {floor['peak_rss_mb']} MB",
        )
    )

    url = fresh_sqlite(args.work / "country.db")
    one = measure(["import", str(full), "--country", "Peru"], {"NRTD_DATABASE_URL": url})
    ratio = float(one["seconds"]) / float(floor["seconds"])
    rows.append(
        (
            "one country from the full file (SQLite)",
            f"{one['seconds']} s = {ratio:.2f}x floor, peak RSS {one['peak_rss_mb']} MB; {one['summary']}",
        )
    )
    url_small = fresh_sqlite(args.work / "country-small.db")
    one_small = measure(["import", str(small), "--country", "Peru"], {"NRTD_DATABASE_URL": url_small})
    growth = float(one["peak_rss_mb"]) / float(one_small["peak_rss_mb"]) - 1
    rows.append(
        (
            f"one country from {args.small} records (SQLite)",
            f"{one_small['seconds']} s, peak RSS {one_small['peak_rss_mb']} MB (RSS growth to full size {growth:+.0%})",
        )
    )

    targets = [("SQLite", fresh_sqlite(args.work / "all.db"))]
    if not args.skip_postgres:
        targets.append(("PostgreSQL", fresh_postgres("nrtd_bench")))
    for label, db_url in targets:
        first = measure(["import", str(full), "--all-countries"], {"NRTD_DATABASE_URL": db_url})
        rate = args.records / float(first["seconds"])
        rows.append(
            (
                f"all {args.records} records into {label}",
                f"{first['seconds']} s = {rate:,.0f} records/s, peak RSS {first['peak_rss_mb']} MB; {first['summary']}",
            )
        )
        again = measure(["import", str(full), "--all-countries"], {"NRTD_DATABASE_URL": db_url})
        speedup = float(first["seconds"]) / float(again["seconds"])
        rows.append(
            (
                f"unchanged re-import into {label}",
                f"{again['seconds']} s = {speedup:.1f}x faster, rows written {again['rows_written']}; {again['summary']}",
            )
        )

    print("| measurement | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
