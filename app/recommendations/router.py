"""HTTP layer of the recommendations API: parameters in, service call, response model out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import AnyUser
from app.core.deps import DbSession, RowId
from app.recommendations import service
from app.recommendations.schemas import (
    Lang,
    RecommendationDetail,
    RecommendationListParams,
    RecommendationPage,
)

router = APIRouter(prefix="/recommendations", tags=["recommendations"])


@router.get("", summary="List recommendations, newest first, with filters and keyset pagination")
def list_recommendations(
    db: DbSession, actor: AnyUser, params: Annotated[RecommendationListParams, Query()]
) -> RecommendationPage:
    return service.list_recommendations(db, params)


@router.get("/{recommendation_id}", summary="One recommendation with all its texts and its revisions")
def get_recommendation(
    db: DbSession,
    actor: AnyUser,
    recommendation_id: RowId,
    lang: Annotated[Lang, Query(description="Language of `text` and SDG titles; falls back to en")] = "en",
) -> RecommendationDetail:
    return service.get_recommendation(db, recommendation_id, lang)
