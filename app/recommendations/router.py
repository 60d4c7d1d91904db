"""HTTP layer of the recommendations API: parameters in, service call, response model out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from app.auth.deps import ANY_USER, AnyUser, Manager, ReadInOneTrip, StaffUser, staff_caller
from app.core.actor import Actor
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import READ_VERSIONED, VERSIONED
from app.core.ids import IdList
from app.core.problem_docs import problem_responses
from app.exports import facets
from app.exports.params import ExportParams, list_params
from app.exports.schemas import RecommendationFacets
from app.idempotency.header import CREATED, Idempotent
from app.public.schemas import PublicRecommendationDetail, PublicRecommendationPage
from app.recommendations import bulk, manual, reader_view, service, sources, updates
from app.recommendations.schemas import (
    AskedLang,
    RecommendationDetail,
    RecommendationListParams,
    RecommendationPage,
    SourceList,
)
from app.recommendations.write_schemas import (
    MAX_BULK_MATCHES,
    BulkPublish,
    BulkResult,
    BulkUpdate,
    ManualCreate,
    RecommendationUpdate,
    SettleWork,
)

router = APIRouter(prefix="/recommendations", tags=["recommendations"])

JSON = "application/json"
LangQuery = Annotated[
    AskedLang,
    Query(
        description="Language of `text` and SDG titles (a regional variant such as fr-CA is its language); "
        "falls back to en"
    ),
]


_READER = (
    " The `reader` role gets exactly the public API's answer (the public schema: published data, "
    "no internal field, no withdrawn recommendation); the internal filters `withdrawn` and "
    "`needs_review` are refused to it (403)."
)


@router.get(
    "",
    response_model=RecommendationPage | PublicRecommendationPage,
    summary="List recommendations (most relevant or newest first), with filters and keyset pagination",
    description="Staff get every field." + _READER,
    responses=problem_responses(403),
)
async def list_recommendations(
    trip: ReadInOneTrip, params: Annotated[RecommendationListParams, Query()]
) -> Response:
    # The page's own JSON, written once by pydantic (and kept per data version): FastAPI would
    # validate the returned model again against the union, turn it into dicts and lists, then
    # encode those with the json module.
    def page(db: Session, actor: Actor) -> bytes:
        if reader_view.sees_public_view(actor):
            return reader_view.list_json(db, actor, params)
        return service.list_json(db, actor, params)

    return Response(await trip.run(staff_caller(ANY_USER), page), media_type=JSON)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a manual recommendation (a regional mechanism's, or any body not in the feeds)",
    responses={**problem_responses(403), **CREATED},
    response_model=RecommendationDetail,
)
def create_recommendation(db: DbSession, actor: Manager, body: ManualCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    rec_id = manual.create_manual(db, actor, body)
    detail, tag = service.get_recommendation(db, actor, rec_id, "en")
    return once.answer(db, 201, detail, etag=tag, location=f"/api/v1{router.prefix}/{rec_id}")


@router.post(
    "/bulk",
    summary="Set priority, status or responsible entities on many recommendations (all or nothing)",
    description="The recommendations are `ids`, or every one the list's `filter` matches (exactly one "
    f"of the two; a filter matching more than {MAX_BULK_MATCHES} is refused). One transaction: an unknown "
    "id, an invalid value or too many matches changes nothing. One audit event per changed recommendation.",
    responses=problem_responses(403),
)
def bulk_update(db: DbSession, actor: Manager, body: BulkUpdate) -> BulkResult:
    return bulk.bulk_update(db, actor, body)


@router.post(
    "/publish",
    summary="Publish the working status and priority of many recommendations (all or nothing)",
    description="The recommendations are `ids`, or every one the list's `filter` matches (the staff view: "
    f"working values; a filter matching more than {MAX_BULK_MATCHES} is refused). From then on the public "
    "API, portal, exports, reports and statistics show their current status and priority. One audit event "
    "(`recommendation.publish`) per recommendation whose public values change; the others count as "
    "`unchanged`.",
    responses=problem_responses(403),
)
def bulk_publish(db: DbSession, actor: Manager, body: BulkPublish) -> BulkResult:
    return bulk.bulk_publish(db, actor, body)


@router.post(
    "/reviewed",
    summary="Mark recommendations reviewed: clears `needs_review` (set when an import changed them)",
    responses=problem_responses(403),
)
def mark_reviewed(db: DbSession, actor: Manager, body: IdList) -> BulkResult:
    return bulk.mark_reviewed(db, actor, body.ids)


@router.get(
    "/facets",
    summary="Counts per mechanism, family, theme, SDG goal, affected persons, cycle, position and status",
    description="For the list's filters and query: each dimension's counts apply every filter but its own "
    "(the other values of a chosen filter keep their counts). Unknown filter values are a 422." + _READER,
    responses=problem_responses(403),
)
def recommendation_facets(
    db: DbSession, actor: AnyUser, params: Annotated[ExportParams, Query()]
) -> RecommendationFacets:
    listed = list_params(params)
    if reader_view.sees_public_view(actor):
        public = reader_view.public_params(actor, listed)
        return facets.facets(db, list_params(public), public=True)
    return facets.facets(db, listed, public=False)


@router.get(
    "/{recommendation_id}",
    summary="One recommendation with all its texts, its revisions and its local working fields",
    description="Staff get every field." + _READER + " A withdrawn recommendation is a 404 to it.",
    responses=READ_VERSIONED,
)
def get_recommendation(
    db: DbSession, actor: AnyUser, recommendation_id: RowId, response: Response, lang: LangQuery = "en"
) -> RecommendationDetail | PublicRecommendationDetail:
    if reader_view.sees_public_view(actor):
        public, tag = reader_view.get_recommendation(db, recommendation_id, lang)
        response.headers["ETag"] = tag
        return public
    detail, tag = service.get_recommendation(db, actor, recommendation_id, lang)
    send_version_etag(response, tag)  # a reader's ETag above is its body's: a 304 stays right for it
    return detail


@router.patch(
    "/{recommendation_id}",
    summary="Edit the local fields (and, on a manual recommendation, its feed fields)",
    description="Feed-owned fields of imported recommendations are refused (422): the import owns them. "
    "Needs If-Match with the ETag of your last read.",
    responses={**problem_responses(403, 412, 428), **VERSIONED},
)
def update_recommendation(
    db: DbSession,
    actor: Manager,
    recommendation_id: RowId,
    body: RecommendationUpdate,
    response: Response,
    if_match: IfMatch = None,
    lang: LangQuery = "en",
) -> RecommendationDetail:
    detail, tag = updates.update_recommendation(db, actor, recommendation_id, body, if_match, lang)
    response.headers["ETag"] = tag
    return detail


@router.post(
    "/{recommendation_id}/publish",
    summary="Publish the working status and priority: what the public sees from now on",
    description="Coordinators and admins. Until published, a status or priority change is staff-only "
    "(`local.status` / `local.priority`); the public sees `local.published_status` / "
    "`local.published_priority`. `If-Match` is optional: when sent it is checked (412 if stale). "
    "Publishing what is already public changes nothing (same ETag, no audit event).",
    responses={**problem_responses(403, 412, 428), **VERSIONED},
)
def publish_recommendation(
    db: DbSession,
    actor: Manager,
    recommendation_id: RowId,
    response: Response,
    if_match: IfMatch = None,
    lang: LangQuery = "en",
) -> RecommendationDetail:
    detail, tag = updates.publish_recommendation(db, actor, recommendation_id, if_match, lang)
    response.headers["ETag"] = tag
    return detail


@router.post(
    "/{recommendation_id}/archive",
    summary="Archive (withdraw) a manual recommendation",
    responses={**problem_responses(403, 409), **VERSIONED},
)
def archive_recommendation(
    db: DbSession, actor: Manager, recommendation_id: RowId, response: Response
) -> RecommendationDetail:
    detail, tag = updates.set_archived(db, actor, recommendation_id, True)
    response.headers["ETag"] = tag
    return detail


@router.post(
    "/{recommendation_id}/unarchive",
    summary="Restore an archived manual recommendation",
    responses={**problem_responses(403, 409), **VERSIONED},
)
def unarchive_recommendation(
    db: DbSession, actor: Manager, recommendation_id: RowId, response: Response
) -> RecommendationDetail:
    detail, tag = updates.set_archived(db, actor, recommendation_id, False)
    response.headers["ETag"] = tag
    return detail


_SOURCES = " See docs/sources.md for how records of one recommendation are recognised across sources."


@router.get(
    "/{recommendation_id}/sources",
    summary="The recommendation's records in every source (UHRI, UPR Info, manual) and their links",
    description="The leading record first, then the linked ones, then the pairs a coordinator unlinked."
    + _SOURCES,
    responses=problem_responses(403),
)
def list_sources(db: DbSession, actor: StaffUser, recommendation_id: RowId) -> SourceList:
    return sources.list_sources(db, recommendation_id)


@router.post(
    "/{recommendation_id}/sources/{other_id}/link",
    summary="Link another record to this recommendation by hand (it is listed under this one)",
    description="Refused (422 naming other_id) when the other record is not of the same mechanism, "
    "the same State under review and, for the UPR, the same session; refused (409) when this record is "
    "itself linked to another one, when the other one leads records of its own, or is linked "
    "elsewhere: unlink first. Audited." + _SOURCES,
    responses=problem_responses(403, 409),
)
def link_source(db: DbSession, actor: Manager, recommendation_id: RowId, other_id: RowId) -> SourceList:
    return sources.link(db, actor, recommendation_id, other_id)


@router.post(
    "/{recommendation_id}/sources/{other_id}/unlink",
    summary="Unlink two records: each is listed on its own again, and never linked again automatically",
    description="Either record of the linked pair may be named first. Audited." + _SOURCES,
    responses=problem_responses(403, 409),
)
def unlink_source(db: DbSession, actor: Manager, recommendation_id: RowId, other_id: RowId) -> SourceList:
    return sources.unlink(db, actor, recommendation_id, other_id)


@router.post(
    "/{recommendation_id}/sources/settle",
    summary="Settle work a linked copy still holds: keep the leading record's, or take the copy's",
    description="`recommendation_id` is the copy (see `work_on_copies`). `keep=record` removes the copy's "
    "work of that kind; `keep=copy` replaces the leading record's with it. 409 when the record is not a "
    "linked copy or holds none of that kind. Audited as `recommendation.copy_work_settled`." + _SOURCES,
    responses=problem_responses(403, 409),
)
def settle_copy_work(db: DbSession, actor: Manager, recommendation_id: RowId, body: SettleWork) -> SourceList:
    return sources.settle(db, actor, recommendation_id, body.kind, body.keep)
