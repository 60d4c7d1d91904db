"""The full public export, kept on disk per data version, format and language: one file for each
format and language of a database (made by one release of the application, for one publisher and site
address, which replace each other).

The unfiltered public export is the one everybody downloads and the most expensive to build
(337 MB of CSV in 60 s at 360,000 records). The first request for a data version builds it while
streaming it to its client and writes the same bytes to ``<key>.part``; at the end the part file
is renamed into place (atomic on one file system) and the files of older versions are removed.
Later requests for that version are served from the file without a query.

One build at a time per format and language, across threads and processes: the builder holds an
exclusive ``flock`` on ``<key>.lock`` (released by the kernel if the process dies). A request
that finds the lock taken is told to come back (503 with Retry-After) rather than building the
same file a second time. A build whose client goes away, or that fails, removes its part file.
A directory that cannot be used (missing rights, a full disk) only costs the caching: the export
is still sent, and the reason logged.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

from app.exports.limits import ExportsBusy

logger = logging.getLogger(__name__)

READ_CHUNK = 256 * 1024
_T = TypeVar("_T")
# Seconds a client is told to wait while another request builds the file it asked for.
BUILD_RETRY_AFTER = 20


def default_directory() -> Path:
    return Path(tempfile.gettempdir()) / "nrtd-exports"


@dataclass(frozen=True)
class CachedFile:
    """An export file opened for sending (a newer version may replace its name meanwhile)."""

    file: BinaryIO
    size: int

    def chunks(self) -> Iterator[bytes]:
        with self.file:
            while chunk := self.file.read(READ_CHUNK):
                yield chunk


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


class ExportCache:
    def __init__(self, directory: Path, database: str, variant: str = "", release: str = "") -> None:
        self.directory = directory
        # Instances on different databases may share a directory: the database is part of each name.
        self._database = _digest(database, 12)
        # What else the bytes depend on (who publishes them, the address their links start with) is
        # part of the file's name beside the data version, not of the key: one file is kept per
        # database, format and language, so a request naming a new address (a Host header made up,
        # without NRTD_BASE_URL) replaces the kept file rather than adding one for good.
        self._variant = variant
        # The application's version: a release that changes what an export holds (a new column, a
        # corrected label) kept serving the files the previous one wrote until the data changed.
        self._release = release

    def _key(self, fmt: str, lang: str) -> str:
        return f"public-{self._database}-{fmt}-{lang}"

    def _path(self, key: str, fmt: str, version: str) -> Path:
        made_of = chr(0).join((version, self._release, self._variant))
        return self.directory / f"{key}.{_digest(made_of)}.{fmt}"

    def open(self, fmt: str, lang: str, version: str) -> CachedFile | None:
        """The stored file of this version, opened, or None when there is none yet."""
        path = self._path(self._key(fmt, lang), fmt, version)
        try:
            file = path.open("rb")
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("export cache: cannot read %s (%s); building the export instead", path, exc)
            return None
        return CachedFile(file, os.fstat(file.fileno()).st_size)

    def start_build(self, fmt: str, lang: str) -> CacheBuild | None:
        """The right to build this format's file, ``ExportsBusy`` when another request builds it,
        or None when the directory cannot be used (the export is then sent without being kept)."""
        key = self._key(fmt, lang)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = os.open(self.directory / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            logger.warning("export cache: cannot use %s (%s); exports are not kept", self.directory, exc)
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            raise ExportsBusy(
                f"the full {fmt.upper()} export is being prepared for another request; it will be "
                "served from the cache once ready",
                retry_after=BUILD_RETRY_AFTER,
            ) from None
        return CacheBuild(self, key, fmt, lock)


class CacheBuild:
    """One build of a cached export: owns the lock until ``tee`` ends or ``abandon`` is called."""

    def __init__(self, cache: ExportCache, key: str, fmt: str, lock: int) -> None:
        self._cache = cache
        self._key = key
        self._fmt = fmt
        self._lock: int | None = lock
        self.part = cache.directory / f"{key}.part"

    def tee(self, chunks: Iterator[bytes], version: Callable[[], str | None]) -> Iterator[bytes]:
        """Send ``chunks`` on while writing them to the part file; store it once all went through.

        ``version`` gives the data version the export read (known once its snapshot began): the
        file is stored under it, even if the data changed since the request was answered."""
        out: BinaryIO | None = None
        try:
            out = self._attempt("open", self._open_part)
            for chunk in chunks:
                if out is not None and self._attempt("write", partial(out.write, chunk)) is None:
                    self._close(out)
                    out = None
                yield chunk
            read = version()
            if out is not None and read is not None:
                self._attempt("store", partial(self._store, out, read))
        finally:
            if out is not None:
                self._close(out)
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # the export's own transaction and temporary files, when it was cut short
            with suppress(OSError):
                self.part.unlink()
            self.abandon()

    def _open_part(self) -> BinaryIO:
        return self.part.open("wb")

    def _store(self, out: BinaryIO, version: str) -> None:
        out.flush()
        os.fsync(out.fileno())
        out.close()
        final = self._cache._path(self._key, self._fmt, version)
        os.replace(self.part, final)
        for old in self._cache.directory.glob(f"{self._key}.*.{self._fmt}"):
            if old != final:
                with suppress(FileNotFoundError):
                    old.unlink()

    def _attempt(self, what: str, step: Callable[[], _T]) -> _T | None:
        """A step of keeping the file; on a disk error None (the export goes on, not kept)."""
        try:
            return step()
        except OSError as exc:
            logger.warning("export cache: cannot %s %s (%s); this export is not kept", what, self.part, exc)
            return None

    @staticmethod
    def _close(out: BinaryIO) -> None:
        with suppress(OSError):
            out.close()

    def abandon(self) -> None:
        """Give the lock back without storing anything (idempotent)."""
        lock, self._lock = self._lock, None
        if lock is not None:
            os.close(lock)  # closing the descriptor releases the flock
