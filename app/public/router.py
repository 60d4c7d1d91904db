"""HTTP layer of the public, read-only API (no internal data ever).

Every route takes ``caller: PublicCaller`` (NRTD_PUBLIC_ACCESS and the per-client rate limit), or
runs ``public_caller`` in its one trip to the thread pool (``ReadInOneTrip``),
and answers through ``cached_response``: the body serialised from its allowlist model, with an
ETag, Cache-Control, and 304 when the client already holds it.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from starlette.responses import FileResponse

from app.auth.deps import PublicCaller, ReadInOneTrip, public_caller
from app.core.caching import CACHE_CONTROL, PUBLIC_VARY, cached_response
from app.core.deps import AppSettings, DbSession, RowId, SiteAddress
from app.core.publisher import Publisher
from app.evidence.sending import download, store_of
from app.evidence.service import stored_path
from app.exports import facets
from app.exports.params import PublicExportParams, list_params
from app.exports.schemas import RecommendationFacets
from app.feed.countries import state_name_in
from app.public import actions, clusters, evidence, feed, service
from app.public.docs import CACHE_HEADERS, CACHED_RESPONSES
from app.public.schemas import (
    FeedParams,
    PublicAction,
    PublicActionPage,
    PublicActionParams,
    PublicCluster,
    PublicClusterPage,
    PublicClusterParams,
    PublicModel,
    PublicRecommendationDetail,
    PublicRecommendationPage,
    PublicRecommendationParams,
)
from app.recommendations.schemas import AskedLang
from app.web.i18n import translations

router = APIRouter(prefix="/public", tags=["public"])

JSON = "application/json"
LangQuery = Annotated[
    AskedLang,
    Query(
        description="Language of `text` and SDG titles (a regional variant such as fr-CA is its language); "
        "falls back to en"
    ),
]


def _json(request: Request, model: PublicModel) -> Response:
    return cached_response(request, model.model_dump_json().encode(), JSON)


@router.get(
    "/recommendations",
    response_model=PublicRecommendationPage,
    summary="Published recommendations (most relevant or newest first), with filters and keyset pagination",
    description="Withdrawn recommendations are never listed. `cluster` takes a published cluster's id; "
    "any other id (unknown, unpublished, archived) gives an empty list.",
    responses=CACHED_RESPONSES,
)
async def list_recommendations(
    request: Request, trip: ReadInOneTrip, params: Annotated[PublicRecommendationParams, Query()]
) -> Response:
    # The most read route: its caller's check and its reading in one trip to the thread pool.
    page = await trip.run(public_caller, lambda db, _caller: service.list_json(db, params))
    return cached_response(request, page, JSON)


@router.get(
    "/recommendations/facets",
    response_model=RecommendationFacets,
    summary="Counts per mechanism, family, theme, SDG goal, affected persons, cycle, position and status",
    description="Published data only, for the list's filters and query: each dimension's counts apply every "
    "filter but its own (the other values of a chosen filter keep their counts). Unknown filter values "
    "are a 422.",
    responses=CACHED_RESPONSES,
)
def recommendation_facets(
    request: Request, db: DbSession, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    counts = facets.facets(db, list_params(params), public=True)
    return cached_response(request, counts.model_dump_json().encode(), JSON)


@router.get(
    "/recommendations/{recommendation_id}",
    response_model=PublicRecommendationDetail,
    summary="One recommendation with its texts, status, entities, published clusters, actions and progress",
    responses=CACHED_RESPONSES,
)
def get_recommendation(
    request: Request, db: DbSession, caller: PublicCaller, recommendation_id: RowId, lang: LangQuery = "en"
) -> Response:
    return _json(request, service.get_recommendation(db, recommendation_id, lang))


@router.get(
    "/clusters",
    response_model=PublicClusterPage,
    summary="Published clusters by name, with keyset pagination",
    responses=CACHED_RESPONSES,
)
def list_clusters(
    request: Request, db: DbSession, caller: PublicCaller, params: Annotated[PublicClusterParams, Query()]
) -> Response:
    return _json(request, clusters.list_clusters(db, params))


@router.get(
    "/clusters/{cluster_id}",
    response_model=PublicCluster,
    summary="One published cluster (unpublished and archived ones are 404)",
    responses=CACHED_RESPONSES,
)
def get_cluster(request: Request, db: DbSession, caller: PublicCaller, cluster_id: RowId) -> Response:
    return _json(request, clusters.get_cluster(db, cluster_id))


@router.get(
    "/actions",
    response_model=PublicActionPage,
    summary="Published actions, newest first, with indicators and published progress",
    responses=CACHED_RESPONSES,
)
def list_actions(
    request: Request, db: DbSession, caller: PublicCaller, params: Annotated[PublicActionParams, Query()]
) -> Response:
    return _json(request, actions.list_actions(db, params))


@router.get(
    "/actions/{action_id}",
    response_model=PublicAction,
    summary="One published action (unpublished ones are 404)",
    responses=CACHED_RESPONSES,
)
def get_action(request: Request, db: DbSession, caller: PublicCaller, action_id: RowId) -> Response:
    return _json(request, actions.get_action(db, action_id))


@router.get(
    "/feed.atom",
    response_class=Response,
    summary="Atom feed of the 50 most recently published progress updates",
    description="Optionally only those about a theme or SDG (of the action or of a recommendation it "
    "implements) or an entity (the action's lead or a supporting entity). Each entry links to the update on "
    "its action's portal page (`/actions/{id}`, also its id), the action's JSON and the portal pages of the "
    'recommendations it implements. Its own words (titles, the status, "Evidence") are in `lang`, else '
    "in the language the Accept-Language header prefers among en, fr and es, else English; the action's "
    "title and the narrative stay as written. With `lang`, the links to the portal pages carry it "
    "(`/actions/{id}?lang=es`), so that they open in the feed's language.",
    responses={
        200: {
            "description": "An Atom 1.0 feed",
            "content": {feed.ATOM_MEDIA_TYPE: {"schema": {"type": "string"}}},
            "headers": CACHE_HEADERS,
        },
        304: CACHED_RESPONSES[304],
    },
)
def progress_feed(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    base: SiteAddress,
    caller: PublicCaller,
    params: Annotated[FeedParams, Query()],
) -> Response:
    path = request.url.path
    query = urlencode(sorted(params.model_dump(exclude_none=True).items()))
    site = Publisher.of(settings)
    lang = feed.feed_language(params.lang, request.headers.get("accept-language"))
    gettext = translations(lang).gettext
    entries = feed.feed_entries(db, params)
    body = feed.render_atom(
        entries,
        feed_url=f"{base}{path}" + (f"?{query}" if query else ""),
        title=feed.feed_title(site, lang),
        author=site.body_in(gettext, state_name_in(site.country, lang) if site.country else None),
        publisher=site,
        lang=lang,
        links=feed.FeedLinks(
            page=lambda action_id: f"{base}/actions/{action_id}",
            data=lambda action_id: f"{base}{path.removesuffix('feed.atom')}actions/{action_id}",
            recommendation=lambda recommendation_id: f"{base}/recommendations/{recommendation_id}",
            lang=lang if params.lang else None,
        ),
        empty_updated=None if entries else feed.empty_feed_updated(db),
    )
    # The same address is written in another language for another Accept-Language.
    headers = {"Vary": "Authorization, X-API-Key, Accept-Language", "Content-Language": lang}
    return cached_response(request, body, feed.ATOM_MEDIA_TYPE, headers=headers)


@router.get(
    "/evidence/{evidence_id}",
    summary="Download a file of a published progress update",
    description="Only a file whose progress update is approved and published, on a published action; "
    "any other id is a 404, exactly as an id that does not exist. Always an attachment.",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The file, as an attachment, with the media type found from its content",
            "headers": CACHE_HEADERS,
        },
        304: CACHED_RESPONSES[304],
    },
)
def get_evidence_file(
    request: Request, db: DbSession, caller: PublicCaller, settings: AppSettings, evidence_id: RowId
) -> Response:
    row = evidence.public_file(db, evidence_id)
    held = request.headers.get("if-none-match")
    return download(stored_path(store_of(settings), row), row, CACHE_CONTROL, held, vary=PUBLIC_VARY)
