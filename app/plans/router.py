"""HTTP layer of plans: actions, indicators and progress updates, combined into one router."""

from __future__ import annotations

from fastapi import APIRouter

from app.plans.actions.router import router as action_router
from app.plans.indicators.router import router as indicator_router
from app.plans.progress.queue_router import router as progress_queue_router
from app.plans.progress.router import router as progress_router

# Each part tags its routes "plans": a tag here too would list every operation under it twice.
router = APIRouter()
router.include_router(action_router)
router.include_router(indicator_router)
# Before the updates' own routes: /progress/return is a batch, not the update "return".
router.include_router(progress_queue_router)
router.include_router(progress_router)
