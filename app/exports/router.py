"""HTTP layer of the exports and statistics.

Staff routes (``/exports/...``, ``/stats``) carry the internal fields; the public ones
(``/public/exports/...``, ``/public/stats``) carry published data only and take ``PublicCaller``
(access mode and rate limit).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.auth.deps import PublicCaller, StaffUser
from app.core.deps import DbSession
from app.exports import service, stats
from app.exports.params import CsvExportParams, ExportParams, PublicExportParams, list_params
from app.exports.schemas import PublicExportRow, PublicStats, StaffExportRow, StaffStats
from app.exports.service import ExportFile
from app.exports.writers import XLSX_MEDIA_TYPE
from app.plans.action_store import utc_today
from app.public.caching import CACHE_CONTROL, cached_response
from app.recommendations.totals import data_version

router = APIRouter(tags=["exports"])

_FILTERS = " Takes the filters of `GET /api/v1/recommendations` (no `cursor`, no `limit`)."
_PUBLIC_FILTERS = (
    " Takes the filters of the recommendation list except `withdrawn` and `needs_review` "
    "(no `cursor`, no `limit`): withdrawn recommendations are never included."
)
_CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV, UTF-8 with a byte-order mark"}
}
_XLSX_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "An Excel workbook, one sheet"}
}
_JSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": list[StaffExportRow], "description": "A JSON array of recommendation objects"}
}
_PUBLIC_JSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": list[PublicExportRow], "description": "A JSON array of published recommendation objects"}
}


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _download(export: ExportFile, *, public: bool) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    if public:
        headers["Cache-Control"] = CACHE_CONTROL
        headers["Vary"] = "Authorization, X-API-Key"
    else:
        headers["Cache-Control"] = "private, no-store"
    return StreamingResponse(export.chunks, media_type=export.media_type, headers=headers)


def _data_tag(request: Request) -> str:
    """A weak ETag of a public export: the data version (newest import run and newest audit event:
    every change of published data writes one) and the query. The bytes differ from one build of
    a file to the next (an XLSX holds its creation time); what they say does not."""
    with Session(_engine(request)) as session:
        version = data_version(session)
    digest = hashlib.sha256(f"{version}|{request.url.path}|{request.url.query}".encode()).hexdigest()
    return f'W/"{digest[:32]}"'


def _export(request: Request, params: Any, fmt: service.ExportFormat, *, public: bool) -> Response:
    tag = _data_tag(request) if public else None
    if tag is not None and tag in [
        value.strip() for value in request.headers.get("if-none-match", "").split(",")
    ]:
        return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHE_CONTROL})
    export = service.recommendation_export(_engine(request), list_params(params), fmt, public=public)
    response = _download(export, public=public)
    if tag is not None:
        response.headers["ETag"] = tag
    return response


# --- staff ----------------------------------------------------------------------------------


@router.get(
    "/exports/recommendations.csv",
    summary="Export the filtered recommendation list as CSV, internal fields included (staff)",
    description="Streamed. `format=template` gives the CSV import template's columns." + _FILTERS,
    response_class=StreamingResponse,
    responses=_CSV_DOC,
)
def export_csv(
    request: Request,
    actor: StaffUser,
    params: Annotated[CsvExportParams, Query()],
) -> Response:
    if params.format == "template":
        return _download(service.template_export(_engine(request), list_params(params)), public=False)
    return _export(request, params, "csv", public=False)


@router.get(
    "/exports/recommendations.xlsx",
    summary="Export the filtered recommendation list as XLSX, internal fields included (staff)",
    description="Streamed." + _FILTERS,
    response_class=StreamingResponse,
    responses=_XLSX_DOC,
)
def export_xlsx(request: Request, actor: StaffUser, params: Annotated[ExportParams, Query()]) -> Response:
    return _export(request, params, "xlsx", public=False)


@router.get(
    "/exports/recommendations.json",
    summary="Export the filtered recommendation list as a JSON array, internal fields included (staff)",
    description="Streamed." + _FILTERS,
    response_class=StreamingResponse,
    responses=_JSON_DOC,
)
def export_json(request: Request, actor: StaffUser, params: Annotated[ExportParams, Query()]) -> Response:
    return _export(request, params, "json", public=False)


@router.get(
    "/stats",
    summary="Statistics of the filtered recommendation list and its actions (staff)",
    description="Counts by status, mechanism, theme, SDG goal, lead entity, UPR cycle, position, "
    "priority; actions by status and overdue." + _FILTERS,
)
def staff_stats(db: DbSession, actor: StaffUser, params: Annotated[ExportParams, Query()]) -> StaffStats:
    return stats.staff_statistics(db, list_params(params), today=utc_today())


# --- public ---------------------------------------------------------------------------------


@router.get(
    "/public/exports/recommendations.csv",
    summary="Open data: the filtered published recommendations as CSV",
    description="Streamed; published fields only." + _PUBLIC_FILTERS,
    response_class=StreamingResponse,
    responses=_CSV_DOC,
)
def public_export_csv(
    request: Request, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    return _export(request, params, "csv", public=True)


@router.get(
    "/public/exports/recommendations.xlsx",
    summary="Open data: the filtered published recommendations as XLSX",
    description="Streamed; published fields only." + _PUBLIC_FILTERS,
    response_class=StreamingResponse,
    responses=_XLSX_DOC,
)
def public_export_xlsx(
    request: Request, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    return _export(request, params, "xlsx", public=True)


@router.get(
    "/public/exports/recommendations.json",
    summary="Open data: the filtered published recommendations as a JSON array",
    description="Streamed; published fields only." + _PUBLIC_FILTERS,
    response_class=StreamingResponse,
    responses=_PUBLIC_JSON_DOC,
)
def public_export_json(
    request: Request, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    return _export(request, params, "json", public=True)


@router.get(
    "/public/stats",
    summary="Statistics of the published recommendations and published actions",
    description="Cacheable: `ETag`, `Cache-Control`, 304 on `If-None-Match`." + _PUBLIC_FILTERS,
    response_model=PublicStats,
)
def public_stats(
    request: Request, db: DbSession, caller: PublicCaller, params: Annotated[PublicExportParams, Query()]
) -> Response:
    body = stats.public_statistics(db, list_params(params), today=utc_today()).model_dump_json().encode()
    return cached_response(request, body, "application/json")
