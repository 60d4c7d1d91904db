"""An app of the test's own served by a real uvicorn, so the test can watch its engine and slots.

These tests need the app object (to count the export's queries on its engine and see its running
exports), so they serve it with ``tests.live_server.serve_app``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, event

from app.exports.limits import ExportSlots

BATCH_QUERY = "ORDER BY recommendations.sort_date DESC, recommendations.id DESC"


def running(app: FastAPI) -> int:
    """Exports of ``app`` running now (0 before its first export)."""
    slots: ExportSlots | None = getattr(app.state, "export_slots", None)
    return len(slots.running()) if slots is not None else 0


def stopping(app: FastAPI) -> bool:
    """Whether one of ``app``'s running exports has been told to stop."""
    slots: ExportSlots | None = getattr(app.state, "export_slots", None)
    return slots is not None and any(slot.stop.is_set() for slot in slots.running())


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Poll ``condition`` (the server works in its own thread); fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:g} s: {what}")
        time.sleep(0.02)


class BatchGate:
    """Counts an engine's export batch queries and can hold them before they run.

    ``hold(n)``: from the n-th batch query of an export on, each waits until ``release()``, or
    until ``until()`` becomes true (e.g. the export was told to stop), at most ``timeout`` seconds.
    """

    def __init__(self, engine: Engine, timeout: float = 15.0) -> None:
        self.engine = engine
        self.timeout = timeout
        self.count = 0
        self.started = threading.Event()
        self.held_until = ""  # why the last held query went on: "released", "told to stop", "timeout"
        self._hold_from: int | None = None
        self._open = threading.Event()
        self._until: Callable[[], bool] = lambda: False
        self._lock = threading.Lock()

    def hold(self, from_query: int, until: Callable[[], bool] | None = None) -> None:
        self._hold_from = from_query
        self._open.clear()
        self._until = until or (lambda: False)

    def release(self) -> None:
        self._open.set()

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if BATCH_QUERY not in statement:
            return
        with self._lock:
            self.count += 1
            number = self.count
        self.started.set()
        if self._hold_from is not None and number >= self._hold_from:
            deadline = time.monotonic() + self.timeout
            while True:
                if self._open.is_set():
                    self.held_until = "released"
                elif self._until():
                    self.held_until = "told to stop"
                elif time.monotonic() > deadline:
                    self.held_until = "timeout"
                else:
                    self._open.wait(0.01)
                    continue
                return

    def __enter__(self) -> BatchGate:
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._open.set()
        event.remove(self.engine, "before_cursor_execute", self._before)
