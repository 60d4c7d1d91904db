"""HTTP layer of plans."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["plans"])
