"""Run a reader in a process of its own, so parsing and mapping use the machine's second core.

The pipeline's own work (term ids, rows, the database) stays in the importing process. The
reader's items reach it in file order, in pickled batches through a pipe; a thread of the child
writes them, so the reader parses on while the importing process is not reading yet, until 16 MB
wait (then it waits too: that bounds the memory when the pipeline lags behind). The reader is a plain
``python -m importers.reader_process`` child: nothing is forked from a process that may run a
web server's threads, and the importing program's own main module is never imported again. Only
``nrtd import``, single-threaded and before it has loaded its database layer, asks for a fork
(``fork=True``): the child then starts at once, with the reader's modules already loaded, which
a new interpreter takes a tenth of a second or more to load. The child stops on its own when the
importing process dies, at its next write to the closed pipe.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, Any, TypeVar

_BATCH = 100
# A batch is also sent once it has waited this long: items that come slowly (one State's records,
# spread through the file) reach the importing process as they are found, not at the end.
_BATCH_SECONDS = 0.02
_PIPE_BYTES = 1024 * 1024
_AHEAD_BYTES = 16 * 1024 * 1024  # what a child may hold that the pipe does not take yet
_T = TypeVar("_T")


class _Done:
    """The reader reached the end of its input."""


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReaderProcess:
    """``reader(*args, **kwargs)`` running in a child; its items come through a pipe or a file."""

    def __init__(
        self,
        reader: Callable[..., Iterable[Any]],
        *args: Any,
        spill: IO[bytes] | None = None,
        fork: bool = False,
        **kwargs: Any,
    ) -> None:
        self._spill = spill
        self._child: subprocess.Popen[bytes] | _Forked
        if fork and hasattr(os, "fork") and threading.active_count() == 1:
            self._child = _Forked(reader, args, kwargs, spill)
            return
        child = self._child = subprocess.Popen(
            [sys.executable, "-m", "importers.reader_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if spill is None else spill,
        )
        assert child.stdin is not None
        if child.stdout is not None:
            _widen(child.stdout)
        with child.stdin:
            pickle.dump(sys.path, child.stdin)  # so the child finds the reader where we did
            pickle.dump((reader, args, kwargs), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)

    def items(self) -> Iterator[Any]:
        """The reader's items, in order; with a spill file, once the reader has finished."""
        if self._spill is None:
            assert self._child.stdout is not None
            stream: IO[bytes] = self._child.stdout
        else:
            self._child.wait()
            stream = self._spill
            stream.seek(0)
        while True:
            try:
                message = pickle.load(stream)  # noqa: S301 (our own child, a private pipe or file)
            except (EOFError, pickle.UnpicklingError):
                raise RuntimeError(
                    f"the import's reader process stopped unexpectedly (exit code {self._child.wait()})"
                ) from None
            if isinstance(message, _Done):
                return
            if isinstance(message, _Failed):
                raise message.error
            yield from message

    def close(self) -> None:
        if self._child.stdout is not None:
            self._child.stdout.close()
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait()


def _widen(pipe: IO[bytes]) -> None:
    """Let the reader run up to ~1 MB ahead of the pipeline rather than a 64 KB pipe's worth,
    so it keeps parsing while the pipeline prepares a batch (Linux; elsewhere a no-op)."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def read_in_process(
    reader: Callable[..., Iterable[_T]], *args: Any, **kwargs: Any
) -> Generator[_T, None, None]:
    """Yield what ``reader(*args, **kwargs)`` yields, computed in a child process.

    ``reader`` and its arguments must be picklable (a module-level function, plain values). An
    exception the reader raises is raised here; stopping early ends the child.
    """
    child = ReaderProcess(reader, *args, **kwargs)
    try:
        yield from child.items()
    finally:
        child.close()


class _Sender:
    """Writes the child's pickled batches from a thread of its own, so the reader goes on parsing
    while the importing process is not reading (it may still be loading its own modules, see
    importers.halves); up to ``_AHEAD_BYTES`` wait here, then the reader waits too."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._waiting: collections.deque[bytes] = collections.deque()
        self._bytes = 0
        self._closed = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._write_all, name="reader-sender", daemon=True)
        self._thread.start()

    def send(self, data: bytes) -> None:
        with self._changed:
            while self._bytes >= _AHEAD_BYTES:
                self._changed.wait()
            self._waiting.append(data)
            self._bytes += len(data)
            self._changed.notify_all()

    def close(self) -> None:
        """Once everything sent is written."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join()

    def _write_all(self) -> None:
        while True:
            with self._changed:
                while not self._waiting and not self._closed:
                    self._changed.wait()
                if not self._waiting:
                    break
                data = self._waiting.popleft()
            try:
                self._out.write(data)
            except OSError:  # BrokenPipeError and the like: the importing process is gone or stopped
                os._exit(0)  # early: nothing to tell, and the reader must not go on parsing
            with self._changed:
                self._bytes -= len(data)
                self._changed.notify_all()
        try:
            self._out.flush()
        except OSError:
            os._exit(0)


class _Forked:
    """A reader in a child forked from this process, with what ``subprocess.Popen`` offers for it."""

    def __init__(
        self, reader: Callable[..., Iterable[Any]], args: Any, kwargs: Any, spill: IO[bytes] | None
    ) -> None:
        read_end, write_end = os.pipe() if spill is None else (-1, os.dup(spill.fileno()))
        self.pid = os.fork()
        if self.pid == 0:  # the child: it never returns into the importing program
            code = 1
            try:
                if read_end >= 0:
                    os.close(read_end)  # else the child would hold a reader of its own pipe
                _run(reader, args, kwargs, os.fdopen(write_end, "wb"))
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.stdout = None if spill is not None else os.fdopen(read_end, "rb")
        if self.stdout is not None:
            _widen(self.stdout)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _serve() -> None:
    """The child: read the reader and its arguments from stdin, write batches of items to stdout."""
    # From the importing process, through a pipe only the two of them hold.
    sys.path[:] = pickle.load(sys.stdin.buffer)  # noqa: S301
    reader, args, kwargs = pickle.load(sys.stdin.buffer)  # noqa: S301
    _run(reader, args, kwargs, sys.stdout.buffer)


def _run(reader: Callable[..., Iterable[Any]], args: Any, kwargs: Any, out: IO[bytes]) -> None:
    """Write ``reader(*args, **kwargs)``'s items to ``out`` in pickled batches, then ``_Done`` (or
    ``_Failed`` with what it raised)."""
    sender = _Sender(out)
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream of items
    try:
        batch: list[Any] = []
        since = time.monotonic()
        for item in reader(*args, **kwargs):
            batch.append(item)
            if len(batch) >= _BATCH or time.monotonic() - since >= _BATCH_SECONDS:
                sender.send(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
                batch = []
                since = time.monotonic()
        if batch:
            sender.send(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        sender.send(pickle.dumps(_Done()))
    except Exception as exc:
        try:
            message = pickle.dumps(_Failed(exc))
        except Exception:
            message = pickle.dumps(_Failed(RuntimeError(f"{type(exc).__name__}: {exc}")))
        sender.send(message)
    sender.close()


if __name__ == "__main__":
    from importers.reader_process import _serve as serve  # pickles name the module, not __main__

    serve()
