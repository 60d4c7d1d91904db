"""All the workspace's pages, mounted at /staff by ``app.main``. Each area is its own module."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from app.staff import auth_pages, dashboard, recommendations_list

router = APIRouter(prefix="/staff", include_in_schema=False)
for area in (auth_pages, dashboard, recommendations_list):
    router.include_router(area.router)


@router.get("")
def no_slash() -> Response:
    return RedirectResponse("/staff/", status_code=308)
