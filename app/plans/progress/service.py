"""Progress updates: written by focal points, submitted, then approved (and published) or returned.

State machine: draft -> submitted; returned -> submitted; submitted -> approved | returned.
Publishing applies to approved updates only; only approved and published updates ever reach
the public (see ``reading.published_progress``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import changed, jsonable, record, unused_id
from app.auth.permissions import NOT_YOURS, hidden
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.dates import not_in_future
from app.core.errors import Conflict, NotFound
from app.core.etag import check_if_match, etag
from app.core.row_locks import lock_for_write
from app.evidence.reading import evidence_of
from app.evidence.schemas import EvidenceOut
from app.models import EvidenceFile, ProgressUpdate
from app.models.plan import ProgressState
from app.plans import publishing
from app.plans.actions.store import change_status, ensure_own_action, load_action, owns_action
from app.plans.authorship import ensure_author_entity, ensure_key_writes_for_lead, written_by_entity
from app.plans.progress.reading import status_kept
from app.plans.progress.schemas import (
    ApproveBody,
    ProgressCreate,
    ProgressList,
    ProgressOut,
    ProgressPatch,
    ProgressReviewOut,
    PublishBody,
    ReturnBody,
)
from app.plans.schemas import NotPublicParent
from app.plans.states import is_state

EDITABLE_STATES: tuple[ProgressState, ...] = ("draft", "returned")
_FIELDS = ("reported_on", "narrative", "new_status", "evidence_url")
_REVIEW = ("state", "review_comment", "reviewed_by_id", "reviewed_at", "published", "published_at")


def _out(session: Session, update: ProgressUpdate, files: list[EvidenceOut] | None = None) -> ProgressOut:
    out = ProgressOut.model_validate(update, from_attributes=True)
    out.evidence = evidence_of(session, [update.id]).get(update.id, []) if files is None else files
    return out


def _with_etag(session: Session, update: ProgressUpdate) -> tuple[ProgressOut, str]:
    return _out(session, update), etag(update.version)


def _snapshot(update: ProgressUpdate, fields: Iterable[str]) -> dict[str, Any]:
    return {name: jsonable(getattr(update, name)) for name in fields}


def _not_found(progress_id: int) -> str:
    return Reason(_("progress update %(id)s does not exist"), id=progress_id)


def _load(session: Session, progress_id: int) -> ProgressUpdate:
    update = session.get(ProgressUpdate, progress_id)
    if update is None:
        raise NotFound(_not_found(progress_id))
    return update


def readable(session: Session, actor: Actor, progress_id: int) -> ProgressUpdate:
    """The update, if ``actor`` may read it: managers any; a focal point those of the actions led or
    supported by their entity. Another entity's update answers as one that does not exist (404,
    audited): its drafts are not revealed. Its evidence files follow the same rule."""
    update = _load(session, progress_id)
    if not owns_action(session, actor, load_action(session, update.action_id)):
        why = NOT_YOURS["progress_update"]
        raise hidden(actor, _not_found(progress_id), why, "progress_update", update.id)
    return update


def editable(session: Session, actor: Actor, progress_id: int, *, lock: bool = False) -> ProgressUpdate:
    """The update, if ``actor`` may change it now (its text or its evidence files): as for editing,
    written in their entity (managers any), and still a draft or returned (409 otherwise). ``lock``:
    locked and read again first, so that no submission or approval commits before the change does."""
    update = readable(session, actor, progress_id)
    _ensure_author_entity(session, actor, update)
    if lock:
        lock_for_write(session, update)
    if update.state not in EDITABLE_STATES:
        raise Conflict(
            f"a progress update can be changed only while draft or returned; this one is {update.state}",
            errors=[{"field": "state", "reason": is_state(update.state)}],
        )
    return update


def _touch(session: Session, update: ProgressUpdate) -> None:
    update.updated_at = datetime.now(UTC)
    session.flush()


def latest_approved(session: Session, action_id: int) -> ProgressOut | None:
    update = session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.action_id == action_id, ProgressUpdate.state == "approved")
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        .limit(1)
    ).first()
    return _out(session, update) if update else None


def list_progress(session: Session, action_id: int, actor: Actor | None = None) -> ProgressList:
    """An action's updates; with ``actor``, only if they may read them (see ``readable``)."""
    action = load_action(session, action_id)
    if actor is not None:
        ensure_own_action(session, actor, action)
    rows = list(
        session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action_id)
            .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        )
    )
    files = evidence_of(session, [row.id for row in rows])
    items = [_out(session, row, files.get(row.id, [])) for row in rows]
    return ProgressList(items=items, total=len(items))


def get_progress(session: Session, progress_id: int, actor: Actor | None = None) -> tuple[ProgressOut, str]:
    """One update and its ETag; with ``actor``, only if they may read it (see ``readable``)."""
    update = _load(session, progress_id) if actor is None else readable(session, actor, progress_id)
    return _with_etag(session, update)


