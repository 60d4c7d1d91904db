"""Reviewing several progress updates in one step: return them with one comment, or approve them.

All or nothing: each update goes through the same transition as alone (``service.return_update``,
``service.approve``: the same checks, one audit event each); the first refusal stops the batch and,
raised again naming that update, rolls the whole request back, so nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from app.plans.progress import service
from app.plans.progress.queue_schemas import ApproveMany, ProgressBatch, ProgressReviewBatch, ReturnMany
from app.plans.progress.schemas import ApproveBody, ProgressOut, ReturnBody

# Refusals of one update, told again naming it; others (a busy database) pass unchanged.
_RENAMED: tuple[type[DomainError], ...] = (Forbidden, Conflict, InvalidInput)


def _refused(progress_id: int, exc: DomainError) -> DomainError:
    """The same refusal, naming the update and saying that nothing changed."""
    if not isinstance(exc, (NotFound, *_RENAMED)):
        return exc
    reason = Reason(_("progress update %(id)s: %(reason)s"), id=progress_id, reason=exc.detail)
    # An unknown id is a wrong value in the body here, not a missing page.
    kind = InvalidInput if isinstance(exc, NotFound) else type(exc)
    return kind(
        f"{reason}; nothing was changed",
        errors=[{"field": "ids", "reason": reason}],
        headers=exc.headers,
        persist=exc.persist,
    )


Out = TypeVar("Out", bound=ProgressOut)


def _each(ids: list[int], transition: Callable[[int], tuple[Out, str]]) -> list[Out]:
    items: list[Out] = []
    for progress_id in ids:
        try:
            update, _etag = transition(progress_id)
        except DomainError as exc:
            refusal = _refused(progress_id, exc)
            if refusal is exc:
                raise
            raise refusal from exc
        items.append(update)
    return items


def return_many(session: Session, actor: Actor, body: ReturnMany) -> ProgressBatch:
    comment = ReturnBody(comment=body.comment)
    return ProgressBatch(
        items=_each(
            body.ids, lambda progress_id: service.return_update(session, actor, progress_id, comment, None)
        )
    )


def approve_many(session: Session, actor: Actor, body: ApproveMany) -> ProgressReviewBatch:
    """Each answer says whether the public sees the update now, as an approval alone does."""
    approval = ApproveBody(publish=body.publish, publish_parents=body.publish_parents)
    return ProgressReviewBatch(
        items=_each(
            body.ids, lambda progress_id: service.approve(session, actor, progress_id, approval, None)
        )
    )
