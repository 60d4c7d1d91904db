"""HTTP layer of the exports and statistics."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["exports"])
