"""The workspace's home page: "My work", what is waiting for the signed-in user.

Coordinators and admins: what the last import changed and nobody has reviewed, progress updates
and indicator values waiting for approval, overdue actions, the last import run. Focal points: their
entity's overdue actions and the open ones due within 30 days, its progress updates still in draft or
returned to it, the indicator values returned to it, and what it submitted that waits for approval.
Readers: where to look.
Every count comes from its domain's service, the same the API lists with.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.actor import FOCAL_POINT
from app.core.deps import AppSettings, DbSession
from app.core.time_zone import local_today
from app.entities.service import entity_refs
from app.import_runs import service as import_runs
from app.import_runs.schemas import ImportRunListParams
from app.models import User
from app.models.plan import OPEN_ACTION_STATUSES
from app.notify.items import work_for
from app.plans.actions import service as actions
from app.plans.actions.schemas import ActionListParams
from app.plans.indicators import queue as indicator_values
from app.plans.indicators.schemas import ValueListParams
from app.plans.progress.reading import waiting_updates
from app.recommendations import review
from app.staff.account import sends_mail
from app.staff.actions import statuses
from app.staff.labels import run_labels
from app.staff.pages import StaffPage, render, staff_router
from app.staff.session import SignedIn
from app.staff.static import static_file

router = staff_router()

# How many of each list the page shows (the counts are of all of them).
SHOWN = 5
# A focal point's open actions listed are those due within this many days.
DUE_SOON_DAYS = 30


def _manager_work(db: Session, staff: StaffSession) -> dict[str, Any]:
    runs = import_runs.list_import_runs(db, staff.actor, ImportRunListParams(limit=1)).items
    last_run = runs[0] if runs else None
    return {
        "waiting_review": review.waiting_for_review(db),
        "waiting_review_last_run": review.waiting_for_review(db, last_run.id) if last_run else 0,
        "last_run": last_run,
        "submitted": waiting_updates(db, ("submitted",), limit=SHOWN),
        "overdue": actions.earliest_due(db, ActionListParams(overdue=True, limit=SHOWN)),
        "values_submitted": indicator_values.list_values(
            db, staff.actor, ValueListParams(state=["submitted"], limit=1)
        ).total,
    }


def _focal_point_work(db: Session, staff: StaffSession) -> dict[str, Any]:
    entity = staff.actor.entity_id
    if entity is None:  # a focal point with no entity has nothing of its own
        return {"entity_missing": True}
    return {
        "entity": entity_refs(db, [entity]).get(entity),
        "overdue": actions.earliest_due(db, ActionListParams(entity_id=entity, overdue=True, limit=SHOWN)),
        "open": actions.earliest_due(
            db,
            ActionListParams(
                entity_id=entity,
                status=list(OPEN_ACTION_STATUSES),
                overdue=False,
                due_before=local_today() + timedelta(days=DUE_SOON_DAYS),
                limit=SHOWN,
            ),
        ),
        "returned": waiting_updates(db, ("returned",), entity_id=entity, limit=SHOWN),
        "drafts": waiting_updates(db, ("draft",), entity_id=entity, limit=SHOWN),
        "values_returned": indicator_values.list_values(
            db,
            staff.actor,
            ValueListParams(state=["returned"], entity_id=entity, limit=SHOWN),
            written_in=entity,
        ),
        # What the entity sent and a coordinator has not approved or returned yet.
        "submitted": waiting_updates(db, ("submitted",), entity_id=entity, limit=SHOWN),
        "values_submitted": indicator_values.list_values(
            db,
            staff.actor,
            ValueListParams(state=["submitted"], entity_id=entity, limit=1),
            written_in=entity,
        ).total,
    }


@router.get("/", response_class=HTMLResponse)
def my_work(request: Request, db: DbSession, staff: SignedIn, settings: AppSettings) -> Response:
    page = StaffPage.of(request, "home", staff)
    # The items of the reminder digest (app.notify): what the e-mail says, here too.
    user = db.get(User, staff.actor.user_id) if staff.actor.user_id else None
    reminders = work_for(db, user, settings.notify_due_days) if user else []
    if staff.actor.is_manager:
        work = _manager_work(db, staff)
    elif staff.actor.role == FOCAL_POINT:
        work = _focal_point_work(db, staff)
    else:
        work = {}
    return render(
        request,
        page,
        "dashboard.html",
        {
            "work": work,
            "reminders": reminders,
            "digest": user.digest if user else None,  # "never": the list comes by no e-mail
            "sends_mail": sends_mail(request),  # nor does it from a server without a mail server
            "statuses": statuses(page),
            "run_labels": run_labels(page.gettext),
        },
    )


@router.get("/static/{name}")
def static(name: str) -> Response:
    """Stylesheet and scripts: no sign-in needed (they hold no data)."""
    return static_file(name)
