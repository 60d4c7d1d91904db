"""One measured step, run in a fresh interpreter by bench_import.py; prints one JSON line.

measure_step.py floor FILE                       a bare ijson pass (the floor)
measure_step.py import FILE [--country C | --all-countries]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
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


class ChildPeaks:
    """The peak RSS (VmHWM) of each child process (the import's readers), sampled every 20 ms.

    RUSAGE_CHILDREN is no use here: a forked child inherits the parent's high-water mark.
    """

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}  # pid -> KiB
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(0.02):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    kib = int(fields["VmHWM"].split()[0])
                    self.peaks[int(entry.name)] = max(kib, self.peaks.get(int(entry.name), 0))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(sum(self.peaks.values()) / 1024, 1)


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
    children = ChildPeaks()
    started = time.perf_counter()
    summary = import_uhri(engine, get_settings(), str(path), country=country, all_countries=all_countries)
    seconds = time.perf_counter() - started
    readers = children.stop()
    return {
        "seconds": round(seconds, 2),
        # this process's peak plus each reader process's own: an upper bound of the total
        "peak_rss_mb": round(peak_rss_mb() + readers, 1),
        "reader_processes_rss_mb": readers,
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
