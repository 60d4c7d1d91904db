"""HTTP layer of the implementation reports."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
