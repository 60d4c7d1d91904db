"""A one-State import as a user runs it, against a bare ijson pass (not a test: machines are noisy).

    python benchmarks/bench_one_state.py EXPORT.json --country Peru [--runs 5] [--work DIR]
        [--database-url postgresql://postgres@127.0.0.1:5432/nrtd_one_state]

Target (docs/benchmarks.md): the whole process ``nrtd import uhri EXPORT --country X`` on a freshly
migrated database takes at most 1.5x a whole process that only iterates the export's items with
ijson (``python -c "...ijson.items(f, 'item', use_float=True)..."``, the same backend and options
as the importer). Both are timed from start to exit, interpreter start-up included, with
``time.perf_counter`` around ``subprocess.run``; the runs alternate (floor, import, floor, ...) so
that both see the same load. Before each import the database is dropped and migrated (untimed) and
``os.sync()`` writes the previous run's data to disk. Prints a Markdown table of medians and the
ratio of the medians.

With no ``--database-url``, a fresh SQLite file under ``--work`` each run; with a PostgreSQL URL,
the named database is dropped and created each run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5
FLOOR = (
    "import sys, ijson\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    n = sum(1 for _ in ijson.items(f, 'item', use_float=True))\n"
    "print(n)\n"
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and its children, stdout) of one run; exits when it fails."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return wall, children_cpu() - cpu, done.stdout.strip()


def fresh_database(url: str | None, work: Path, number: int) -> str:
    if url is None:
        path = work / f"one-state-{number}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database
    server = sa.create_engine(
        sa.engine.make_url(url).set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("export", type=Path)
    parser.add_argument("--country", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nrtd-bench"))
    parser.add_argument("--database-url", help="a PostgreSQL database to drop and create (default SQLite)")
    parser.add_argument("--nrtd", default=str(Path(sys.executable).with_name("nrtd")), help="the nrtd script")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    floor_argv = [sys.executable, "-c", FLOOR, str(args.export)]
    floor: list[tuple[float, float]] = []
    imports: list[tuple[float, float]] = []
    loads: list[float] = []
    summary = ""
    count = ""
    run(floor_argv)  # untimed: the file into the page cache
    for number in range(args.runs):
        url = fresh_database(args.database_url, args.work, number)
        env = {**os.environ, "NRTD_DATABASE_URL": url, "NRTD_IMPORT_SCHEDULE": ""}
        run([args.nrtd, "migrate"], env)
        os.sync()
        loads.append(os.getloadavg()[0])
        wall, cpu, count = run(floor_argv)
        floor.append((wall, cpu))
        wall, cpu, summary = run(
            [args.nrtd, "import", "uhri", str(args.export), "--country", args.country], env
        )
        imports.append((wall, cpu))
    floor_s = statistics.median(w for w, _ in floor)
    import_s = statistics.median(w for w, _ in imports)
    ratio = import_s / floor_s
    print(
        f"# {args.export} ({int(count):,} items), --country {args.country}, {args.database_url or 'SQLite'}"
    )
    print()
    print("| process | median wall s | runs (wall s) | median CPU s |")
    print("| --- | ---: | --- | ---: |")
    for label, values in (
        ("bare ijson pass", floor),
        (f"nrtd import uhri --country {args.country}", imports),
    ):
        runs = ", ".join(f"{w:.2f}" for w, _ in values)
        print(
            f"| {label} | {statistics.median(w for w, _ in values):.2f} | {runs} "
            f"| {statistics.median(c for _, c in values):.2f} |"
        )
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"| ratio of the medians | **{ratio:.2f}x** | target <= {TARGET:g}x: {verdict} | |")
    print()
    print(f"last import: {summary}")
    print(
        f"{os.cpu_count()} CPUs, load average (1 min) at each run's start: "
        + ", ".join(f"{x:.1f}" for x in loads)
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
