"""HTTP layer of the audit trail (read only)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["audit"])
