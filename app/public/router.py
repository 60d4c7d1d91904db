"""HTTP layer of the public, read-only API (no internal data ever)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/public", tags=["public"])
