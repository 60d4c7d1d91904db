"""HTTP layer of the work queues: progress updates across actions, and reviewing several at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import Manager, StaffUser
from app.core.deps import DbSession
from app.core.problem_docs import problem_responses
from app.plans.progress import batch, queue
from app.plans.progress.queue_schemas import (
    ApproveMany,
    ProgressBatch,
    ProgressQueuePage,
    ProgressQueueParams,
    ProgressReviewBatch,
    ReturnMany,
)

router = APIRouter(prefix="/progress", tags=["plans"])
# One refusal stops the batch: its status (403, 409; an unknown id is 422), naming the update.
BATCH_RESPONSES = problem_responses(403, 409)


@router.get(
    "",
    summary="Progress updates across actions, filtered by state, entity, action, author and dates "
    "(the approval queue: state=submitted), the longest waiting first, keyset pages",
)
def list_progress_queue(
    db: DbSession, actor: StaffUser, params: Annotated[ProgressQueueParams, Query()]
) -> ProgressQueuePage:
    return queue.list_queue(db, actor, params)


@router.post(
    "/return",
    summary="Return several submitted updates with one comment (coordinators); all or none",
    responses=BATCH_RESPONSES,
)
def return_many(db: DbSession, actor: Manager, body: ReturnMany) -> ProgressBatch:
    return batch.return_many(db, actor, body)


@router.post(
    "/approve",
    summary="Approve several submitted updates (coordinators); all or none",
    responses=BATCH_RESPONSES,
)
def approve_many(db: DbSession, actor: Manager, body: ApproveMany) -> ProgressReviewBatch:
    return batch.approve_many(db, actor, body)
