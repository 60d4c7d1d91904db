"""Reading import runs and what they rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.errors import NotFound
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.feed.row_problems import problems_of
from app.import_runs.masking import shown_location, shown_message
from app.import_runs.schemas import (
    REJECTIONS_PAGE,
    WARNINGS_PAGE,
    ImportCounts,
    ImportRunDetail,
    ImportRunListParams,
    ImportRunOut,
    ImportRunPage,
    RejectionOut,
    WarningOut,
)
from app.models import ImportRun, ImportWarning, RejectedRecord
from app.models.imports import run_format

_RUNS = CursorOrder("import-runs", (int,))


def _fields(run: ImportRun, actor: Actor) -> dict[str, Any]:
    """The run as ``actor`` may see it: managers the whole location (passwords masked), focal
    points its host and file name only (see masking.py)."""
    full = actor.is_manager
    return {
        "id": run.id,
        "source": run.source,
        "format": run_format(run.source, run.format),
        "location": shown_location(run.location, full=full),
        "country": run.country,
        "languages": [lang for lang in run.languages.split(",") if lang],
        "full_export": run.full_export,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "outcome": run.outcome,
        "message": shown_message(run.message, run.location, full=full),
        "counts": ImportCounts(
            read=run.read,
            skipped=run.skipped,
            created=run.created,
            updated=run.updated,
            unchanged=run.unchanged,
            withdrawn=run.withdrawn,
            rejected=run.rejected,
        ),
    }


def list_import_runs(session: Session, actor: Actor, params: ImportRunListParams) -> ImportRunPage:
    """Newest first. Runs are numbered as they start, so the id is the keyset (the primary key index)."""
    conditions: list[ColumnElement[bool]] = []
    if params.source:
        conditions.append(ImportRun.source == params.source)
    if params.outcome:
        conditions.append(ImportRun.outcome == params.outcome)
    page_conditions = list(conditions)
    if params.cursor:
        (last_id,) = decode_cursor(params.cursor, _RUNS)
        page_conditions.append(ImportRun.id < last_id)
    query = select(ImportRun).where(*page_conditions).order_by(ImportRun.id.desc())
    runs, next_cursor = keyset_page(session, query, params.limit, lambda run: (run.id,), order=_RUNS)
    if params.cursor or next_cursor:
        total = session.execute(select(func.count()).select_from(ImportRun).where(*conditions)).scalar_one()
    else:
        total = len(runs)
    return ImportRunPage(
        items=[ImportRunOut(**_fields(run, actor)) for run in runs],
        next_cursor=next_cursor,
        total=total,
    )


def get_import_run(
    session: Session, actor: Actor, run_id: int, rejections_offset: int = 0
) -> ImportRunDetail:
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(f"import run {run_id} does not exist")
    rejected_total = session.execute(
        select(func.count()).select_from(RejectedRecord).where(RejectedRecord.import_run_id == run_id)
    ).scalar_one()
    rows = session.execute(
        select(RejectedRecord.position, RejectedRecord.external_id, RejectedRecord.reason)
        .where(RejectedRecord.import_run_id == run_id)
        .order_by(RejectedRecord.id)
        .offset(rejections_offset)
        .limit(REJECTIONS_PAGE)
    ).all()
    warnings = session.execute(
        select(ImportWarning.position, ImportWarning.message)
        .where(ImportWarning.import_run_id == run_id)
        .order_by(ImportWarning.id)
        .limit(WARNINGS_PAGE)
    ).all()
    end = rejections_offset + len(rows)
    return ImportRunDetail(
        **_fields(run, actor),
        rejections=[
            RejectionOut(position=p, external_id=e, reason=r, problems=problems_of(r)) for p, e, r in rows
        ],
        rejected_total=rejected_total,
        rejections_offset=rejections_offset,
        next_rejections_offset=end if end < rejected_total else None,
        warnings=[WarningOut(position=p, message=m) for p, m in warnings],
    )
