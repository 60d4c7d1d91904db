"""Run a reader in a process of its own, so parsing and mapping use the machine's second core.

The pipeline's own work (term ids, rows, the database) stays in the importing process. The
reader's items reach it in file order, in pickled batches through a pipe whose buffer bounds the
memory: the reader waits when the pipeline lags behind. The reader is a plain
``python -m importers.reader_process`` child: nothing is forked from a process that may run a
web server's threads, and the importing program's own main module is never imported again. The
child stops on its own when the importing process dies, at its next write to the closed pipe.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, Any, TypeVar

_BATCH = 100
_PIPE_BYTES = 1024 * 1024
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
        **kwargs: Any,
    ) -> None:
        self._spill = spill
        self._child = subprocess.Popen(
            [sys.executable, "-m", "importers.reader_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE if spill is None else spill,
        )
        assert self._child.stdin is not None
        if self._child.stdout is not None:
            _widen(self._child.stdout)
        with self._child.stdin:
            pickle.dump(sys.path, self._child.stdin)  # so the child finds the reader where we did
            pickle.dump((reader, args, kwargs), self._child.stdin, protocol=pickle.HIGHEST_PROTOCOL)

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


def _serve() -> None:
    """The child: read the reader and its arguments from stdin, write batches of items to stdout."""
    # From the importing process, through a pipe only the two of them hold.
    sys.path[:] = pickle.load(sys.stdin.buffer)  # noqa: S301
    reader, args, kwargs = pickle.load(sys.stdin.buffer)  # noqa: S301
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream of items
    try:
        batch: list[Any] = []
        for item in reader(*args, **kwargs):
            batch.append(item)
            if len(batch) >= _BATCH:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(_Done(), out)
        out.flush()
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)  # the importing process is gone or stopped early: nothing to tell
    except Exception as exc:
        try:
            message = pickle.dumps(_Failed(exc))
        except Exception:
            message = pickle.dumps(_Failed(RuntimeError(f"{type(exc).__name__}: {exc}")))
        try:
            out.write(message)
            out.flush()
        except (BrokenPipeError, ConnectionResetError):
            os._exit(0)


if __name__ == "__main__":
    from importers.reader_process import _serve as serve  # pickles name the module, not __main__

    serve()
