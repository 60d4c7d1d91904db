"""HTTP layer of the import-runs API (read only: imports are started by the CLI or the scheduler)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.deps import DbSession, RowId
from app.imports import service
from app.imports.schemas import ImportRunDetail, ImportRunListParams, ImportRunPage

router = APIRouter(prefix="/import-runs", tags=["imports"])


@router.get("", summary="Import runs, newest first, with keyset pagination")
def list_import_runs(db: DbSession, params: Annotated[ImportRunListParams, Query()]) -> ImportRunPage:
    return service.list_import_runs(db, params)


@router.get("/{run_id}", summary="One import run with the records it rejected")
def get_import_run(
    db: DbSession,
    run_id: RowId,
    rejections_offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="Skip this many rejections (batches of 500)")
    ] = 0,
) -> ImportRunDetail:
    return service.get_import_run(db, run_id, rejections_offset)
