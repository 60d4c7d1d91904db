"""``nrtd storage check``: do the evidence rows and the stored files agree?

Two kinds of trouble, both reported, both repaired with ``--repair``:
- a row whose content is missing (the storage directory was lost, restored from an older backup, or
  edited by hand): the file cannot be served. Repair removes the row, audited as ``evidence.lost``
  with its name, size and hash (so the fact that a file was attached stays in the audit trail), and
  the focal point attaches it again.
- a stored file no row names (an upload that failed or was killed after its content was stored, a
  removed file): an orphan. Repair removes those older than the grace period; younger ones may be
  uploads whose row is about to be committed, and are only counted.
Temporary files of uploads (``tmp/``) older than the grace period are left by failed or killed
uploads: repair removes them too.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.counts import count_of
from app.evidence.storage import BlobStore
from app.models import EvidenceFile


@dataclass(frozen=True)
class MissingContent:
    id: int
    progress_update_id: int
    filename: str
    size: int
    sha256: str


@dataclass
class StorageReport:
    rows: int = 0
    stored: int = 0
    missing: list[MissingContent] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    recent_orphans: int = 0
    temporaries: list[Path] = field(default_factory=list)
    recent_temporaries: int = 0

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.orphans or self.temporaries)

    @property
    def nothing_found(self) -> bool:
        """Rows exist and not one of their files is in the store: a storage directory set wrong or
        not mounted, far likelier than every file lost. Repair would remove every row."""
        return self.rows > 0 and len(self.missing) == self.rows


def storage_not_mounted(conn: Connection | Session, store: BlobStore) -> str | None:
    """Why the evidence files cannot be served, when rows name files but the storage directory is
    missing or holds none: a volume not mounted or NRTD_STORAGE_DIR set wrong (every download would be
    a 404 and every upload land where the others are not). Cheap enough for each readiness check: one
    indexed look at the table, and the directory's first file. One lost file is not this: ``nrtd
    storage check`` finds those."""
    if conn.execute(select(EvidenceFile.id).limit(1)).first() is None:
        return None
    try:
        if not store.root.is_dir():
            where = f"{store.root} does not exist"
        elif next(store.stored(), None) is None:
            where = f"{store.root} holds none"
        else:
            return None
    except OSError as exc:  # no permission to list it, a stale network mount
        where = f"{store.root} cannot be read ({exc.strerror or exc})"
    rows = conn.execute(select(func.count()).select_from(EvidenceFile)).scalar_one()
    return (
        f"{count_of(rows, 'evidence row')} {'names' if rows == 1 else 'name'} a stored file but the "
        f"storage directory (NRTD_STORAGE_DIR) {where}: "
        "is its volume mounted? `nrtd storage check` tells more"
    )


def storage_not_writable(store: BlobStore) -> str | None:
    """Why no upload could be stored: a directory it writes into (``tmp/``, ``evidence/``), or the
    nearest folder above it while it is still to be made, cannot be written by this process (a volume
    mounted read-only or owned by another user) or is a file. Every upload would fail with "tell the
    administrator"; the first to know would be a focal point. Cheap enough for each readiness check:
    a few stat and access calls, nothing written. None when uploads can be stored."""
    for target in (store.temp, store.blobs):
        try:
            existing = target
            while not existing.exists() and existing != existing.parent:
                existing = existing.parent
            if not existing.is_dir():
                return (
                    f"the storage directory (NRTD_STORAGE_DIR) {store.root} cannot be made: {existing} is a "
                    "file. Every evidence upload would fail"
                )
        except OSError as exc:  # a folder above it that cannot be searched, a stale network mount
            existing, why = target, f"cannot be read ({exc.strerror or exc})"
        else:
            # access() answers for the process's user and says no on a read-only file system.
            if os.access(existing, os.W_OK | os.X_OK):
                continue
            why = "cannot be written by this process (its user, or a file system mounted read-only)"
        return (
            f"the storage directory (NRTD_STORAGE_DIR) {store.root} cannot be written: {existing} {why}. "
            "Every evidence upload would fail"
        )
    return None


def check_storage(session: Session, store: BlobStore, grace_seconds: float) -> StorageReport:
    report = StorageReport()
    cutoff = time.time() - grace_seconds
    rows = session.execute(
        select(
            EvidenceFile.id,
            EvidenceFile.progress_update_id,
            EvidenceFile.filename,
            EvidenceFile.size,
            EvidenceFile.sha256,
        ).order_by(EvidenceFile.id)
    ).all()
    report.rows = len(rows)
    named = {row.sha256 for row in rows}
    for row in rows:
        if not store.exists(row.sha256):
            report.missing.append(MissingContent(*row))
    for sha256, path in store.stored():
        report.stored += 1
        if sha256 in named:
            continue
        if _mtime(path) < cutoff:
            report.orphans.append(path)
        else:
            report.recent_orphans += 1
    for path in store.temporaries():
        if _mtime(path) < cutoff:
            report.temporaries.append(path)
        else:
            report.recent_temporaries += 1
    return report


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()  # gone meanwhile: nothing to remove


def repair_storage(
    session: Session, actor: Actor, store: BlobStore, report: StorageReport, grace_seconds: float
) -> int:
    """Fix what ``report`` found; returns how many things were removed (rows and files)."""
    removed = 0
    for missing in report.missing:
        row = session.get(EvidenceFile, missing.id)
        if row is None or store.exists(row.sha256):
            continue  # removed, or its content came back, since the check
        before = {
            "progress_update_id": row.progress_update_id,
            "filename": row.filename,
            "size": row.size,
            "sha256": row.sha256,
        }
        session.delete(row)
        session.flush()
        record(session, actor, "evidence.lost", "evidence_file", missing.id, before=before)
        removed += 1
    cutoff = time.time() - grace_seconds
    for path in report.orphans:
        still_named = session.scalar(select(EvidenceFile.id).where(EvidenceFile.sha256 == path.name).limit(1))
        if still_named is None and store.remove_orphan(path, cutoff):
            removed += 1
    for path in report.temporaries:
        if _mtime(path) < cutoff:
            store.remove(path)
            removed += 1
    return removed
