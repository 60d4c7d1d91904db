"""Measured values of indicators, reviewed like progress updates.

State machine: draft -> submitted; returned -> submitted; submitted -> approved | returned. A focal
point of the action's entities records, edits, deletes and submits (drafts and returned values of
their own entity); coordinators and admins approve or return, their own values included. An approved
value is never edited: ``correct`` records a new value that names it, and approving that correction
supersedes the old one, which stays in the history. Only current approved values of published
actions are public (``app.plans.indicators.reading``).
"""

from __future__ import annotations

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
from app.models import Action, Indicator, IndicatorValue
from app.models.plan import ProgressState
from app.plans import publishing
from app.plans.actions.store import ensure_own_action, entity_ids, load_action
from app.plans.authorship import ensure_author_entity, ensure_key_writes_for_lead
from app.plans.indicators.reading import current_approved
from app.plans.indicators.schemas import ValueCreate, ValueList, ValueOut, ValuePatch, ValueReviewOut
from app.plans.progress.schemas import ReturnBody
from app.plans.schemas import NotPublicParent
from app.plans.states import is_state

OBJECT = "indicator_value"
EDITABLE_STATES: tuple[ProgressState, ...] = ("draft", "returned")
SCALE_PLACES = 4
_FIELDS = ("measured_on", "value", "note")
_REVIEW = ("state", "review_comment", "reviewed_by_id", "reviewed_at", "superseded_by_id")


def value_out(value: IndicatorValue) -> ValueOut:
    return ValueOut.model_validate(value, from_attributes=True)


def _with_etag(value: IndicatorValue) -> tuple[ValueOut, str]:
    return value_out(value), etag(value.version)


def _snapshot(value: IndicatorValue, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: jsonable(getattr(value, name)) for name in fields}


def _indicator(session: Session, indicator_id: int) -> Indicator:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(Reason(_("indicator %(id)s does not exist"), id=indicator_id))
    return indicator


def _action_of(session: Session, value: IndicatorValue) -> Action:
    return load_action(session, _indicator(session, value.indicator_id).action_id)


def sees_unapproved(session: Session, actor: Actor, action: Action) -> bool:
    """Managers and focal points of the action's entities see its drafts, submitted and returned
    values; any other staff member sees only the approved ones (as if the others did not exist)."""
    return actor.is_manager or (
        actor.entity_id is not None and actor.entity_id in entity_ids(session, action)
    )


def _load(session: Session, actor: Actor, value_id: int) -> IndicatorValue:
    """The value, if ``actor`` may read it; another entity's value not approved yet answers as one that
    does not exist (404, audited): its drafts are not revealed."""
    value = session.get(IndicatorValue, value_id)
    not_found = Reason(_("indicator value %(id)s does not exist"), id=value_id)
    if value is None:
        raise NotFound(not_found)
    if value.state != "approved" and not sees_unapproved(session, actor, _action_of(session, value)):
        raise hidden(actor, not_found, NOT_YOURS[OBJECT], OBJECT, value.id)
    return value


def _ensure_writer(session: Session, actor: Actor, value: IndicatorValue) -> None:
    """A focal point of the action's entities, and of the entity that recorded the value."""
    action = _action_of(session, value)
    ensure_own_action(session, actor, action, OBJECT, value.id)
    ensure_author_entity(
        session, actor, value.created_by_id, action.lead_entity_id, "indicator value", OBJECT, value.id
    )


def _touch(session: Session, value: IndicatorValue) -> None:
    value.updated_at = datetime.now(UTC)
    session.flush()


def get_value(session: Session, actor: Actor, value_id: int) -> tuple[ValueOut, str]:
    return _with_etag(_load(session, actor, value_id))


def list_values(session: Session, actor: Actor, indicator_id: int) -> ValueList:
    """Every value of an indicator with its state, oldest first (the history: superseded ones too)."""
    indicator = _indicator(session, indicator_id)
    query = select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
    if not sees_unapproved(session, actor, load_action(session, indicator.action_id)):
        query = query.where(IndicatorValue.state == "approved")
    rows = session.scalars(query.order_by(IndicatorValue.measured_on, IndicatorValue.id))
    items = [value_out(row) for row in rows]
    return ValueList(items=items, total=len(items))


