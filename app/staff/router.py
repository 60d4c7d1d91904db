"""All the workspace's pages, mounted at /staff by ``app.main``. Each area is its own module."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from app.staff import (
    account,
    action_detail,
    actions,
    auth_pages,
    calendar,
    calendar_edit,
    clusters,
    dashboard,
    follow_up,
    imports,
    indicator_values,
    indicators,
    previews,
    progress,
    progress_evidence,
    progress_queue,
    recommendation_detail,
    recommendation_sources,
    recommendations_list,
    reports,
    review,
)
from app.staff.admin import api_keys, audit, entities, users

router = APIRouter(prefix="/staff", include_in_schema=False)
for area in (
    auth_pages,
    dashboard,
    review,
    recommendations_list,
    recommendation_detail,
    clusters,
    users,
    entities,
    api_keys,
    audit,
    imports,
    reports,
    progress_queue,
    actions,
    action_detail,
    previews,
    account,
    calendar,
    calendar_edit,
    indicators,
    indicator_values,
    follow_up,
    progress,
    progress_evidence,
    recommendation_sources,
):
    router.include_router(area.router)


@router.get("")
def no_slash() -> Response:
    return RedirectResponse("/staff/", status_code=308)
