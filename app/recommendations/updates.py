"""Changing one recommendation: PATCH (local fields; feed fields of manual ones), archive, unarchive.

The recommendation row is locked (``FOR UPDATE`` on PostgreSQL; SQLite writers already queue)
before the If-Match check, so two writers of one recommendation are serialised and the second
sees the first's ETag: exactly one wins, the other gets 412.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, InvalidInput, NotFound, Refusals
from app.core.etag import check_if_match
from app.entities.service import check_responsible
from app.models import Recommendation
from app.models.base import utcnow
from app.models.local import RecommendationEntity, RecommendationLocal
from app.recommendations import local, manual, service
from app.recommendations.schemas import RecommendationDetail
from app.recommendations.write_schemas import FEED_OWNED, RecommendationUpdate


def _locked(session: Session, recommendation_id: int) -> Recommendation:
    rec = session.execute(
        select(Recommendation).where(Recommendation.id == recommendation_id).with_for_update()
    ).scalar_one_or_none()
    if rec is None:
        raise NotFound(f"recommendation {recommendation_id} does not exist")
    return rec


def _refuse_feed_fields(rec: Recommendation, feed: list[str]) -> None:
    """Only a manual recommendation's own fields may be edited: the feeds own the others'."""
    if feed and rec.source != manual.MANUAL:
        errors = [{"field": name, "reason": FEED_OWNED} for name in feed]
        raise InvalidInput(f"{', '.join(feed)}: {FEED_OWNED}", errors=errors)


def update_recommendation(
    session: Session,
    actor: Actor,
    recommendation_id: int,
    body: RecommendationUpdate,
    if_match: str | None,
    lang: str = "en",
) -> tuple[RecommendationDetail, str]:
    rec = _locked(session, recommendation_id)
    row = session.get(RecommendationLocal, recommendation_id)
    check_if_match(if_match, service.recommendation_etag(row, rec.content_hash, rec.withdrawn))
    given = set(body.model_fields_set)
    feed = sorted(given & set(manual.MANUAL_FIELDS))
    changes = {
        name: getattr(body, name) for name in given if name in local.LOCAL_FIELDS or name == "status_note"
    }
    links = list(
        session.scalars(select(RecommendationEntity).where(RecommendationEntity.recommendation_id == rec.id))
    )
    # Every wrong field in one answer, not one per attempt.
    refusals = Refusals()
    refusals.check(_refuse_feed_fields, rec, feed)
    refusals.check(local.validate_changes, changes)
    refusals.check(local.check_status_note, row, changes)
    entities_refused = len(refusals.refused)
    refusals.check(
        check_responsible, session, local.entity_fields(changes), keep={link.entity_id for link in links}
    )
    if len(refusals.refused) == entities_refused:  # the leads are named from entities that exist
        refusals.check(
            local.check_leads, session, [rec], {rec.id: row} if row else {}, {rec.id: links}, changes
        )
    refusals.raise_any()
    feed_before, feed_after = manual.edit_manual(session, actor, rec, body, given) if feed else ({}, {})
    local.apply_local_changes(
        session, actor, rec.id, row, links, changes, extra_before=feed_before, extra_after=feed_after
    )
    session.flush()
    session.expire_all()
    return service.get_recommendation(session, actor, recommendation_id, lang)


def publish_recommendation(
    session: Session, actor: Actor, recommendation_id: int, if_match: str | None, lang: str = "en"
) -> tuple[RecommendationDetail, str]:
    """Publish the working status and priority (``local.publish_local``); ``If-Match`` checked when
    sent. Publishing what the public already sees changes nothing (same ETag, no event)."""
    rec = _locked(session, recommendation_id)
    row = session.get(RecommendationLocal, recommendation_id)
    if if_match is not None:
        check_if_match(if_match, service.recommendation_etag(row, rec.content_hash, rec.withdrawn))
    if local.publish_local(session, actor, rec.id, row):
        session.flush()
        session.expire_all()
    return service.get_recommendation(session, actor, recommendation_id, lang)


def set_archived(
    session: Session, actor: Actor, recommendation_id: int, archived: bool
) -> tuple[RecommendationDetail, str]:
    """Archive (withdraw) or restore a manual recommendation; imported ones follow their feed."""
    rec = _locked(session, recommendation_id)
    if rec.source != manual.MANUAL:
        raise Conflict(
            f"recommendation {recommendation_id} comes from {rec.source}: only manual recommendations "
            "are archived through the API (an import withdraws the others)",
            errors=[
                {
                    "field": "source",
                    "reason": Reason(_("%(source)s: not a manual recommendation"), source=rec.source),
                }
            ],
        )
    if rec.withdrawn != archived:
        before = {"withdrawn": rec.withdrawn}
        rec.withdrawn = archived
        rec.withdrawn_at = utcnow() if archived else None
        action = "recommendation.archive" if archived else "recommendation.unarchive"
        record(session, actor, action, "recommendation", rec.id, before=before, after={"withdrawn": archived})
        session.flush()
    return service.get_recommendation(session, actor, recommendation_id)
