from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health.service import database_status

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database is reachable and migrated to head")
def readyz(request: Request) -> JSONResponse:
    status = database_status(request.app.state.engine)
    return JSONResponse(status, status_code=200 if status["status"] == "ready" else 503)
