"""HTTP layer of entities."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["entities"])
