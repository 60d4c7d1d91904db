"""The writer thread: executes prepared batches while the main thread prepares the next one."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any


class _BatchWriter:
    """Runs ``write`` on each submitted batch in a thread of its own, two batches in flight at most."""

    def __init__(self, write: Callable[[Any], None]) -> None:
        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="nrtd-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None and not self._stopping:
                try:
                    self._write(batch)
                except BaseException as exc:
                    self._error = exc
            self._queue.task_done()
        self._queue.task_done()

    def drain(self) -> None:
        """Wait until every submitted batch is written: the caller may then use the connection."""
        self._queue.join()
        if self._error is not None:
            raise self._error

    def submit(self, batch: Any) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        """Stop after the batch being written: the caller rolls the transaction back."""
        self._stopping = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
