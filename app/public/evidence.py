"""Evidence files for the public: a file is public exactly when its progress update is (approved and
published, on a published action: ``published_progress`` and the action's own flag, the rule the
public action pages use). Any other id answers as a missing one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.models import Action, EvidenceFile, ProgressUpdate
from app.plans.progress.reading import published_progress


def _update_is_public(session: Session, progress_id: int) -> bool:
    update = session.get(ProgressUpdate, progress_id)
    if update is None:
        return False
    action = session.get(Action, update.action_id)
    if action is None or not action.published:
        return False
    return any(row.id == update.id for row in published_progress(session, [action.id]).get(action.id, []))


def public_file(session: Session, evidence_id: int) -> EvidenceFile:
    row = session.get(EvidenceFile, evidence_id)
    if row is None or not _update_is_public(session, row.progress_update_id):
        raise NotFound(f"evidence file {evidence_id} does not exist")
    return row
