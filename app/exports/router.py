"""HTTP layer of the exports and statistics.

Staff routes (``/exports/...``, ``/stats``) carry the internal fields; the public ones
(``/public/exports/...``, ``/public/stats``) carry published data only and take ``PublicCaller``
(access mode and rate limit). How an export is sent (slots, rate cost, cache) is in sending.py.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.auth.deps import PublicCaller, StaffUser
from app.core.caching import cached_response, etag_matches, public_cache_headers
from app.core.deps import AppSettings, DbSession, SiteAddress
from app.core.head import headers_only, is_head
from app.core.problem_docs import problem_doc, problem_responses
from app.core.publisher import Publisher
from app.core.time_zone import local_today
from app.exports import stats
from app.exports.metadata import metadata_document
from app.exports.params import (
    CsvExportParams,
    ExportParams,
    PublicCsvExportParams,
    PublicExportParams,
    list_params,
)
from app.exports.schemas import ExportMetadata, PublicExportRow, PublicStats, StaffExportRow, StaffStats
from app.exports.sending import public_export, staff_export, staff_template_export
from app.exports.writers import XLSX_MEDIA_TYPE
from app.public.docs import CACHE_HEADERS, CACHED_RESPONSES
from app.recommendations.schemas import RecommendationListParams

# One tag per operation (a generated client makes a module of each): the public routes are "public",
# beside the rest of the public API, the staff ones "exports".
router = APIRouter()

_FILTERS = " Takes the filters of `GET /api/v1/recommendations` (no `cursor`, no `limit`)."
_PUBLIC_FILTERS = (
    " Takes the filters of the recommendation list except `withdrawn` and `needs_review` "
    "(no `cursor`, no `limit`): withdrawn recommendations are never included."
)
# With their schemas, so that a generated client returns the text and the file (docs/civil-society.md).
_CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "CSV, UTF-8 with a byte-order mark",
    }
}
_XLSX_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        "description": "An Excel workbook, one sheet",
    }
}
_JSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": list[StaffExportRow], "description": "A JSON array of recommendation objects"}
}
_PUBLIC_JSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": list[PublicExportRow], "description": "A JSON array of published recommendation objects"}
}
# What a public export's answer carries beside its body: the file name, the links to its metadata and
# licence, and a (weak) ETag of the data version for If-None-Match.
_DOWNLOAD_HEADERS: dict[str, Any] = {
    "Content-Disposition": {
        "description": 'attachment; filename="nrtd-recommendations-public-FILTERS-LANG-YYYY-MM-DD.csv" '
        "(.xlsx, .json; FILTERS: each filter's name and values, `mechanism-CRC-country-Peru`, none without "
        "a filter; LANG: `lang`), with the name in `filename*` (UTF-8) when it holds accents",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'The metadata document (rel="describedby") and the licence (rel="license")',
        "schema": {"type": "string"},
    },
    **CACHE_HEADERS,
}


def _public_download(doc: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {**doc[200], "headers": _DOWNLOAD_HEADERS},
        304: CACHED_RESPONSES[304],
        **_BUSY,
    }


_LIMITS = (
    " At most `NRTD_EXPORT_CONCURRENCY_PER_CLIENT` exports per client at once (beyond: 429) and "
    "`NRTD_EXPORT_CONCURRENCY` in all (beyond: 503), both with `Retry-After`; an export stops as soon "
    "as its client disconnects."
)
_PUBLIC_LIMITS = (
    _LIMITS + " Counts as `NRTD_EXPORT_RATE_COST` requests of the public rate limit (a `HEAD`, which "
    "builds nothing, as one). The unfiltered "
    "export (`lang` alone) is served from a file kept per data version; while that file is being "
    "built for another request the answer is 503 with `Retry-After`."
)
_STATS_LABELS = (
    " Each bucket's `label` is in `lang`: the statuses, positions, priorities and cycles in the interface's "
    "words (English, French, Spanish), the mechanisms by their official names, the SDG goals by their "
    "titles, the themes where a UHRI export in that language named them; keys and counts do not change."
)
_STATS_LIMIT = (
    " Bounded by `NRTD_STATS_TIMEOUT` seconds: a slower request is stopped and answered 503 with "
    "`Retry-After` (narrow the filters)."
)
_STAFF_CACHED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not modified: the If-None-Match ETag is current",
        "headers": {"ETag": CACHE_HEADERS["ETag"]},
    }
}
_BUSY: dict[int | str, dict[str, Any]] = {
    **problem_responses(429),
    503: problem_doc(
        "The server is building as many exports as it may, this full export is being "
        "prepared for another request, or the database is busy: retry after the Retry-After header's seconds"
    ),
}
_STATS_BUSY: dict[int | str, dict[str, Any]] = {
    503: problem_doc(
        "The statistics took longer than NRTD_STATS_TIMEOUT and were stopped (narrow the "
        "filters), or the database is busy: retry after the Retry-After header's seconds"
    ),
}


# --- staff ----------------------------------------------------------------------------------


@router.get(
    "/exports/recommendations.csv",
    tags=["exports"],
    summary="Export the filtered recommendation list as CSV, internal fields included (staff)",
    description="Streamed. `format=template` gives the CSV import template's columns; "
    "`separator=semicolon` separates the cells with `;` for Excel in French, Spanish..." + _FILTERS + _LIMITS,
    response_class=StreamingResponse,
    responses={**_CSV_DOC, **_BUSY},
)
def export_csv(
    request: Request,
    actor: StaffUser,
    params: Annotated[CsvExportParams, Query()],
) -> Response:
    if params.format == "template":
        return staff_template_export(request, actor, params)
    return staff_export(request, actor, params, "csv")


@router.get(
    "/exports/recommendations.xlsx",
    tags=["exports"],
    summary="Export the filtered recommendation list as XLSX, internal fields included (staff)",
    description="Streamed." + _FILTERS + _LIMITS,
    response_class=StreamingResponse,
    responses={**_XLSX_DOC, **_BUSY},
)
def export_xlsx(request: Request, actor: StaffUser, params: Annotated[ExportParams, Query()]) -> Response:
    return staff_export(request, actor, params, "xlsx")


@router.get(
    "/exports/recommendations.json",
    tags=["exports"],
    summary="Export the filtered recommendation list as a JSON array, internal fields included (staff)",
    description="Streamed." + _FILTERS + _LIMITS,
    response_class=StreamingResponse,
    responses={**_JSON_DOC, **_BUSY},
)
def export_json(request: Request, actor: StaffUser, params: Annotated[ExportParams, Query()]) -> Response:
    return staff_export(request, actor, params, "json")


@router.get(
    "/stats",
    tags=["exports"],
    summary="Statistics of the filtered recommendation list and its actions (staff)",
    description="Counts by status, mechanism, theme, SDG goal, lead entity, UPR cycle, position, "
    "priority; actions by status and overdue. `ETag` (of the data version, the day and the query), "
    "304 on `If-None-Match`; a revalidation or a HEAD counts nothing."
    + _STATS_LABELS
    + _FILTERS
    + _STATS_LIMIT,
    response_model=StaffStats,
    responses={**_STAFF_CACHED, **_STATS_BUSY},
)
def staff_stats(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    actor: StaffUser,
    params: Annotated[ExportParams, Query()],
) -> Response:
    return _statistics(request, db, list_params(params), settings.stats_timeout, public=False)


def _statistics(
    request: Request, db: DbSession, asked: RecommendationListParams, timeout: float, *, public: bool
) -> Response:
    """The statistics (staff or public) as JSON, or the answer of a HEAD or a revalidation."""
    today = local_today()
    headers, unchanged = _revalidated(request, db, asked, today, public=public)
    if unchanged is not None:
        return unchanged
    count = stats.public_statistics if public else stats.staff_statistics
    counts = count(db, asked, today=today, timeout=timeout)
    return Response(counts.model_dump_json().encode(), media_type="application/json", headers=headers)


def _revalidated(
    request: Request, db: DbSession, asked: RecommendationListParams, today: date, *, public: bool
) -> tuple[dict[str, str], Response | None]:
    """The statistics' headers (their ETag from the data version), and the answer of a HEAD or a
    revalidation, which counts nothing (None for a GET that must count); what the GET would refuse
    is refused first."""
    stats.check_statistics(db, asked, public=public)
    tag = stats.statistics_tag(db, asked, public=public, today=today)
    # Staff counts hold internal fields: kept by the caller alone, and revalidated on each use.
    headers = public_cache_headers(tag) if public else {"ETag": tag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), tag):
        return headers, Response(status_code=304, headers=headers)
    if is_head(request.scope):
        return headers, headers_only("application/json", headers)
    return headers, None


# --- public ---------------------------------------------------------------------------------


@router.get(
    "/public/exports/recommendations.csv",
    tags=["public"],
    summary="Open data: the filtered published recommendations as CSV",
    description="Streamed; published fields only. `separator=semicolon` separates the cells with `;` "
    "for Excel in French, Spanish..." + _PUBLIC_FILTERS + _PUBLIC_LIMITS,
    response_class=StreamingResponse,
    responses=_public_download(_CSV_DOC),
)
def public_export_csv(
    request: Request, caller: PublicCaller, params: Annotated[PublicCsvExportParams, Query()]
) -> Response:
    return public_export(request, caller, params, "csv")


@router.get(
    "/public/exports/recommendations.xlsx",
    tags=["public"],
    summary="Open data: the filtered published recommendations as XLSX",
    description="Streamed; published fields only." + _PUBLIC_FILTERS + _PUBLIC_LIMITS,
    response_class=StreamingResponse,
    responses=_public_download(_XLSX_DOC),
)
def public_export_xlsx(
    request: Request, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    return public_export(request, caller, params, "xlsx")


@router.get(
    "/public/exports/recommendations.json",
    tags=["public"],
    summary="Open data: the filtered published recommendations as a JSON array",
    description="Streamed; published fields only." + _PUBLIC_FILTERS + _PUBLIC_LIMITS,
    response_class=StreamingResponse,
    responses=_public_download(_PUBLIC_JSON_DOC),
)
def public_export_json(
    request: Request, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    return public_export(request, caller, params, "json")


@router.get(
    "/public/exports/metadata.json",
    tags=["public"],
    summary="Open data: who publishes it, its licence, when it last changed and was last imported",
    description='The document every export links with `Link: <...>; rel="describedby"` (the licence with '
    '`rel="license"`). Cacheable: `ETag`, `Cache-Control`, 304 on `If-None-Match`.',
    response_model=ExportMetadata,
    responses={**CACHED_RESPONSES, **problem_responses(429)},
)
def public_export_metadata(
    request: Request, db: DbSession, settings: AppSettings, site: SiteAddress, caller: PublicCaller
) -> Response:
    document = metadata_document(db, Publisher.of(settings), site)
    return cached_response(request, document.model_dump_json().encode(), "application/json")


@router.get(
    "/public/stats",
    tags=["public"],
    summary="Statistics of the published recommendations and published actions",
    description="Cacheable: `ETag` (of the data version, the day and the query), `Cache-Control`, 304 on "
    "`If-None-Match`; a revalidation or a HEAD counts nothing."
    + _STATS_LABELS
    + _PUBLIC_FILTERS
    + _STATS_LIMIT,
    response_model=PublicStats,
    responses={**CACHED_RESPONSES, **problem_responses(429), **_STATS_BUSY},
)
def public_stats(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    caller: PublicCaller,
    params: Annotated[PublicExportParams, Query()],
) -> Response:
    return _statistics(request, db, list_params(params), settings.stats_timeout, public=True)
