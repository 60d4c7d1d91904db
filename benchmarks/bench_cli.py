"""Time ``nrtd --help`` and ``nrtd import ... --help`` as whole processes (not a test: machines are noisy).

    python benchmarks/bench_cli.py [--runs 10] [--nrtd PATH]

Each command is started ``--runs`` times as a user starts it (the installed ``nrtd`` script of the
interpreter running this file, or ``--nrtd``), the runs of the commands interleaved so that they all
see the same load; the wall time from ``subprocess.run`` to its return is measured with
``time.perf_counter``. Two floors are measured the same way: the interpreter doing nothing
(``python -c pass``) and importing only typer, which every command needs. Prints a Markdown table of
medians and the worst run, and the median CPU time (user + system, less sensitive to load); exits 1 when a ``--help`` median exceeds the target (0.3 s).
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

TARGET_S = 0.3
HELP_COMMANDS = (
    ("nrtd --help", ["--help"]),
    ("nrtd import --help", ["import", "--help"]),
    ("nrtd import uhri --help", ["import", "uhri", "--help"]),
    ("nrtd import upr-info --help", ["import", "upr-info", "--help"]),
    ("nrtd export --help", ["export", "--help"]),
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``argv``."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed, children_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--nrtd", default=str(Path(sys.executable).with_name("nrtd")), help="the nrtd script")
    args = parser.parse_args()
    python = sys.executable
    rows: list[tuple[str, list[str]]] = [
        ("floor: python -c pass", [python, "-c", "pass"]),
        ("floor: python -c 'import typer'", [python, "-c", "import typer"]),
        *((label, [args.nrtd, *argv]) for label, argv in HELP_COMMANDS),
    ]
    times: dict[str, list[float]] = {label: [] for label, _ in rows}
    cpus: dict[str, list[float]] = {label: [] for label, _ in rows}
    for _, argv in rows:  # one untimed run each: the files in the page cache, .pyc written
        timed(argv)
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for label, argv in rows:
            wall, cpu = timed(argv)
            times[label].append(wall)
            cpus[label].append(cpu)
    load_after = os.getloadavg()
    print("| command | median s | max s | median CPU s | target (median wall) | result |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    missed = []
    for label, _ in rows:
        median = statistics.median(times[label])
        is_help = label.startswith("nrtd")
        ok = median <= TARGET_S
        if is_help and not ok:
            missed.append(label)
        verdict = ("met" if ok else "MISSED") if is_help else ""
        target = f"<= {TARGET_S:g} s" if is_help else ""
        cpu = statistics.median(cpus[label])
        print(f"| `{label}` | {median:.3f} | {max(times[label]):.3f} | {cpu:.3f} | {target} | {verdict} |")
    print()
    print(
        f"{args.runs} runs each, interleaved; {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
