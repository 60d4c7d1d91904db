"""What a new action's or a change's values must satisfy, every refusal in one answer (``Refusals``):
dates in order, an entity lead or supporting but not both, and links to what exists (``links``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, Refusals
from app.models import Action, Cluster, Entity, Recommendation
from app.plans.actions.links import checked_ids, sdg_term_ids
from app.plans.actions.reading import Links
from app.plans.actions.schemas import ActionCreate, ActionPatch


def _check_dates(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and due < start:
        raise InvalidInput(
            f"due_date {due.isoformat()} is before start_date {start.isoformat()}",
            errors=[{"field": "due_date", "reason": _("is before the start date")}],
        )


def _check_responsible(lead: int | None, supporting: list[int]) -> None:
    """An entity is the lead or supporting, not both (as on a recommendation)."""
    if lead is not None and lead in supporting:
        reason = Reason(_("entity %(id)s is the lead entity; it cannot also be supporting"), id=lead)
        raise InvalidInput(
            f"supporting_entity_ids: {reason}", errors=[{"field": "supporting_entity_ids", "reason": reason}]
        )


def checked_create(session: Session, body: ActionCreate) -> Links:
    """The new action's links; every wrong field refused in one InvalidInput (the form would show one
    per attempt)."""
    checks = Refusals()
    checks.check(_check_dates, body.start_date, body.due_date)
    checks.check(_check_responsible, body.lead_entity_id, body.supporting_entity_ids)
    if body.lead_entity_id is not None:
        checks.check(checked_ids, session, Entity, [body.lead_entity_id], "lead_entity_id")
    recommendations = checks.check(
        checked_ids, session, Recommendation, body.recommendation_ids, "recommendation_ids"
    )
    clusters = checks.check(checked_ids, session, Cluster, body.cluster_ids, "cluster_ids")
    supporting = checks.check(
        checked_ids, session, Entity, body.supporting_entity_ids, "supporting_entity_ids"
    )
    sdgs = checks.check(sdg_term_ids, session, body.sdg_targets)
    checks.raise_any()  # from here on every check passed: none of the Nones below is left
    links = Links(
        recommendation_ids=recommendations or [],
        cluster_ids=clusters or [],
        supporting_entity_ids=supporting or [],
    )
    links.sdg_term_ids, links.sdg_codes = sdgs or ([], [])
    return links


def checked_patch(session: Session, body: ActionPatch, action: Action, links: Links) -> Links:
    """The action's links once ``body`` is applied; every wrong field refused in one InvalidInput."""
    sent = body.model_fields_set
    checks = Refusals()
    checks.check(
        _check_dates,
        body.start_date if "start_date" in sent else action.start_date,
        body.due_date if "due_date" in sent else action.due_date,
    )
    lead = body.lead_entity_id if "lead_entity_id" in sent else action.lead_entity_id
    if "supporting_entity_ids" in sent and body.supporting_entity_ids is not None:
        supporting = body.supporting_entity_ids
    else:
        # A supporting entity made the lead stops being supporting.
        supporting = [i for i in links.supporting_entity_ids if i != lead]
    checks.check(_check_responsible, lead, supporting)
    if "lead_entity_id" in sent and body.lead_entity_id is not None:
        already = [action.lead_entity_id] if action.lead_entity_id else []
        checks.check(checked_ids, session, Entity, [body.lead_entity_id], "lead_entity_id", already=already)
    result = Links(
        recommendation_ids=links.recommendation_ids,
        cluster_ids=links.cluster_ids,
        supporting_entity_ids=supporting,
        sdg_term_ids=links.sdg_term_ids,
        sdg_codes=links.sdg_codes,
    )
    if "recommendation_ids" in sent and body.recommendation_ids is not None:
        result.recommendation_ids = (
            checks.check(
                checked_ids,
                session,
                Recommendation,
                body.recommendation_ids,
                "recommendation_ids",
                already=links.recommendation_ids,
            )
            or []
        )
    if "cluster_ids" in sent and body.cluster_ids is not None:
        result.cluster_ids = (
            checks.check(
                checked_ids, session, Cluster, body.cluster_ids, "cluster_ids", already=links.cluster_ids
            )
            or []
        )
    if "supporting_entity_ids" in sent and body.supporting_entity_ids is not None:
        result.supporting_entity_ids = (
            checks.check(
                checked_ids,
                session,
                Entity,
                body.supporting_entity_ids,
                "supporting_entity_ids",
                already=links.supporting_entity_ids,
            )
            or []
        )
    if "sdg_targets" in sent:
        sdgs = checks.check(sdg_term_ids, session, body.sdg_targets or [])
        result.sdg_term_ids, result.sdg_codes = sdgs or ([], [])
    checks.raise_any()  # every check passed: the Nones above (``or []``) are never used
    return result