def create_progress(
    session: Session, actor: Actor, action_id: int, body: ProgressCreate
) -> tuple[ProgressOut, str]:
    action = load_action(session, action_id)
    ensure_own_action(session, actor, action)
    ensure_key_writes_for_lead(actor, action.lead_entity_id, "action", action.id)
    not_in_future(body.reported_on, "reported_on")
    update = ProgressUpdate(
        action_id=action.id,
        reported_on=body.reported_on,
        narrative=body.narrative,
        new_status=body.new_status,
        evidence_url=body.evidence_url,
        author_id=actor.user_id,
        state="submitted" if body.submit else "draft",
        published=False,
    )
    fresh = unused_id(session, ProgressUpdate.id, "progress_update")
    if fresh is not None:
        update.id = fresh
    session.add(update)
    session.flush()
    after = {"action_id": action.id, **_snapshot(update, (*_FIELDS, "state"))}
    record(session, actor, "progress.create", "progress_update", update.id, after=after)
    if body.submit:
        # Submitted at once: the trail shows the submission like any other (who put it before review).
        record(session, actor, "progress.submit", "progress_update", update.id, after={"state": "submitted"})
    return _with_etag(session, update)


def _lead_entity_id(session: Session, update: ProgressUpdate) -> int | None:
    return load_action(session, update.action_id).lead_entity_id


def written_here(session: Session, actor: Actor, update: ProgressUpdate) -> bool:
    """Whether ``actor`` may speak for the update's author: a manager, or its author's entity."""
    return written_by_entity(session, actor, update.author_id, _lead_entity_id(session, update))


def _ensure_author_entity(session: Session, actor: Actor, update: ProgressUpdate) -> None:
    """A focal point edits the updates written in their entity, not another entity's draft."""
    ensure_author_entity(
        session,
        actor,
        update.author_id,
        _lead_entity_id(session, update),
        "progress update",
        "progress_update",
        update.id,
    )


def update_progress(
    session: Session, actor: Actor, progress_id: int, body: ProgressPatch, if_match: str | None
) -> tuple[ProgressOut, str]:
    update = readable(session, actor, progress_id)
    _ensure_author_entity(session, actor, update)
    lock_for_write(session, update)
    check_if_match(if_match, etag(update.version))
    if update.state not in EDITABLE_STATES:
        raise Conflict(
            f"a progress update can be edited only while draft or returned; this one is {update.state}"
        )
    before = _snapshot(update, _FIELDS)
    sent = body.model_fields_set
    if "reported_on" in sent and body.reported_on is not None:
        not_in_future(body.reported_on, "reported_on")
        update.reported_on = body.reported_on
    if "narrative" in sent and body.narrative is not None:
        update.narrative = body.narrative
    if "new_status" in sent:
        update.new_status = body.new_status
    if "evidence_url" in sent:
        update.evidence_url = body.evidence_url
    old, new = changed(before, _snapshot(update, _FIELDS))
    if new:
        _touch(session, update)
        record(session, actor, "progress.update", "progress_update", update.id, before=old, after=new)
    return _with_etag(session, update)


def deletable(
    session: Session, actor: Actor, progress_id: int, if_match: str | None = None
) -> ProgressUpdate:
    """The update, if ``actor`` may delete it: a draft (never sent on, so no reviewer saw it) written
    in their entity (managers any); refused otherwise, as ``delete_progress`` would be."""
    update = readable(session, actor, progress_id)
    _ensure_author_entity(session, actor, update)
    lock_for_write(session, update)
    if if_match is not None:
        check_if_match(if_match, etag(update.version))
    if update.state != "draft":
        raise Conflict(
            f"only a draft progress update can be deleted; this one is {update.state}",
            errors=[{"field": "state", "reason": is_state(update.state)}],
        )
    return update


def delete_progress(session: Session, actor: Actor, progress_id: int, if_match: str | None) -> None:
    """Delete a draft and its evidence files' rows (each audited as removed; their content is left to
    ``nrtd storage check --repair``, as when a file is removed: another row may share it)."""
    update = deletable(session, actor, progress_id, if_match)
    before = {"action_id": update.action_id, **_snapshot(update, (*_FIELDS, "state", "author_id"))}
    files = session.scalars(select(EvidenceFile).where(EvidenceFile.progress_update_id == update.id)).all()
    for row in files:
        audited = {name: jsonable(getattr(row, name)) for name in ("filename", "size", "sha256")}
        session.delete(row)
        record(session, actor, "evidence.remove", "evidence_file", row.id, before=audited)
    session.delete(update)
    session.flush()
    record(session, actor, "progress.delete", "progress_update", progress_id, before=before)


# Why a review step is refused from the state the update is in, by the step (``_transition``'s verb).
_ONLY = {
    "submitted": _(
        "only a progress update that is draft or returned can be submitted; this one %(is_state)s"
    ),
    "approved": _("only a progress update that is submitted can be approved; this one %(is_state)s"),
    "returned": _("only a progress update that is submitted can be returned; this one %(is_state)s"),
    "published": _("only a progress update that is approved can be published; this one %(is_state)s"),
    "unpublished": _("only a progress update that is approved can be unpublished; this one %(is_state)s"),
}