def _new_value(
    session: Session, actor: Actor, indicator: Indicator, body: ValueCreate, corrects: IndicatorValue | None
) -> tuple[ValueOut, str]:
    not_in_future(body.measured_on, "measured_on")
    value = IndicatorValue(
        indicator_id=indicator.id,
        measured_on=body.measured_on,
        value=round(body.value, SCALE_PLACES),
        note=body.note or None,
        created_by_id=actor.user_id,
        state="draft",
        corrects_id=corrects.id if corrects else None,
    )
    fresh = unused_id(session, IndicatorValue.id, OBJECT)
    if fresh is not None:
        value.id = fresh
    session.add(value)
    session.flush()
    after = {"indicator_id": indicator.id, "corrects_id": value.corrects_id, **_snapshot(value, _FIELDS)}
    record(session, actor, f"{OBJECT}.create", OBJECT, value.id, after={**after, "state": "draft"})
    if body.submit:
        value.state = "submitted"
        _touch(session, value)
        record(
            session,
            actor,
            f"{OBJECT}.submit",
            OBJECT,
            value.id,
            before={"state": "draft"},
            after={"state": "submitted"},
        )
    session.refresh(value)
    return _with_etag(value)


def record_value(
    session: Session, actor: Actor, indicator_id: int, body: ValueCreate
) -> tuple[ValueOut, str]:
    """A new value: a draft, or submitted at once (audited as a create and a submit)."""
    indicator = _indicator(session, indicator_id)
    action = load_action(session, indicator.action_id)
    ensure_own_action(session, actor, action, "indicator", indicator.id)
    ensure_key_writes_for_lead(actor, action.lead_entity_id, "indicator", indicator.id)
    return _new_value(session, actor, indicator, body, None)


def correct(session: Session, actor: Actor, value_id: int, body: ValueCreate) -> tuple[ValueOut, str]:
    """A correction of an approved value: a new value, reviewed like any other; approving it
    supersedes the old one."""
    old = _load(session, actor, value_id)
    indicator = _indicator(session, old.indicator_id)
    action = load_action(session, indicator.action_id)
    ensure_own_action(session, actor, action, OBJECT, old.id)
    ensure_key_writes_for_lead(actor, action.lead_entity_id, OBJECT, old.id)
    if old.state != "approved" or old.superseded_by_id is not None:
        state = "superseded" if old.superseded_by_id is not None else old.state
        raise Conflict(
            f"only an approved, current value is corrected by a new value; this one is {state} "
            "(edit or delete a draft or returned value instead)",
            errors=[{"field": "state", "reason": is_state(state)}],
        )
    return _new_value(session, actor, indicator, body, old)


def update_value(
    session: Session, actor: Actor, value_id: int, body: ValuePatch, if_match: str | None
) -> tuple[ValueOut, str]:
    value = _load(session, actor, value_id)
    _ensure_writer(session, actor, value)
    lock_for_write(session, value)
    check_if_match(if_match, etag(value.version))
    _ensure_state(value, EDITABLE_STATES, "edited")
    before = _snapshot(value, _FIELDS)
    sent = body.model_fields_set
    if "measured_on" in sent and body.measured_on is not None:
        not_in_future(body.measured_on, "measured_on")
        value.measured_on = body.measured_on
    if "value" in sent and body.value is not None:
        value.value = round(body.value, SCALE_PLACES)
    if "note" in sent:
        value.note = body.note or None
    old, new = changed(before, _snapshot(value, _FIELDS))
    if new:
        _touch(session, value)
        record(session, actor, f"{OBJECT}.update", OBJECT, value.id, before=old, after=new)
    session.refresh(value)
    return _with_etag(value)


def deletable(session: Session, actor: Actor, value_id: int, if_match: str | None = None) -> IndicatorValue:
    """The value, if ``actor`` may delete it: a draft or returned one of their own entity's (an
    approved one is corrected, never deleted); refused otherwise, as ``delete_value`` would be."""
    value = _load(session, actor, value_id)
    _ensure_writer(session, actor, value)
    lock_for_write(session, value)
    if if_match is not None:
        check_if_match(if_match, etag(value.version))
    _ensure_state(value, EDITABLE_STATES, "deleted")
    return value


def delete_value(session: Session, actor: Actor, value_id: int, if_match: str | None) -> None:
    """A draft or returned value may be deleted (an approved one is corrected, never deleted)."""
    value = deletable(session, actor, value_id, if_match)
    before = {"indicator_id": value.indicator_id, **_snapshot(value, (*_FIELDS, "state", "corrects_id"))}
    session.delete(value)
    session.flush()
    record(session, actor, f"{OBJECT}.delete", OBJECT, value_id, before=before)


