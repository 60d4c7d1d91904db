"""What each test costs the machine in CPU, as a pytest plugin (not a test: a measurement).

    NRTD_TEST_DB=sqlite SUITE_CPU_OUT=/tmp/cpu-sqlite.jsonl .venv/bin/pytest -q -p benchmarks.suite_cpu

Writes one JSON line per test (and one for the collection): its node id, the machine's busy CPU
seconds while it ran (every core's user, nice, system, interrupt and steal time from ``/proc/stat``:
the test's servers, subprocesses, browser and database server count too) and its wall time. Run it
in one process (no ``-n``) on an otherwise idle machine: the busy time is the whole machine's, so
anything running beside a test is counted against it. Summing the lines by file or directory shows
where a run's CPU goes (docs/benchmarks.md, twenty-seventh stop).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

_TICKS = os.sysconf("SC_CLK_TCK")


def _busy_seconds() -> float:
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / _TICKS


def _write(name: str, busy: float, started: float) -> None:
    line = {"id": name, "cpu": round(_busy_seconds() - busy, 3), "wall": round(time.monotonic() - started, 3)}
    with Path(os.environ.get("SUITE_CPU_OUT", "suite-cpu.jsonl")).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, Any, None]:
    busy, started = _busy_seconds(), time.monotonic()
    yield
    _write("<collection>", busy, started)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    busy, started = _busy_seconds(), time.monotonic()
    yield
    _write(item.nodeid, busy, started)
