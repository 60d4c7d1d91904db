"""HTTP layer of clusters and of the similar-recommendation suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import Manager, StaffUser
from app.clusters import service, similarity
from app.clusters.schemas import (
    ClusterCreate,
    ClusterListParams,
    ClusterOut,
    ClusterPage,
    ClusterUpdate,
    MemberListParams,
    MemberPage,
    MembersAdded,
    MembersRemoved,
    RecommendationIds,
    SimilarList,
)
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import VERSIONED
from app.core.problem_docs import problem_responses
from app.idempotency.header import CREATED, Idempotent
from app.recommendations.schemas import AskedLang

router = APIRouter(tags=["clusters"])

CLUSTER = "/clusters/{cluster_id}"
MEMBERS = "/clusters/{cluster_id}/recommendations"


@router.get("/clusters", summary="List clusters by name, with filters and keyset pagination")
def list_clusters(
    db: DbSession, actor: StaffUser, params: Annotated[ClusterListParams, Query()]
) -> ClusterPage:
    return service.list_clusters(db, params)


@router.post(
    "/clusters",
    status_code=status.HTTP_201_CREATED,
    summary="Create a cluster",
    responses={**problem_responses(409), **CREATED},
    response_model=ClusterOut,
)
def create_cluster(db: DbSession, actor: Manager, body: ClusterCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    cluster, tag = service.create_cluster(db, actor, body)
    return once.answer(db, 201, cluster, etag=tag, location=f"/api/v1/clusters/{cluster.id}")


@router.get(CLUSTER, summary="One cluster (its version as the ETag header)", responses=VERSIONED)
def get_cluster(db: DbSession, actor: StaffUser, cluster_id: RowId, response: Response) -> ClusterOut:
    cluster, tag = service.get_cluster(db, cluster_id)
    send_version_etag(response, tag)
    return cluster


@router.patch(
    CLUSTER,
    summary="Edit or archive a cluster (needs If-Match)",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def update_cluster(
    db: DbSession,
    actor: Manager,
    cluster_id: RowId,
    body: ClusterUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ClusterOut:
    cluster, tag = service.update_cluster(db, actor, cluster_id, body, if_match)
    response.headers["ETag"] = tag
    return cluster


@router.get(MEMBERS, summary="Ids of the recommendations in a cluster, with keyset pagination")
def list_members(
    db: DbSession, actor: StaffUser, cluster_id: RowId, params: Annotated[MemberListParams, Query()]
) -> MemberPage:
    return service.list_members(db, cluster_id, params)


@router.post(
    MEMBERS,
    summary="Add recommendations to a cluster (If-Match optional)",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def add_members(
    db: DbSession,
    actor: Manager,
    cluster_id: RowId,
    body: RecommendationIds,
    response: Response,
    if_match: IfMatch = None,
) -> MembersAdded:
    result, tag = service.add_members(db, actor, cluster_id, body.ids, if_match)
    response.headers["ETag"] = tag
    return result


@router.delete(
    MEMBERS,
    summary="Remove recommendations from a cluster (needs If-Match)",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def remove_members(
    db: DbSession,
    actor: Manager,
    cluster_id: RowId,
    body: RecommendationIds,
    response: Response,
    if_match: IfMatch = None,
) -> MembersRemoved:
    result, tag = service.remove_members(db, actor, cluster_id, body.ids, if_match)
    response.headers["ETag"] = tag
    return result


@router.get(
    "/recommendations/{recommendation_id}/similar",
    summary="The recommendations most similar to one, and the clusters they sit in",
)
def similar_recommendations(
    db: DbSession,
    actor: StaffUser,
    recommendation_id: RowId,
    limit: Annotated[int, Query(ge=1, le=50, description="How many similar recommendations")] = 10,
    lang: Annotated[
        AskedLang,
        Query(
            description="Language of the snippets (a regional variant such as fr-CA is its language); "
            "falls back to en"
        ),
    ] = "en",
) -> SimilarList:
    return similarity.similar(db, recommendation_id, limit, lang)
