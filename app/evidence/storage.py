"""The evidence files' content on disk, under ``NRTD_STORAGE_DIR``, named by its SHA-256.

``<dir>/evidence/ab/cd/abcd...`` holds the content whose hash is ``abcd...``; ``<dir>/tmp/`` holds the
uploads being received. An upload is streamed into a temporary file in that directory (hashed and
checked piece by piece, never held whole in memory), flushed to disk, then renamed to its hash's name
in one step: a stored file is always complete. The same content received again only refreshes the
stored file's time (see ``remove_orphan``). Nothing here knows the database: the rows that
point at the files are the service's (app/evidence/service.py), and ``nrtd storage check``
(app/evidence/check.py) compares the two.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024
TEMP_SUFFIX = ".part"
REMOVING_SUFFIX = ".removing"
_HASH = re.compile(r"[0-9a-f]{64}")


class TooLarge(Exception):
    """The upload passed the size limit; nothing of it is kept."""


class Inspector(Protocol):
    def feed(self, chunk: bytes) -> None: ...


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class Received:
    """An upload written to a temporary file, hashed; ``keep`` moves it to its place."""

    temp: Path
    sha256: str
    size: int


class _Hashing:
    """A file being written, hashed and counted on the way."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.out.write(data)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "evidence"
        self.temp = self.root / "tmp"

    def path_of(self, sha256: str) -> Path:
        if not _HASH.fullmatch(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def receive(self, source: BinaryIO, max_bytes: int, inspector: Inspector) -> Received:
        """Copy ``source`` into a temporary file in the store, piece by piece, hashing and showing each
        piece to ``inspector``; ``TooLarge`` (and nothing left behind) past ``max_bytes``."""
        self.temp.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.temp, prefix="upload-", suffix=TEMP_SUFFIX)
        temp = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"the file is larger than {max_bytes} bytes")
                    digest.update(chunk)
                    inspector.feed(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return Received(temp, digest.hexdigest(), size)

    def rewrite(self, received: Received, write: Callable[[Sink], None]) -> Received:
        """The received file replaced by what ``write`` writes to the file it is given (hashed again),
        e.g. a photo without its metadata; on failure the new file is removed and ``received`` kept
        (for the caller to discard)."""
        written = self.write_temporary(write)
        received.temp.unlink(missing_ok=True)
        return written

    def write_temporary(self, write: Callable[[Sink], None]) -> Received:
        """What ``write`` writes to the file it is given, in a temporary file of the store, hashed and
        flushed to disk; ``keep`` moves it to its place. On failure nothing is left behind."""
        self.temp.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.temp, prefix="upload-", suffix=TEMP_SUFFIX)
        temp = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                hashing = _Hashing(out)
                write(hashing)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return Received(temp, hashing.digest.hexdigest(), hashing.size)

    def discard(self, received: Received) -> None:
        received.temp.unlink(missing_ok=True)

    def keep(self, received: Received) -> Path:
        """Move the received file to its hash's name (atomically), or, when that content is already
        stored, drop the copy and refresh the stored file's time (so that a check running now does not
        take it for an orphan before its row is committed)."""
        target = self.path_of(received.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            try:
                os.utime(target)
            except FileNotFoundError:
                pass  # removed as an orphan meanwhile (``remove_orphan``): this copy takes its place
            else:
                received.temp.unlink(missing_ok=True)
                return target
        os.replace(received.temp, target)
        _fsync_dir(target.parent)
        return target

    def open(self, sha256: str) -> BinaryIO:
        return self.path_of(sha256).open("rb")

    def stored(self) -> Iterator[tuple[str, Path]]:
        """Every stored file: its hash and path (anything else in the directory is not ours)."""
        if not self.blobs.is_dir():
            return
        for path in self.blobs.glob("*/*/*"):
            if path.is_file() and _HASH.fullmatch(path.name) and path.parent.parent.name == path.name[:2]:
                yield path.name, path

    def temporaries(self) -> Iterator[Path]:
        """Uploads being received, or left by one that failed or was killed (and orphans being removed)."""
        if self.temp.is_dir():
            yield from (path for path in self.temp.iterdir() if path.is_file())

    def remove_orphan(self, path: Path, older_than: float) -> bool:
        """Remove a stored file no row names, unless an upload of the same content refreshed its time
        (its row is about to be committed). It is first moved aside, so that such an upload either
        refreshed it before (it is moved back) or finds it gone and stores its own copy."""
        self.temp.mkdir(parents=True, exist_ok=True)
        aside = self.temp / f"{path.name}{REMOVING_SUFFIX}"
        try:
            os.replace(path, aside)
        except FileNotFoundError:
            return False
        if aside.stat().st_mtime >= older_than:
            os.replace(aside, path)
            return False
        aside.unlink()
        return True

    def remove(self, path: Path) -> None:
        with suppress(FileNotFoundError):
            path.unlink()
