"""HTTP layer of clusters."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["clusters"])
