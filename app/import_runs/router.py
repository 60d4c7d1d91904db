"""HTTP layer of the imports API: the import runs (read only: imports are started by the CLI or the
scheduler) and the CSV template for manual recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import StaffUser
from app.core.deps import DbSession, RowId
from app.import_runs import service
from app.import_runs.schemas import ImportRunDetail, ImportRunListParams, ImportRunPage
from app.import_runs.sending import DISPOSITION, template_response

router = APIRouter(tags=["imports"])


_MASKED = (
    "Passwords and tokens in `location` and `message` are shown as `***`; to focal points, a feed's "
    "location is only its host and file name, and a local path only its file name."
)


@router.get("/import-runs", summary="Import runs, newest first, with keyset pagination", description=_MASKED)
def list_import_runs(
    db: DbSession, actor: StaffUser, params: Annotated[ImportRunListParams, Query()]
) -> ImportRunPage:
    return service.list_import_runs(db, actor, params)


@router.get(
    "/import-runs/{run_id}", summary="One import run with the records it rejected", description=_MASKED
)
def get_import_run(
    db: DbSession,
    actor: StaffUser,
    run_id: RowId,
    rejections_offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="Skip this many rejections (batches of 500)")
    ] = 0,
) -> ImportRunDetail:
    return service.get_import_run(db, actor, run_id, rejections_offset)


@router.get(
    "/import-template.csv",
    summary="The CSV template for manual recommendations",
    description=(
        "The header row and one example row, UTF-8 with a byte-order mark so that spreadsheet "
        "programs open and save it as UTF-8. Fill it in and import it with `nrtd import csv FILE`; "
        "the columns are described in docs/csv-template.md."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The template, as a file download",
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": {
                "Content-Disposition": {
                    "description": f"`{DISPOSITION}`",
                    "schema": {"type": "string"},
                }
            },
        }
    },
)
def get_import_template() -> Response:
    return template_response()
