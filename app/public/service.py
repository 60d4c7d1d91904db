"""Public recommendations: the staff list's filters, totals and keyset pages, shown through an allowlist.

The reading is the recommendations service's, as the `reader` role sees it (internal notes and
rationale already nulled, the cluster filter limited to published clusters); this module then
copies the public fields one by one into the public shapes and adds the published clusters,
actions and progress of the page in bulk. Withdrawn recommendations are never read: the staff
``withdrawn`` filter is pinned to false, and a withdrawn one asked for by id is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.core.actor import READER, Actor
from app.core.errors import NotFound
from app.public import related
from app.public.schemas import (
    PublicRecommendationDetail,
    PublicRecommendationPage,
    PublicRecommendationParams,
    public_recommendation_url,
)
from app.recommendations import kept
from app.recommendations import schemas as staff
from app.recommendations import service as recommendations
from app.recommendations.reading import check_cursor, current_leader, filter_conditions

# Who the recommendations service reads for: the role that sees published data only.
PUBLIC_READER = Actor(role=READER, label="public")


def _staff_params(params: PublicRecommendationParams) -> staff.RecommendationListParams:
    return staff.RecommendationListParams(**params.model_dump(), withdrawn=False, needs_review=None)


def _entity(ref: Mapping[str, Any]) -> dict[str, object]:
    """The fields of a ``PublicEntityRef``."""
    return {"id": ref["id"], "name": ref["name"], "acronym": ref["acronym"]}


class _Extras:
    """The published clusters and actions of a page's recommendations."""

    def __init__(self, session: Session, ids: Sequence[int]) -> None:
        self.clusters = related.clusters_of_recommendations(session, ids)
        self.actions = related.actions_of_recommendations(session, ids)


def _public_fields(item: Mapping[str, Any], extras: _Extras) -> dict[str, object]:
    """The allowlist: each public field named, nothing copied wholesale, from the staff item's plain
    values (``recommendations.service.page_values``). Validated by the public model (which forbids
    any other key) once, with the whole page."""
    local = item["local"]
    named = (
        "id", "symbol", "document_id", "type", "paragraph", "text", "text_lang", "snippet", "languages",
        "publication_date", "upr_cycle", "upr_session", "position", "countries", "regions", "themes",
        "affected_persons", "recommending_states", "recommending_regions",
    )  # fmt: skip
    mechanism = item["mechanism"]
    return {
        **{name: item[name] for name in named},
        "mechanism": {"code": mechanism["code"], "name": mechanism["name"], "family": mechanism["family"]},
        "sdgs": [{"code": sdg["code"], "title": sdg["title"]} for sdg in item["sdgs"]],
        "status": local["status"],
        "priority": local["priority"],
        "lead_entity": None if local["lead_entity"] is None else _entity(local["lead_entity"]),
        "supporting_entities": [_entity(entity) for entity in local["supporting_entities"]],
        "clusters": extras.clusters.get(item["id"], []),
        "actions": extras.actions.get(item["id"], []),
    }


def list_recommendations(session: Session, params: PublicRecommendationParams) -> PublicRecommendationPage:
    staff_params = _staff_params(params)
    if params.cluster is not None and not related.public_cluster_ids(session, {params.cluster}):
        # An unpublished or archived cluster is answered as an unknown one: no members. The other
        # filters are still checked, so a bad one is a 422 whatever the cluster.
        filter_conditions(staff_params, session.get_bind().dialect.name)
        check_cursor(staff_params)
        return PublicRecommendationPage(items=[], next_cursor=None, total=0)
    page = recommendations.page_values(session, PUBLIC_READER, staff_params)
    extras = _Extras(session, [item["id"] for item in page["items"]])
    return PublicRecommendationPage.model_validate(
        {
            "items": [_public_fields(item, extras) for item in page["items"]],
            "next_cursor": page["next_cursor"],
            "total": page["total"],
        }
    )


def list_json(session: Session, params: PublicRecommendationParams) -> bytes:
    """The public page as the JSON sent (to anyone, and to the reader role), kept per data version
    (``kept.pages``)."""
    return kept.page_json(
        session,
        "public list",
        params,
        lambda: list_recommendations(session, params).model_dump_json().encode(),
    )


def get_recommendation(
    session: Session, recommendation_id: int, lang: staff.Lang
) -> PublicRecommendationDetail:
    detail, _ = recommendations.get_recommendation(session, PUBLIC_READER, recommendation_id, lang)
    if detail.withdrawn:
        # Answered exactly as a recommendation that never existed.
        raise NotFound(f"recommendation {recommendation_id} does not exist")
    extras = _Extras(session, [recommendation_id])
    texts = {code: version.text for code, version in detail.texts.items()}
    return PublicRecommendationDetail.model_validate(
        {
            **_public_fields(detail.model_dump(), extras),
            "texts": texts,
            "leading_record": _leading_record(session, detail.id),
        }
    )


def _leading_record(session: Session, recommendation_id: int) -> dict[str, object] | None:
    """The record a linked copy leads to, as the portal's page of the copy does (a 307 to it): a client
    that kept the copy's id learns which one the lists show."""
    leader = current_leader(session, recommendation_id)
    if leader is None:
        return None
    return {"id": leader, "url": public_recommendation_url(leader), "page_url": f"/recommendations/{leader}"}