def _ensure_state(value: IndicatorValue, allowed: tuple[ProgressState, ...], verb: str) -> None:
    if value.state not in allowed:
        raise Conflict(
            f"only an indicator value that is {' or '.join(allowed)} can be {verb}; "
            f"this one is {value.state}",
            errors=[{"field": "state", "reason": is_state(value.state)}],
        )


def _transition(
    session: Session,
    actor: Actor,
    value_id: int,
    if_match: str | None,
    allowed: tuple[ProgressState, ...],
    verb: str,
) -> tuple[IndicatorValue, dict[str, Any]]:
    value = _load(session, actor, value_id)
    if verb == "submitted":
        _ensure_writer(session, actor, value)
    else:
        ensure_own_action(session, actor, _action_of(session, value), OBJECT, value.id)
    lock_for_write(session, value)
    if if_match is not None:
        check_if_match(if_match, etag(value.version))
    _ensure_state(value, allowed, verb)
    return value, _snapshot(value, _REVIEW)


def _finish(
    session: Session, actor: Actor, value: IndicatorValue, action: str, before: dict[str, Any]
) -> tuple[ValueOut, str]:
    _touch(session, value)
    old, new = changed(before, _snapshot(value, _REVIEW))
    record(session, actor, f"{OBJECT}.{action}", OBJECT, value.id, before=old, after=new)
    session.refresh(value)
    return _with_etag(value)


def submit(session: Session, actor: Actor, value_id: int, if_match: str | None) -> tuple[ValueOut, str]:
    value, before = _transition(session, actor, value_id, if_match, EDITABLE_STATES, "submitted")
    value.state = "submitted"
    return _finish(session, actor, value, "submit", before)


def _review(value: IndicatorValue, actor: Actor, state: ProgressState) -> None:
    value.state = state
    value.reviewed_by_id = actor.user_id
    value.reviewed_at = datetime.now(UTC)


def _superseded_one(session: Session, value: IndicatorValue) -> IndicatorValue | None:
    """The value a correction replaces, checked to be still current (409 when another correction
    replaced it first); None for a value that corrects nothing (or whose target was deleted).
    Locked before the check: a correction of it approved at the same moment is waited for and then
    found, as when it was approved first (not a failed write of the value's moved version)."""
    if value.corrects_id is None:
        return None
    old = session.get(IndicatorValue, value.corrects_id)
    if old is None:
        return None
    try:
        lock_for_write(session, old)
    except NotFound:  # deleted by the request it waited for
        return None
    if (
        session.scalar(select(IndicatorValue.id).where(IndicatorValue.id == old.id, current_approved()))
        is None
    ):
        raise Conflict(
            f"the value this one corrects ({old.id}) was already replaced by another correction",
            errors=[{"field": "corrects_id", "reason": _("already superseded")}],
        )
    return old


def approve(
    session: Session, actor: Actor, value_id: int, if_match: str | None, *, publish_parents: bool = False
) -> tuple[ValueReviewOut, str]:
    """Approve a submitted value; a correction supersedes the value it corrects, each audited on
    its own object. The answer says whether the public sees it now and what keeps it hidden (an
    unpublished action); ``publish_parents`` publishes that in the same transaction
    (``app.plans.publishing``)."""
    value, before = _transition(session, actor, value_id, if_match, ("submitted",), "approved")
    old = _superseded_one(session, value)
    _review(value, actor, "approved")
    out, tag = _finish(session, actor, value, "approve", before)
    if old is not None:
        old_before = _snapshot(old, _REVIEW)
        old.superseded_by_id = value.id
        _finish(session, actor, old, "supersede", old_before)
    action = _action_of(session, value)
    parents = publishing.not_public_parents(session, action.id)
    published: list[NotPublicParent] = []
    if publish_parents and parents:
        publishing.publish_parents(session, actor, parents)
        published, parents = parents, []
    public = publishing.value_is_public(value, action)
    review = ValueReviewOut(
        **out.model_dump(), public=public, not_public_parents=parents, published_parents=published
    )
    return review, tag


def return_value(
    session: Session, actor: Actor, value_id: int, body: ReturnBody, if_match: str | None
) -> tuple[ValueOut, str]:
    value, before = _transition(session, actor, value_id, if_match, ("submitted",), "returned")
    _review(value, actor, "returned")
    value.review_comment = body.comment
    return _finish(session, actor, value, "return", before)
