"""Text pasted into a workspace form from a PDF may carry NUL characters, invisible in the box: the
form is saved without them, rather than refused on a bare page that named no field and lost what was
typed (the API, whose callers are programs, still refuses them: tests/core/test_tampered_input.py)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from app.models import Cluster
from tests.staff.conftest import StaffLogin


def test_a_nul_pasted_into_a_form_is_left_out_and_the_form_saved(
    staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    response = staff.post(
        "/staff/clusters",
        {
            "name": "Violence\x00 against women",
            "description": "Copied from the\x00 report",
            "lead_entity_id": "",
        },
    )
    assert response.status_code == 303, response.text
    saved = db.execute(select(Cluster.name, Cluster.description).where(Cluster.name.like("Violence%"))).one()
    assert tuple(saved) == ("Violence against women", "Copied from the report")


def test_a_nul_pasted_into_a_search_box_is_left_out(staff_login: StaffLogin) -> None:
    listed = staff_login("coordinator").get("/staff/recommendations", params={"q": "tor\x00ture"})
    assert listed.status_code == 200
    assert 'value="torture"' in listed.text
