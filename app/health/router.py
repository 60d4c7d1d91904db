from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health.service import ReadinessProbe

router = APIRouter(tags=["health"])


# Both are coroutines, answered in the event loop: when every server thread waits for the database,
# the process is still alive (a liveness check must not restart it for that) and says why it is not
# ready, rather than letting the checks time out in the thread pool's queue.
@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database answers within 3 s, its schema is this release's, and the evidence files "
    "are where their rows say and new ones can be stored",
)
async def readyz(request: Request) -> JSONResponse:
    probe: ReadinessProbe = request.app.state.readiness  # made by create_app
    status = await probe.status_async()
    return JSONResponse(status, status_code=200 if status["status"] == "ready" else 503)
