"""The treaty-body follow-up on the recommendation page: what was read and corrected, the grades, and a
manager's two forms (the API's service: same checks, same audit), a correction kept on re-import."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Recommendation
from tests.accounts import create_entity
from tests.factories import import_records
from tests.followup.documents import CAT, CRC, cat_document, crc_document
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import COLUMNS, check_object_routes

# {id}: a recommendation the document's follow-up paragraph selects. An empty grade form is refused.
ROUTES = """
POST   /staff/recommendations/{id}/follow-up          303 303 403 403 303
POST   /staff/recommendations/{id}/follow-up/grades   422 422 403 403 303
"""


def _rec(engine: Engine, paragraph: str) -> int:
    import_records(engine, crc_document())
    with Session(engine) as session:
        return session.scalars(
            select(Recommendation.id).where(
                Recommendation.symbol == CRC, Recommendation.paragraph == paragraph
            )
        ).one()


def _page(text: str) -> str:
    return " ".join(html.unescape(text).split())


@pytest.mark.parametrize("role", COLUMNS)
def test_each_role_gets_the_routes_as_listed(
    role: str, engine: Engine, committed_staff_login: StaffLogin
) -> None:
    rec_id = _rec(engine, "10")
    entity = create_entity(engine, "Ministry of Justice")
    assert check_object_routes(ROUTES, role, rec_id, committed_staff_login, entity) == []


def test_a_manager_corrects_the_selection_and_it_survives_reimport(
    engine: Engine, committed_staff_login: StaffLogin
) -> None:
    rec_id = _rec(engine, "32")
    staff = committed_staff_login("coordinator")
    before = _page(staff.get(f"/staff/recommendations/{rec_id}").text)
    assert "Treaty-body follow-up" in before
    assert f"Selected by {CRC}, due" in before and "Save the correction" in before

    early = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up",
        {"follow_up_selected": "", "follow_up_due": "1955-02-12", "follow_up_note": "Typed wrong"},
    )
    assert early.status_code == 422 and 'id="error-follow_up_due"' in early.text
    assert "is before the recommendation's publication date" in _page(early.text)
    response = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up",
        {"follow_up_selected": "no", "follow_up_due": "", "follow_up_note": "Withdrawn by the committee"},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("?done=follow-up-corrected#treaty-follow-up")

    import_records(engine, crc_document(extra=" (revised)"))
    after = _page(staff.get(f"/staff/recommendations/{rec_id}").text)
    assert "Corrected" in after and "Withdrawn by the committee" in after
    assert f"Selected by {CRC}, due" in after  # what was read stays visible beside the correction
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == rec_id)).all()
    assert "follow_up.correct" in events


def test_a_correction_from_an_old_page_replaces_nothing(
    engine: Engine, committed_staff_login: StaffLogin
) -> None:
    rec_id = _rec(engine, "32")
    first, second = committed_staff_login("coordinator"), committed_staff_login("coordinator")
    path = f"/staff/recommendations/{rec_id}"
    form = first.get(path).text.split(f'action="{path}/follow-up"')[1]
    found = re.search(r'name="etag" value="([^"]*)"', form)
    assert found is not None
    tag = html.unescape(found.group(1))
    letter = {"follow_up_selected": "", "follow_up_due": "2027-01-01", "follow_up_note": "Letter of 3 March"}
    assert second.post(f"{path}/follow-up", {**letter, "etag": tag}).status_code == 303
    stale = first.post(
        f"{path}/follow-up",
        {"follow_up_selected": "yes", "follow_up_due": "", "follow_up_note": "", "etag": tag},
    )
    assert stale.status_code == 412
    page = _page(stale.text)
    assert "Someone else changed this first" in page and "Follow-up due date" in page
    assert "<dt>Selected for follow-up</dt><dd>Selected</dd>" in stale.text  # typed, by its name
    shown = _page(first.get(path).text)
    assert "Letter of 3 March" in shown  # the second coordinator's correction stands


def test_a_grade_is_recorded_and_a_refused_one_keeps_what_was_typed(
    engine: Engine, committed_staff_login: StaffLogin
) -> None:
    rec_id = _rec(engine, "10")
    staff = committed_staff_login("admin")
    future = (date.today() + timedelta(days=9)).isoformat()

    refused = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up/grades",
        {"grade": "B", "assessed_on": future, "source_symbol": "CRC/C/99/2", "grade_note": "Too early"},
    )
    assert refused.status_code == 422
    page = _page(refused.text)
    assert 'id="error-assessed_on"' in refused.text and "must not be in the future" in page
    assert (
        f'value="{future}"' in refused.text and "Too early" in page and 'value="CRC/C/99/2"' in refused.text
    )

    # Boxes left empty are named as required, not with pydantic's "Input should be a valid string".
    empty = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up/grades",
        {"grade": "B", "assessed_on": "", "source_symbol": "", "grade_note": "Kept"},
    )
    assert empty.status_code == 422 and "Kept" in _page(empty.text)
    assert 'id="error-source_symbol"' in empty.text and 'id="error-assessed_on"' in empty.text
    assert _page(empty.text).count("This is required.") == 4
    assert "should be a valid" not in empty.text and "must be a date" not in empty.text

    # A year typed wrong: before the recommendation itself (2025-02-12).
    early = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up/grades",
        {"grade": "B", "assessed_on": "1950-03-01", "source_symbol": "CRC/C/99/2", "grade_note": ""},
    )
    assert early.status_code == 422 and 'value="1950-03-01"' in early.text
    assert 'id="error-assessed_on"' in early.text
    assert "is before the recommendation's publication date" in _page(early.text)

    saved = staff.post(
        f"/staff/recommendations/{rec_id}/follow-up/grades",
        {"grade": "B1", "assessed_on": "2026-03-01", "source_symbol": "CRC/C/99/2", "grade_note": ""},
    )
    assert saved.status_code == 303, saved.text
    shown = _page(staff.get(f"/staff/recommendations/{rec_id}").text)
    assert "B1: substantive action taken" in shown and "CRC/C/99/2" in shown


def test_a_focal_point_reads_the_follow_up_without_the_forms(
    engine: Engine, committed_staff_login: StaffLogin
) -> None:
    rec_id = _rec(engine, "20")
    entity = create_entity(engine, "Ministry of Education")
    page = _page(
        committed_staff_login("focal_point", entity_id=entity).get(f"/staff/recommendations/{rec_id}").text
    )
    assert "<dt>Follow-up due date</dt><dd>Feb 12, 2027</dd>" in page
    assert "Save the correction" not in page and "Record the grade" not in page


def test_the_run_page_lists_what_was_read_only_in_part(
    engine: Engine, committed_staff_login: StaffLogin
) -> None:
    run = import_records(engine, cat_document())
    page = _page(committed_staff_login("coordinator").get(f"/staff/imports/{run.run_id}").text)
    assert "Read only in part" in page
    assert f'<th scope="row">{CAT}, paragraph 45</th><td>the follow-up request names paragraph 31' in page
