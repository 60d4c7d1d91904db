"""What a new action's or a change's values must satisfy, every refusal in one answer (``Refusals``):
dates in order, an entity lead or supporting but not both, and links to what exists (``links``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, Refusals
from app.entities.service import check_responsible
from app.models import Action, Cluster, Recommendation
from app.plans.actions.links import checked_ids, sdg_term_ids
from app.plans.actions.reading import Links
from app.plans.actions.schemas import ActionCreate, ActionPatch


def _check_dates(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and due < start:
        raise InvalidInput(
            f"due_date {due.isoformat()} is before start_date {start.isoformat()}",
            errors=[{"field": "due_date", "reason": _("is before the start date")}],
        )


def _lead_first(entities: dict[str, list[int]]) -> dict[str, list[int]]:
    """The lead's refusal before the supporting ones', as the forms list their boxes."""
    return {
        name: entities[name] for name in ("lead_entity_id", "supporting_entity_ids") if entities.get(name)
    }


def checked_create(session: Session, body: ActionCreate) -> Links:
    """The new action's links; every wrong field refused in one InvalidInput (the form would show one
    per attempt)."""
    checks = Refusals()
    checks.check(_check_dates, body.start_date, body.due_date)
    entities = {"supporting_entity_ids": sorted(set(body.supporting_entity_ids))}
    if body.lead_entity_id is not None:
        entities["lead_entity_id"] = [body.lead_entity_id]
    # The entities as a recommendation's and a cluster's are checked: each named as the forms list it.
    checks.check(check_responsible, session, _lead_first(entities))
    recommendations = checks.check(
        checked_ids, session, Recommendation, body.recommendation_ids, "recommendation_ids"
    )
    clusters = checks.check(checked_ids, session, Cluster, body.cluster_ids, "cluster_ids")
    sdgs = checks.check(sdg_term_ids, session, body.sdg_targets)
    checks.raise_any()  # from here on every check passed: none of the Nones below is left
    links = Links(
        recommendation_ids=recommendations or [],
        cluster_ids=clusters or [],
        supporting_entity_ids=entities["supporting_entity_ids"],
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
    # The entities sent (and a stored lead a new supporting list might repeat), the stored ones kept
    # even if archived since.
    entities: dict[str, list[int]] = {}
    if lead is not None:
        entities["lead_entity_id"] = [lead] if "lead_entity_id" in sent or lead in supporting else []
    if "supporting_entity_ids" in sent and body.supporting_entity_ids is not None:
        entities["supporting_entity_ids"] = sorted(set(supporting))
    kept = [*links.supporting_entity_ids, *([action.lead_entity_id] if action.lead_entity_id else [])]
    checks.check(check_responsible, session, _lead_first(entities), keep=kept)
    result = Links(
        recommendation_ids=links.recommendation_ids,
        cluster_ids=links.cluster_ids,
        supporting_entity_ids=sorted(set(supporting)),
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
    if "sdg_targets" in sent:
        sdgs = checks.check(sdg_term_ids, session, body.sdg_targets or [])
        result.sdg_term_ids, result.sdg_codes = sdgs or ([], [])
    checks.raise_any()  # every check passed: the Nones above (``or []``) are never used
    return result
