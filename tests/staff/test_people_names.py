"""Who changed a recommendation, named as the workspace names people (their name; the e-mail of an
account without one): on the page saying someone else saved first, in the status history and in the
History; the admins' audit log keeps the addresses."""

from __future__ import annotations

import re

from sqlalchemy import Connection

from tests.staff.conftest import StaffLogin
from tests.staff.recommendation_world import World, form, url, world

__all__ = ["world"]  # the fixture


def test_the_conflict_and_the_histories_name_people_by_their_names(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Who changed it is named as the workspace names people (their name; the email of one without
    a name), not by their email: on the conflict page, in the status history, in the history."""
    mine = staff_login("coordinator", email="first@example.org")
    theirs = staff_login("coordinator", email="amina@example.org", full_name="Amina Diallo")
    read_earlier = form(mine, world.main, priority="medium")
    changed = form(theirs, world.main, status="implemented", status_note="Law adopted.")
    assert theirs.post(url(world.main), changed).status_code == 303
    conflict = mine.post(url(world.main), read_earlier)
    assert conflict.status_code == 412
    assert "Amina Diallo changed it on" in conflict.text and "amina@example.org" not in conflict.text
    page = mine.get(url(world.main)).text
    status_row = re.search(r"<tr><td>[^<]*</td><td>In progress</td><td>Implemented</td>.*?</tr>", page)
    assert status_row and "<td>Amina Diallo</td>" in status_row.group(0)
    assert "<td>Amina Diallo</td>" in page.split('id="history"', 1)[1]  # the audit history
    assert "amina@example.org" not in page
    # Someone without a name is named by their email.
    assert mine.post(url(world.main), form(mine, world.main, status="not_applicable")).status_code == 303
    assert "<td>first@example.org</td>" in mine.get(url(world.main)).text
