"""Evidence files of progress updates: attach (checked, stored by hash), list, read, remove.

Who may do what is the progress update's rule (app/plans/progress/service.py): whoever may read the
update may list and download its files; whoever may edit it (its author's entity, or a coordinator,
while it is a draft or returned) may attach and remove them. The public sees a file only through
app/public/evidence.py, when its update is public.

Crash safety: the content is complete on disk (``BlobStore.keep``) before its row is written, and the
row commits with the request. A request that fails or is killed after the rename leaves a file no row
names: an orphan, which ``nrtd storage check --repair`` removes once older than its grace period
(app/evidence/check.py). Removing a file's row leaves its content to the same repair: another row may
share it, or an upload of the same content may be about to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import jsonable, record, unused_id
from app.core.actor import Actor
from app.core.catalogue import Quantity, Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, ContentTooLarge, DomainError, InvalidInput, NotFound, StorageUnavailable
from app.core.upload_names import sent_name
from app.evidence import metadata
from app.evidence.content import ContentCheck, Refused
from app.evidence.names import safe_filename
from app.evidence.reading import evidence_of, evidence_out
from app.evidence.schemas import EvidenceList, EvidenceOut
from app.evidence.storage import BlobStore, Received, TooLarge
from app.models import EvidenceFile, ProgressUpdate
from app.plans.progress import service as progress

MAX_FILES_PER_UPDATE = 20
log = logging.getLogger("nrtd.evidence")
_AUDITED = ("progress_update_id", "filename", "media_type", "size", "sha256")


def size_limit(max_bytes: int) -> Reason:
    """The largest file as people read it, "25 MB" ("25 Mo" on a French page), rounded down so that
    it never promises more than is taken; below a megabyte, in kilobytes."""
    megabytes, kilobytes = divmod(max_bytes, 1024 * 1024)[0], max(1, max_bytes // 1024)
    if megabytes:
        return Reason(_("%(size)s MB"), size=Quantity(megabytes))
    return Reason(_("%(size)s KB"), size=Quantity(kilobytes))


def too_large_reason(max_bytes: int) -> str:
    return Reason(
        _("is larger than %(size)s, the largest evidence file this server accepts"),
        size=size_limit(max_bytes),
    )


def _not_stored(store: BlobStore, exc: OSError) -> StorageUnavailable:
    """A disk that is full, read-only or not mounted: the uploader is told that nothing was attached
    and that the administrator must act; the log names the directory and the system's reason."""
    log.error("evidence file not stored: NRTD_STORAGE_DIR %s cannot be written (%s)", store.root, exc)
    reason = Reason(
        _(
            "could not be stored: the server's storage is full or cannot be written. Nothing was attached; "
            "tell the administrator"
        )
    )
    return StorageUnavailable(f"the file {reason}", errors=[{"field": "file", "reason": reason}])


def _snapshot(row: EvidenceFile) -> dict[str, Any]:
    return {name: jsonable(getattr(row, name)) for name in _AUDITED}


def _not_found(evidence_id: int) -> str:
    return Reason(_("evidence file %(id)s does not exist"), id=evidence_id)


def _load(session: Session, evidence_id: int) -> EvidenceFile:
    row = session.get(EvidenceFile, evidence_id)
    if row is None:
        raise NotFound(_not_found(evidence_id))
    return row


def _of_update(
    session: Session, actor: Actor, evidence_id: int, update: Callable[[Session, Actor, int], object]
) -> EvidenceFile:
    """The row, once ``update`` (``progress.readable`` or ``editable``) lets ``actor`` at its update; an
    update another entity's, answered as one that does not exist, makes the file one that does not
    exist too, in the file's words (the update's would tell a file's id from a free one)."""
    row = _load(session, evidence_id)
    try:
        update(session, actor, row.progress_update_id)
    except NotFound as exc:
        raise NotFound(_not_found(evidence_id), persist=exc.persist) from None
    return row


def _without_metadata(store: BlobStore, received: Received, media_type: str) -> Received:
    """The photo rewritten without its EXIF (GPS), XMP and comments (app/evidence/metadata.py)."""
    try:
        return store.rewrite(received, lambda out: metadata.write_stripped(received.temp, media_type, out))
    except metadata.Unreadable as exc:
        store.discard(received)
        raise InvalidInput(
            f"the file is refused: {exc}", errors=[{"field": "file", "reason": exc.args[0]}]
        ) from None
    except OSError as exc:
        store.discard(received)
        raise _not_stored(store, exc) from None


def _held(session: Session, progress_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(EvidenceFile)
            .where(EvidenceFile.progress_update_id == progress_id)
        )
        or 0
    )


def _ensure_room(session: Session, update: ProgressUpdate) -> None:
    if _held(session, update.id) >= MAX_FILES_PER_UPDATE:
        full = Reason(
            _("a progress update holds at most %(count)s files; remove one first"), count=MAX_FILES_PER_UPDATE
        )
        raise Conflict(full, errors=[{"field": "file", "reason": full}])


