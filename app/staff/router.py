"""All the workspace's pages, mounted at /staff by ``app.main``. Each area is its own module."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from app.staff import (
    auth_pages,
    clusters,
    dashboard,
    imports,
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
    recommendation_sources,
):
    router.include_router(area.router)


@router.get("")
def no_slash() -> Response:
    return RedirectResponse("/staff/", status_code=308)
