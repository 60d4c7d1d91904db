"""Deleting a draft indicator value from the workspace: asked once more on a page of its own (a 303
to a GET), then deleted with a 303 to its indicator; Back to the question after that leads to the
indicator, never to the browser's "send the form again?"."""

from __future__ import annotations

from sqlalchemy import Connection

from tests.staff.conftest import StaffLogin
from tests.staff.test_indicators import World, _etag, _record, _value, world

__all__ = ["world"]  # the fixture


def test_a_draft_is_deleted(staff_login: StaffLogin, db: Connection, world: World) -> None:
    focal = staff_login("focal_point", entity_id=world.entity)
    value_id = _record(focal, world, "5")
    tag = _etag(focal.get(f"/staff/values/{value_id}").text, f"/staff/values/{value_id}/delete")
    # One click deleted the typed value: it is asked once more, and nothing is deleted until then.
    # On a page of its own (a 303 to a GET): Back after deleting never sends the form again.
    sent = focal.post(f"/staff/values/{value_id}/delete", {"etag": tag})
    assert sent.status_code == 303 and sent.headers["location"].startswith(
        f"/staff/values/{value_id}/delete?"
    )
    asked = focal.get(sent.headers["location"])
    assert asked.status_code == 200 and "<h1>Delete this value?</h1>" in asked.text
    assert 'name="etag"' in asked.text and _value(db, value_id) is not None
    response = focal.post(f"/staff/values/{value_id}/delete", {"etag": tag, "confirmed": "yes"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/indicators/{world.indicator}?done=value-deleted"
    assert _value(db, value_id) is None
    back = focal.get(sent.headers["location"])  # Back to the question: the indicator
    assert back.status_code == 303 and back.headers["location"] == f"/staff/indicators/{world.indicator}"
