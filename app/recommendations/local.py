"""The national mechanism's own fields on a recommendation: reading them in bulk, and changing them.

The local row (priority, status, notes) is made on the first edit; until then a recommendation
has local version 0 and status ``not_started``. Every change touches the row, so its version
(``version_id_col``) moves with any local edit, entities included, and with it the ETag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import changed, record
from app.core.actor import READER, Actor
from app.core.catalogue import Quantity, Reason
from app.core.catalogue import marked as _
from app.core.db import rows_for_ids
from app.core.errors import InvalidInput, PreconditionFailed
from app.core.timestamps import utc_or_none
from app.feed.fields import name_order
from app.models import Entity, Recommendation
from app.models.base import utcnow
from app.models.local import DEFAULT_STATUS, RecommendationEntity, RecommendationLocal, StatusChange
from app.recommendations.local_state import LocalValues, status_priority

LOCAL_FIELDS = (
    "priority",
    "priority_rationale",
    "status",
    "internal_notes",
    "lead_entity_id",
    "supporting_entity_ids",
)
_ROW_FIELDS = ("priority", "priority_rationale", "status", "internal_notes")
# Recommendations a refusal names before it says how many more: enough to find them, short to read.
NAMED_RECOMMENDATIONS = 3
# The audit event of a publication names the public values as the list and the portal do.
_PUBLISHED = ("status", "priority")


# ``reading.responsibilities`` for a page's ids, run by the driver (``rows_for_ids``).
_RESPONSIBLE_SQL = (
    "SELECT re.recommendation_id, re.responsibility, e.id, e.name, e.acronym FROM recommendation_entities re"
    " JOIN entities e ON e.id = re.entity_id WHERE re.recommendation_id {ids}"
)


class Responsible:
    """The lead and supporting entities of a set of recommendations, by recommendation id: the
    fields of each ``EntityRef``, as plain values (a list page validates them once, with the page)."""

    def __init__(self) -> None:
        self.lead: dict[int, dict[str, Any]] = {}
        self.supporting: dict[int, list[dict[str, Any]]] = defaultdict(list)

    @classmethod
    def load(cls, session: Session, ids: Sequence[int]) -> Responsible:
        found = cls()
        for rec_id, responsibility, entity_id, name, acronym in rows_for_ids(session, _RESPONSIBLE_SQL, ids):
            ref = {"id": entity_id, "name": name, "acronym": acronym}
            if responsibility == "lead":
                found.lead[rec_id] = ref
            else:
                found.supporting[rec_id].append(ref)
        for refs in found.supporting.values():
            refs.sort(key=lambda ref: name_order(ref["name"], ref["id"]))
        return found

    def local_out(self, rec_id: int, row: LocalValues | None, actor: Actor) -> dict[str, Any]:
        """The fields of a ``LocalOut``, as plain values."""
        # Readers see published data only: the rationale and notes are the mechanism's internal work,
        # the working status and priority are not public until a coordinator publishes them.
        internal = actor.role != READER
        status, priority = status_priority(row, public=not internal)
        published_status, published_priority = status_priority(row, public=True)
        return {
            "priority": priority,
            "priority_rationale": row.priority_rationale if row and internal else None,
            "status": status,
            "published_status": published_status,
            "published_priority": published_priority,
            "published_at": utc_or_none(row.published_at) if row else None,
            "unpublished_changes": (status, priority) != (published_status, published_priority),
            "lead_entity": self.lead.get(rec_id),
            "supporting_entities": self.supporting.get(rec_id, []),
            "internal_notes": row.internal_notes if row and internal else None,
            "updated_at": utc_or_none(row.updated_at) if row else None,
        }


def local_version(row: LocalValues | None) -> int:
    return row.version if row is not None else 0


def entity_fields(changes: dict[str, Any]) -> dict[str, list[int]]:
    fields: dict[str, list[int]] = {}
    if changes.get("lead_entity_id") is not None:
        fields["lead_entity_id"] = [changes["lead_entity_id"]]
    if changes.get("supporting_entity_ids"):
        fields["supporting_entity_ids"] = list(changes["supporting_entity_ids"])
    return fields


def validate_changes(changes: dict[str, Any]) -> None:
    """Checks that need no database: nulls where a value is required, a note without a status. (The
    same entity sent as lead and supporting is ``check_responsible``', which names it.)"""
    if "status" in changes and changes["status"] is None:
        raise InvalidInput(
            "status: cannot be null", errors=[{"field": "status", "reason": _("cannot be null")}]
        )
    if changes.get("status_note") and "status" not in changes:
        reason = _("only with a `status` change")
        raise InvalidInput(f"status_note: {reason}", errors=[{"field": "status_note", "reason": reason}])


def check_status_note(row: RecommendationLocal | None, changes: Mapping[str, Any]) -> None:
    """A note is kept with a status change: one sent with the status the recommendation already
    has would be dropped, so it is refused (a bulk change keeps it for the rows whose status changes)."""
    current = row.status if row is not None else DEFAULT_STATUS
    if changes.get("status_note") and changes.get("status") == current:
        reason = _("the status is not changing: a note is kept only with a change of status")
        raise InvalidInput(f"status_note: {reason}", errors=[{"field": "status_note", "reason": reason}])


def current_values(row: RecommendationLocal | None, links: Sequence[RecommendationEntity]) -> dict[str, Any]:
    lead = next((link.entity_id for link in links if link.responsibility == "lead"), None)
    return {
        "priority": row.priority if row else None,
        "priority_rationale": row.priority_rationale if row else None,
        "status": row.status if row else DEFAULT_STATUS,
        "internal_notes": row.internal_notes if row else None,
        "lead_entity_id": lead,
        "supporting_entity_ids": sorted(
            link.entity_id for link in links if link.responsibility == "supporting"
        ),
    }


def _responsible_after(before: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple[int | None, list[int]]:
    """The lead and supporting entities once ``changes`` apply to ``before`` (``current_values``)."""
    lead = changes["lead_entity_id"] if "lead_entity_id" in changes else before["lead_entity_id"]
    if "supporting_entity_ids" in changes:
        return lead, sorted(changes["supporting_entity_ids"] or [])
    # A supporting entity promoted to lead stops being supporting.
    return lead, [i for i in before["supporting_entity_ids"] if i != lead]


def recommendation_label(rec: Recommendation) -> str:
    """A recommendation as the workspace's list names it: its symbol and paragraph, else its number."""
    if rec.symbol:
        return f"{rec.symbol} ¶ {rec.paragraph}" if rec.paragraph else rec.symbol
    return f"#{rec.id}"


def named_recommendations(recs: Sequence[Recommendation]) -> str | Reason:
    """The first few recommendations by their labels, and how many more there are."""
    listed = ", ".join(recommendation_label(rec) for rec in recs[:NAMED_RECOMMENDATIONS])
    more = len(recs) - NAMED_RECOMMENDATIONS
    if more <= 0:
        return listed
    return Reason(_("%(listed)s and %(count)s more"), listed=listed, count=Quantity(more))


def check_leads(
    session: Session,
    recs: Sequence[Recommendation],
    rows: Mapping[int, RecommendationLocal],
    links: Mapping[int, Sequence[RecommendationEntity]],
    changes: Mapping[str, Any],
) -> None:
    """422 naming ``supporting_entity_ids`` when the change would make an entity supporting a
    recommendation it leads: each such entity by its name, with how many of ``recs`` it leads and the
    first of them, so that one answer says what a bulk edit would have to leave out."""
    led: dict[int, list[Recommendation]] = defaultdict(list)
    for rec in recs:
        lead, supporting = _responsible_after(
            current_values(rows.get(rec.id), links.get(rec.id, [])), changes
        )
        if lead is not None and lead in supporting:
            led[lead].append(rec)
    if not led:
        return
    names = dict(session.execute(select(Entity.id, Entity.name).where(Entity.id.in_(sorted(led)))).all())
    errors = []
    for entity_id, its in led.items():
        if len(recs) == 1:
            reason = Reason(
                _("%(entity)s is the lead of this recommendation; it cannot also be supporting"),
                entity=names[entity_id],
            )
        else:
            reason = Reason(
                _(
                    "%(entity)s is the lead of %(count)s of these recommendations; it cannot also be "
                    "supporting: %(recommendations)s"
                ),
                entity=names[entity_id],
                count=Quantity(len(its)),
                recommendations=named_recommendations(its),
            )
        errors.append({"field": "supporting_entity_ids", "reason": reason})
    raise InvalidInput("; ".join(f"{e['field']}: {e['reason']}" for e in errors), errors=errors)


def apply_local_changes(
    session: Session,
    actor: Actor,
    rec_id: int,
    row: RecommendationLocal | None,
    links: Sequence[RecommendationEntity],
    changes: dict[str, Any],
    *,
    extra_before: dict[str, Any] | None = None,
    extra_after: dict[str, Any] | None = None,
) -> RecommendationLocal | None:
    """Apply the local fields in ``changes`` (only the keys present) to one recommendation.

    Records the status change and one "recommendation.update" audit event (``extra_*``: feed
    changes of a manual recommendation in the same event); ``check_leads`` comes first. Returns the
    local row, or None when nothing changed (no row made, no event).
    """
    before = current_values(row, links)
    after = dict(before)
    for name in _ROW_FIELDS:
        if name in changes:
            after[name] = changes[name]
    after["lead_entity_id"], after["supporting_entity_ids"] = _responsible_after(before, changes)
    # ``check_leads`` refused this before anything was written; a row that slipped by would write both.
    assert after["lead_entity_id"] not in after["supporting_entity_ids"], rec_id
    old, new = changed(before, after)
    old.update(extra_before or {})
    new.update(extra_after or {})
    if not new:
        return None
    if "status" in new and changes.get("status_note"):
        new["status_note"] = changes["status_note"]
    if any(name in new for name in LOCAL_FIELDS):
        row = _write_row(session, actor, rec_id, row, after)
        _write_links(session, rec_id, links, after)
        if "status" in new:
            session.add(
                StatusChange(
                    recommendation_id=rec_id,
                    old_status=before["status"],
                    new_status=after["status"],
                    note=changes.get("status_note"),
                    changed_by_id=actor.user_id,
                    changed_at=utcnow(),
                )
            )
    record(session, actor, "recommendation.update", "recommendation", rec_id, before=old, after=new)
    return row


def _write_row(
    session: Session, actor: Actor, rec_id: int, row: RecommendationLocal | None, after: dict[str, Any]
) -> RecommendationLocal:
    now = utcnow()
    if row is None:
        row = RecommendationLocal(recommendation_id=rec_id, updated_at=now, updated_by_id=actor.user_id)
        for name in _ROW_FIELDS:
            setattr(row, name, after[name])
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # Another request made the row first: our If-Match (version 0) is stale.
            raise PreconditionFailed(
                "the recommendation was edited while this request ran; read it again and retry",
                errors=[{"field": "If-Match", "reason": _("stale")}],
            ) from None
        return row
    for name in _ROW_FIELDS:
        setattr(row, name, after[name])
    # Always set: an edit of the entities alone must move the version (and the ETag) too.
    row.updated_at = now
    row.updated_by_id = actor.user_id
    return row


def _write_links(
    session: Session, rec_id: int, links: Sequence[RecommendationEntity], after: dict[str, Any]
) -> None:
    wanted = {entity_id: "supporting" for entity_id in after["supporting_entity_ids"]}
    if after["lead_entity_id"] is not None:
        wanted[after["lead_entity_id"]] = "lead"
    for link in links:
        responsibility = wanted.pop(link.entity_id, None)
        if responsibility is None:
            session.delete(link)
        elif link.responsibility != responsibility:
            link.responsibility = responsibility
    for entity_id, responsibility in wanted.items():
        session.add(
            RecommendationEntity(recommendation_id=rec_id, entity_id=entity_id, responsibility=responsibility)
        )


def publish_local(session: Session, actor: Actor, rec_id: int, row: RecommendationLocal | None) -> bool:
    """Publish the working status and priority of one recommendation: from now on the public sees
    them. One "recommendation.publish" audit event with the published values before and after.

    False (nothing written) when the public already sees the working values, a recommendation
    nobody has worked on included (not started, no priority, on both sides).
    """
    working = status_priority(row, public=False)
    published = status_priority(row, public=True)
    if row is None or working == published:
        return False
    old, new = changed(
        dict(zip(_PUBLISHED, published, strict=True)), dict(zip(_PUBLISHED, working, strict=True))
    )
    row.published_status, row.published_priority = working
    row.published_at = utcnow()
    row.published_by_id = actor.user_id
    record(session, actor, "recommendation.publish", "recommendation", rec_id, before=old, after=new)
    return True


def load_for_edit(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, RecommendationLocal], dict[int, list[RecommendationEntity]]]:
    rows = {
        row.recommendation_id: row
        for row in session.scalars(
            select(RecommendationLocal).where(RecommendationLocal.recommendation_id.in_(ids))
        )
    }
    links: dict[int, list[RecommendationEntity]] = defaultdict(list)
    for link in session.scalars(
        select(RecommendationEntity).where(RecommendationEntity.recommendation_id.in_(ids))
    ):
        links[link.recommendation_id].append(link)
    return rows, links
