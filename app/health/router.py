from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health.service import ReadinessProbe

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database answers within 3 s, its schema is this release's, and the evidence files "
    "are where their rows say",
)
def readyz(request: Request) -> JSONResponse:
    probe: ReadinessProbe = request.app.state.readiness  # made by create_app
    status = probe.status()
    return JSONResponse(status, status_code=200 if status["status"] == "ready" else 503)
