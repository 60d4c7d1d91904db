"""A focal point whose entity is archived reads the workspace as before but writes nothing more: the
page says why, naming the entity, in its language (tests/plans/test_archived_entity_writes.py: the API)."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from app.auth.permissions import ARCHIVED_ENTITY
from app.models import Action, Entity
from app.web.i18n import translations
from tests.accounts import create_entity
from tests.staff.conftest import StaffLogin


def test_the_workspace_refuses_their_writes_in_its_language(
    db: Connection, staff_login: StaffLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    french = "%(entity)s est archivé : demandez à un coordinateur"
    monkeypatch.setitem(vars(translations("fr"))["_catalog"], ARCHIVED_ENTITY, french)
    justice = create_entity(db, "Ministère de la Justice")
    with Session(db, join_transaction_mode="create_savepoint") as session, session.begin():
        action = Action(title="Former des juges", lead_entity_id=justice)
        session.add(action)
        session.flush()
        action_id = action.id
    focal = staff_login("focal_point", entity_id=justice)
    db.execute(update(Entity).where(Entity.id == justice).values(archived=True))
    assert focal.get(f"/staff/actions/{action_id}").status_code == 200  # reads unchanged
    page = focal.post(
        f"/staff/actions/{action_id}/progress",
        {"reported_on": "2025-06-30", "narrative": "Deux ateliers."},
        headers={"Accept-Language": "fr"},
    )
    assert page.status_code == 403
    assert "Ministère de la Justice est archivé : demandez à un coordinateur" in page.text
    # Their own account stays theirs.
    assert focal.get("/staff/account").status_code == 200
