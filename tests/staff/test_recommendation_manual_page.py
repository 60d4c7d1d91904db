"""A manual recommendation's own page: archived and restored, its recorded data edited on the page;
an imported one's feed fields refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from app.models import AuditEvent, Recommendation
from tests.staff.conftest import StaffClient, StaffLogin
from tests.staff.recommendation_world import World, form, local_row, url, world

__all__ = ["world"]  # the fixture


def test_a_manual_recommendation_is_archived_and_restored(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    assert "Archive this recommendation" in staff.get(url(world.manual)).text
    assert "Archive this recommendation" not in staff.get(url(world.main)).text
    response = staff.post(url(world.manual, "/archive"), {})
    assert response.headers["location"] == url(world.manual) + "?done=recommendation-archived"
    page = staff.get(response.headers["location"]).text
    assert "The recommendation is archived." in page and "Restore this recommendation" in page
    assert db.scalar(select(Recommendation.withdrawn).where(Recommendation.id == world.manual)) is True
    assert staff.post(url(world.manual, "/unarchive"), {}).status_code == 303
    assert db.scalar(select(Recommendation.withdrawn).where(Recommendation.id == world.manual)) is False
    # An imported recommendation follows its feed: the API's refusal, as a page.
    refused = staff.post(url(world.main, "/archive"), {})
    assert refused.status_code == 409 and "only manual recommendations" in refused.text


def _manual_form(staff: StaffClient, world: World, **changes: Any) -> dict[str, Any]:
    values = form(staff, world.manual, priority="", status="not_started", internal_notes="")
    values.update(
        text="1. Ratify the regional convention.",
        lang="en",
        mechanism="ACHPR",
        type="recommendation",
        symbol="",
        document_id="",
        paragraph="1",
        publication_date="2024-01-01",
        upr_session="",
        position="none",
        countries="",
        regions="",
        themes="",
        affected_persons="",
        sdgs="",
        recommending_states="",
        recommending_regions="",
    )
    values.update(changes)
    return values


def test_a_manual_recommendation_s_own_fields_are_edited_on_the_page(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    page = staff.get(url(world.manual)).text
    assert "Recorded data of this manual recommendation" in page
    assert ">1. Ratify the regional convention.</textarea>" in page
    assert 'name="publication_date" type="date" value="2024-01-01"' in page
    assert "Recorded data of this manual recommendation" not in staff.get(url(world.main)).text
    # Unchanged: nothing recorded.
    assert staff.post(url(world.manual), _manual_form(staff, world)).status_code == 303
    assert db.execute(select(AuditEvent.id).where(AuditEvent.object_id == world.manual)).all() == []
    changed = _manual_form(
        staff,
        world,
        text="2. Ratify the regional convention on children.",
        paragraph="",
        themes="Children\n Ratification \n",
        sdgs="16.3",
    )
    assert staff.post(url(world.manual), changed).status_code == 303
    page = staff.get(url(world.manual)).text
    assert (
        '<div class="rec-text" lang="en" dir="ltr">2. Ratify the regional convention on children.</div>'
        in page
    )
    assert "<dt>Themes</dt><dd>Children; Ratification</dd>" in page
    assert "<dt>Paragraph</dt><dd>2</dd>" in page  # taken from the text, as imports do
    # A refused value names its field and keeps the text typed.
    refused = staff.post(url(world.manual), _manual_form(staff, world, sdgs="99", text="Kept text"))
    assert refused.status_code == 422
    assert '<a href="#field-sdgs">' in refused.text and ">Kept text</textarea>" in refused.text


def test_a_theme_typed_in_another_script_is_not_said_to_be_in_the_feed_s_language(
    world: World, staff_login: StaffLogin
) -> None:
    """Labels are marked with the feed's language (English) on another language's page: one the user
    typed in Arabic is not English; it is marked as of no known language, its direction the text's."""
    staff = staff_login("coordinator")
    changed = _manual_form(staff, world, themes="حقوق الطفل\nChildren")
    assert staff.post(url(world.manual), changed).status_code == 303
    page = staff.get(url(world.manual), params={"lang": "fr"}).text
    assert '<span lang="" dir="auto">حقوق الطفل</span>' in page
    assert '<span lang="en">Children</span>' in page
    english = staff.get(url(world.manual), params={"lang": "en"}).text
    assert '<dd>Children; <span lang="" dir="auto">حقوق الطفل</span></dd>' in english


def test_an_imported_recommendation_s_feed_fields_are_refused(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    values = form(staff, world.main, text="A rewritten text", lang="en")
    response = staff.post(url(world.main), values)
    assert response.status_code == 422
    assert "feed-owned field: the import owns it" in response.text
    assert tuple(local_row(db, world.main)) == ("high", "in_progress", "Draft plan due.")


def test_a_publication_date_outside_the_years_is_refused_naming_the_field_and_keeping_it(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The years of every recorded date (app.core.dates.EnteredDate): 0201 for 2021 was stored."""
    staff = staff_login("coordinator")
    for typed in ("0201-05-10", "9999-12-31"):
        refused = staff.post(
            f"{url(world.manual)}?lang=en", _manual_form(staff, world, publication_date=typed)
        )
        assert refused.status_code == 422
        assert '<a href="#field-publication_date">' in refused.text
        assert "Enter a date between 1945-01-01 and 2100-12-31." in refused.text
        assert f'name="publication_date" type="date" value="{typed}"' in refused.text
    stored = select(Recommendation.publication_date).where(Recommendation.id == world.manual)
    assert str(db.scalar(stored)) == "2024-01-01"