def _transition(
    session: Session,
    actor: Actor,
    progress_id: int,
    if_match: str | None,
    allowed_from: tuple[ProgressState, ...],
    verb: str,
    *,
    author_only: bool = False,
) -> tuple[ProgressUpdate, dict[str, Any]]:
    """Load, check who and which version, refuse a transition from the wrong state (409).

    ``author_only``: submitting puts a text before the reviewers in its author's name, so, like
    editing, it is for the author's entity; a supporting entity's focal point may read the draft
    of the lead entity but not send it on."""
    update = readable(session, actor, progress_id)
    if author_only:
        _ensure_author_entity(session, actor, update)
    lock_for_write(session, update)
    if if_match is not None:
        check_if_match(if_match, etag(update.version))
    if update.state not in allowed_from:
        # In the reader's language: a page (the review queue's several at once) shows it as it is.
        raise Conflict(
            Reason(_ONLY[verb], is_state=Reason(is_state(update.state))),
            errors=[{"field": "state", "reason": is_state(update.state)}],
        )
    return update, _snapshot(update, _REVIEW)


def _finish(
    session: Session, actor: Actor, update: ProgressUpdate, action: str, before: dict[str, Any]
) -> tuple[ProgressOut, str]:
    _touch(session, update)
    old, new = changed(before, _snapshot(update, _REVIEW))
    record(session, actor, action, "progress_update", update.id, before=old, after=new)
    return _with_etag(session, update)


def submit(session: Session, actor: Actor, progress_id: int, if_match: str | None) -> tuple[ProgressOut, str]:
    update, before = _transition(
        session, actor, progress_id, if_match, EDITABLE_STATES, "submitted", author_only=True
    )
    update.state = "submitted"
    return _finish(session, actor, update, "progress.submit", before)


def _review(update: ProgressUpdate, actor: Actor, state: ProgressState) -> None:
    update.state = state
    update.reviewed_by_id = actor.user_id
    update.reviewed_at = datetime.now(UTC)


def _reviewed(
    session: Session, actor: Actor, update: ProgressUpdate, publish_parents: bool, kept: str | None = None
) -> tuple[ProgressReviewOut, str]:
    """The update after an approval or publication: whether the public sees it, and what keeps it
    hidden; ``publish_parents`` publishes that first (``app.plans.publishing``)."""
    parents = publishing.not_public_parents(session, update.action_id)
    published: list[NotPublicParent] = []
    if publish_parents and parents:
        publishing.publish_parents(session, actor, parents)
        published, parents = parents, []
    out, tag = _with_etag(session, update)
    public = publishing.progress_is_public(update, load_action(session, update.action_id))
    return (
        ProgressReviewOut(
            **out.model_dump(),
            public=public,
            not_public_parents=parents,
            published_parents=published,
            status_kept=kept,
        ),
        tag,
    )


def approve(
    session: Session, actor: Actor, progress_id: int, body: ApproveBody, if_match: str | None
) -> tuple[ProgressReviewOut, str]:
    update, before = _transition(session, actor, progress_id, if_match, ("submitted",), "approved")
    _review(update, actor, "approved")
    if body.publish:
        update.published = True
        update.published_at = datetime.now(UTC)
    _finish(session, actor, update, "progress.approve", before)
    action = load_action(session, update.action_id)
    kept = status_kept(session, update, action.status)
    if update.new_status and kept is None:
        change_status(session, actor, action, update.new_status, update.id)
    return _reviewed(session, actor, update, body.publish_parents, kept)


def return_update(
    session: Session, actor: Actor, progress_id: int, body: ReturnBody, if_match: str | None
) -> tuple[ProgressOut, str]:
    update, before = _transition(session, actor, progress_id, if_match, ("submitted",), "returned")
    _review(update, actor, "returned")
    update.review_comment = body.comment
    return _finish(session, actor, update, "progress.return", before)


def set_published(
    session: Session, actor: Actor, progress_id: int, published: bool, if_match: str | None
) -> tuple[ProgressOut, str]:
    """Publish or unpublish an approved update (``publish`` below also reports on its parents)."""
    verb = "published" if published else "unpublished"
    update, before = _transition(session, actor, progress_id, if_match, ("approved",), verb)
    if update.published == published:
        raise Conflict(
            f"this progress update is already {verb}",
            errors=[
                {
                    "field": "published",
                    "reason": _("already published") if published else _("already unpublished"),
                }
            ],
        )
    update.published = published
    update.published_at = datetime.now(UTC) if published else None
    return _finish(session, actor, update, f"progress.{'publish' if published else 'unpublish'}", before)


def publish(
    session: Session, actor: Actor, progress_id: int, body: PublishBody, if_match: str | None
) -> tuple[ProgressReviewOut, str]:
    set_published(session, actor, progress_id, True, if_match)
    return _reviewed(session, actor, _load(session, progress_id), body.publish_parents)
