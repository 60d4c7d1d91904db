"""``nrtd storage strip-metadata``: photos stored before uploads lost their metadata, rewritten without it.

Each stored JPEG, PNG or WebP content is written again by the upload's own code
(app/evidence/metadata.py) into a temporary file of the store, flushed to disk and renamed to its new
hash's name (``BlobStore.keep``); only then are the rows that named the old content moved to the new
one (size and hash), each audited as ``evidence.strip``, and committed, one content at a time; the old
file is removed last, once no row names it. Killed at any moment, every row names a file that is
there, the old one or the new one: what is left is an orphan (the new file before the commit, the old
one after it), which ``nrtd storage check --repair`` removes. A content that is already without
metadata is written to the same bytes, so a second run changes nothing. One whose structure cannot be
followed (``metadata.Unreadable``) is left as it is and reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.evidence import metadata
from app.evidence.storage import BlobStore, Received
from app.models import EvidenceFile


class Outcome(Enum):
    CLEANED = "cleaned"
    CLEAN = "already clean"
    UNREADABLE = "unreadable"
    MISSING = "missing"


@dataclass(frozen=True)
class StoredPhoto:
    """One stored content of a stripped kind, and the rows that name it."""

    sha256: str
    media_type: str
    evidence_ids: tuple[int, ...]


@dataclass
class CleaningReport:
    cleaned: int = 0
    clean: int = 0
    rows_changed: int = 0
    unreadable: list[tuple[StoredPhoto, str]] = field(default_factory=list)
    missing: list[StoredPhoto] = field(default_factory=list)


class _Digest:
    """A sink that keeps only the hash and size of what is written to it (a dry run writes nothing)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def stored_photos(session: Session) -> list[StoredPhoto]:
    """Every stored content that evidence rows of a stripped kind name, oldest row first."""
    rows = session.execute(
        select(EvidenceFile.id, EvidenceFile.sha256, EvidenceFile.media_type)
        .where(EvidenceFile.media_type.in_(metadata.STRIPPED))
        .order_by(EvidenceFile.id)
    ).all()
    named: dict[str, tuple[str, list[int]]] = {}
    for row in rows:
        named.setdefault(row.sha256, (row.media_type, []))[1].append(row.id)
    return [StoredPhoto(sha, kind, tuple(ids)) for sha, (kind, ids) in named.items()]


def stripped_copy(store: BlobStore, photo: StoredPhoto, *, dry_run: bool) -> Outcome | Received:
    """The photo's content without its metadata, in a temporary file of the store (not made on a dry
    run, nor when the content has none: its outcome then). ``Unreadable`` propagates."""
    source = store.path_of(photo.sha256)
    if not source.is_file():
        return Outcome.MISSING
    probe = _Digest()
    metadata.write_stripped(source, photo.media_type, probe)
    if probe.digest.hexdigest() == photo.sha256:
        return Outcome.CLEAN
    if dry_run:
        return Outcome.CLEANED
    return store.write_temporary(lambda out: metadata.write_stripped(source, photo.media_type, out))


def move_rows(session: Session, actor: Actor, old_sha256: str, new: Received) -> int:
    """The rows naming ``old_sha256`` now name the stripped content ``new`` (already stored), each
    audited; how many. The caller commits."""
    rows = session.scalars(select(EvidenceFile).where(EvidenceFile.sha256 == old_sha256)).all()
    for row in rows:
        before = {"size": row.size, "sha256": row.sha256}
        row.size, row.sha256 = new.size, new.sha256
        session.flush()
        record(
            session,
            actor,
            "evidence.strip",
            "evidence_file",
            row.id,
            before=before,
            after={"size": new.size, "sha256": new.sha256},
        )
    return len(rows)


def remove_unnamed(session: Session, store: BlobStore, sha256: str, since: float) -> None:
    """Remove the old content once committed rows no longer name it (another may have been attached
    with it meanwhile: then it stays; an upload refreshing it after ``since`` keeps it too)."""
    still_named = session.scalar(select(EvidenceFile.id).where(EvidenceFile.sha256 == sha256).limit(1))
    if still_named is None:
        store.remove_orphan(store.path_of(sha256), since)