def _ensure_new(session: Session, update: ProgressUpdate, sha256: str, filename: str | None) -> None:
    """The same bytes (under any name) attached twice to one update would be listed twice: refused
    (409 naming ``file``), naming the file it repeats. Another update may hold the same content."""
    held = session.scalar(
        select(EvidenceFile.filename)
        .where(EvidenceFile.progress_update_id == update.id, EvidenceFile.sha256 == sha256)
        .order_by(EvidenceFile.id)
        .limit(1)
    )
    if held is not None:
        reason = Reason(
            _("is the same file as %(name)s, already attached to this progress update"), name=held
        )
        raise Conflict(
            f"the file {sent_name(filename)} {reason}", errors=[{"field": "file", "reason": reason}]
        )


def check_room(session: Session, actor: Actor, progress_id: int, adding: int) -> None:
    """Before ``adding`` files are attached at once (the workspace's form): refused (409 naming
    ``file``) with how many the update still takes when they would pass its limit, rather than at the
    first one over it with "remove one first" while some could be attached."""
    held = _held(session, progress.editable(session, actor, progress_id).id)
    if held < MAX_FILES_PER_UPDATE < held + adding:
        reason = Reason(
            _(
                "This update holds %(held)s files and takes at most %(count)s: choose at most %(room)s, "
                "or remove some first."
            ),
            held=held,
            count=MAX_FILES_PER_UPDATE,
            room=MAX_FILES_PER_UPDATE - held,
        )
        raise Conflict(reason, errors=[{"field": "file", "reason": reason}])


def attach(
    session: Session,
    actor: Actor,
    store: BlobStore,
    progress_id: int,
    source: BinaryIO,
    filename: str | None,
    max_bytes: int,
) -> EvidenceOut:
    """Check who and the update's state, stream the file into the store (hashing and checking its
    content on the way), then record it. Refusals name the field ``file`` and the reason."""
    _ensure_room(session, progress.editable(session, actor, progress_id))
    check = ContentCheck()
    try:
        received = store.receive(source, max_bytes, check)
    except TooLarge:
        reason = too_large_reason(max_bytes)
        raise ContentTooLarge(f"the file {reason}", errors=[{"field": "file", "reason": reason}]) from None
    except OSError as exc:  # receive removed its partial file
        raise _not_stored(store, exc) from None
    try:
        kind = check.kind(filename)
    except Refused as exc:
        store.discard(received)
        raise InvalidInput(
            f"the file is refused: {exc}", errors=[{"field": "file", "reason": exc.args[0]}]
        ) from None
    if kind.media_type in metadata.STRIPPED:
        received = _without_metadata(store, received, kind.media_type)
    try:
        # Checked again, locked: the update may have been submitted (even approved and published) by
        # another request while the file was read, or given its last files; it stays as it is until
        # this one commits.
        update = progress.editable(session, actor, progress_id, lock=True)
        _ensure_room(session, update)
        _ensure_new(session, update, received.sha256, filename)
    except DomainError:
        store.discard(received)
        raise
    try:
        store.keep(received)
    except OSError as exc:
        with suppress(OSError):  # what is left, `nrtd storage check --repair` removes
            store.discard(received)
        raise _not_stored(store, exc) from None
    row = EvidenceFile(
        progress_update_id=update.id,
        filename=safe_filename(filename, kind.extension),
        media_type=kind.media_type,
        size=received.size,
        sha256=received.sha256,
        uploaded_by_id=actor.user_id,
    )
    fresh = unused_id(session, EvidenceFile.id, "evidence_file")  # never a removed file's id (SQLite)
    if fresh is not None:
        row.id = fresh
    session.add(row)
    session.flush()
    record(session, actor, "evidence.add", "evidence_file", row.id, after=_snapshot(row))
    return evidence_out(row)


def list_evidence(session: Session, actor: Actor, progress_id: int) -> EvidenceList:
    update = progress.readable(session, actor, progress_id)
    items = evidence_of(session, [update.id]).get(update.id, [])
    return EvidenceList(items=items, total=len(items))


def readable_file(session: Session, actor: Actor, evidence_id: int) -> EvidenceFile:
    """The row, if ``actor`` may read its progress update (404 otherwise, like the update)."""
    return _of_update(session, actor, evidence_id, progress.readable)


def get_evidence(session: Session, actor: Actor, evidence_id: int) -> EvidenceOut:
    return evidence_out(readable_file(session, actor, evidence_id))


def remove(session: Session, actor: Actor, evidence_id: int) -> None:
    """Detach a file from an update that may still be changed (a draft or returned)."""
    row = _of_update(
        session,
        actor,
        evidence_id,
        lambda db, who, update_id: progress.editable(db, who, update_id, lock=True),
    )
    before = _snapshot(row)
    session.delete(row)
    session.flush()
    record(session, actor, "evidence.remove", "evidence_file", evidence_id, before=before)


MISSING_CONTENT = _(
    "the content of evidence file %(id)s is missing from storage "
    "(an administrator's `nrtd storage check` reports it)"
)


def stored_path(store: BlobStore, row: EvidenceFile) -> str:
    """Where the row's content is; NotFound when it is missing (``nrtd storage check`` reports it)."""
    path = store.path_of(row.sha256)
    if not path.is_file():
        # In the reader's language on a page: a Reason, not an f-string.
        raise NotFound(Reason(MISSING_CONTENT, id=row.id))
    return str(path)
