"""The recommendation detail page: what each role sees, editing the local fields with the API's service
(the ETag in a hidden field, the conflict page on a stale one), refusals that keep what was typed,
CSRF, publishing. A manual recommendation's own page: test_recommendation_manual_page.py."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import Connection, select

from app.models import AuditEvent, Recommendation
from app.models.local import RecommendationEntity, RecommendationLocal
from importers.pipeline.upserter import Upserter
from importers.run_record import RunSpec, start_run
from tests.staff.conftest import StaffLogin
from tests.staff.recommendation_world import (
    AR,
    EN_NEW,
    SYMBOL,
    THEMES,
    World,
    etag_of,
    form,
    local_row,
    main_record,
    url,
    world,
)

__all__ = ["world"]  # the fixture

# Paths with {id}: the manual recommendation of the world (archivable). A POST of the edit form
# without its ETag is refused as the API refuses a PATCH without If-Match (428).
ROUTES = """
GET    /staff/recommendations/{id}              200 200 200 200 303
POST   /staff/recommendations/{id}              428 428 403 403 303
POST   /staff/recommendations/{id}/archive      303 303 403 403 303
POST   /staff/recommendations/{id}/unarchive    303 303 403 403 303
POST   /staff/recommendations/{id}/publish      303 303 403 403 303
"""
ROLES = {"admin": "admin", "coord": "coordinator", "fp": "focal_point", "reader": "reader"}


@pytest.mark.parametrize("role", [*ROLES, "anon"])
def test_each_role_gets_the_routes_as_listed(
    role: str, world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login(ROLES.get(role, "reader"), entity_id=world.health)
    if role == "anon":
        staff.client.cookies.clear()
    for line in ROUTES.strip().splitlines():
        method, template, *codes = line.split()
        expected = int(codes[[*ROLES, "anon"].index(role)])
        path = template.replace("{id}", str(world.manual))
        response = staff.get(path) if method == "GET" else staff.post(path, {})
        assert response.status_code == expected, f"{method} {template} as {role}: {response.text[:300]}"
    withdrawn = db.scalar(select(Recommendation.withdrawn).where(Recommendation.id == world.manual))
    assert withdrawn is False  # archived then restored by managers; untouched by the others


def test_staff_see_every_language_the_metadata_revisions_and_similar(
    world: World, staff_login: StaffLogin
) -> None:
    page = staff_login("coordinator").get(url(world.main))
    assert page.status_code == 200
    text = page.text
    assert "<h1>CRC recommendation CRC/C/PER/CO/6" in text
    assert '<div class="rec-text" lang="en" dir="ltr">12. The Committee recommends' in text
    assert '<div class="rec-text" lang="fr" dir="ltr">12. Le Comité' in text
    assert f'<div class="rec-text" lang="ar" dir="rtl">{AR[3:-4]}</div>' in text
    for fact in (SYMBOL, "DOC-6", "Committee on the Rights of the Child", "Children in detention", "16.3: "):
        assert fact in text
    # The symbol links to the list of that document's recommendations (the search for it).
    link = re.search(
        r'<a href="(/staff/recommendations\?q=[^"]*)" title="Every recommendation of this document">', text
    )
    assert link is not None
    listed = staff_login("coordinator").get(html.unescape(link.group(1))).text
    assert f'href="/staff/recommendations/{world.main}"' in listed
    assert f'href="/staff/recommendations/{world.near}"' not in listed  # CRC/C/PER/CO/5
    # The second import's change, word by word, the old and new side by side.
    # Each changed word says so to a screen reader, not only to the eye (its colour).
    removed = '<del><span class="visually-hidden">removed: </span>'
    added = '<ins><span class="visually-hidden">added: </span>'
    assert f"the State party {removed}strengthen</del> juvenile justice" in text
    assert f"the State party {added}reform</ins> juvenile justice" in text
    assert f"guarantee {added}free </ins>legal aid" in text
    assert f"Children: juvenile justice, {added}Detention</ins>" in text
    assert '<th scope="row">Themes</th>' in text
    # Similar recommendations and the cluster they suggest.
    # Named with its paragraph: the recommendations of one document are told apart.
    assert f'<a href="/staff/recommendations/{world.near}">CRC CRC/C/PER/CO/5 ¶30</a>' in text
    assert f'<li><a href="/staff/clusters/{world.cluster}">Juvenile justice</a>' in text
    # The form shows the stored values; the lead entity is selected.
    assert f'<option value="{world.justice}" selected>Ministry of Justice (MoJ)</option>' in text
    assert '<option value="high" selected>High</option>' in text
    assert 'name="csrf_token" value="' in text and 'name="etag" value="&#34;' in text
    assert 'id="history"' in text


def test_an_edit_is_saved_by_the_service_with_its_audit_event(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator", email="coord@example.org")
    values = form(
        staff,
        world.main,
        priority="low",
        priority_rationale="Covered by the 2025 plan.",
        status="implemented",
        status_note="Law adopted.",
        lead_entity_id=str(world.health),
        supporting_entity_ids=[str(world.justice)],
        internal_notes="Done.",
    )
    response = staff.post(url(world.main), values)
    assert response.status_code == 303
    assert response.headers["location"] == url(world.main) + "?done=saved"
    assert tuple(local_row(db, world.main)) == ("low", "implemented", "Done.")
    links = dict(
        db.execute(
            select(RecommendationEntity.entity_id, RecommendationEntity.responsibility).where(
                RecommendationEntity.recommendation_id == world.main
            )
        ).all()
    )
    assert links == {world.health: "lead", world.justice: "supporting"}
    event = db.execute(
        select(AuditEvent.actor, AuditEvent.after).where(
            AuditEvent.object_type == "recommendation", AuditEvent.object_id == world.main
        )
    ).one()
    assert event.actor == "coord@example.org" and event.after is not None
    assert event.after["priority"] == "low" and event.after["status_note"] == "Law adopted."
    page = staff.get(response.headers["location"]).text
    assert "Your changes are saved." in page
    assert "<td>Law adopted.</td>" in page  # the status history
    assert "coord@example.org" in page and "<code>recommendation.update</code>" in page  # the history
    # Its values as the form words them: statuses and priorities by their labels, entities by name.
    assert "<del>In progress</del> → <ins>Implemented</ins>" in page
    assert "<del>High</del> → <ins>Low</ins>" in page
    assert "<del>Ministry of Justice</del> → <ins>Ministry of Health</ins>" in page
    assert "<ins>Ministry of Justice</ins>" in page  # now supporting
    # Saving the same values again changes nothing and records nothing (the page shows the note's
    # box empty again: the note went with the change).
    assert re.search(r'<textarea id="field-status_note" [^>]*></textarea>', page)
    same = {k: v for k, v in values.items() if k not in ("etag", "status_note")}
    again = staff.post(url(world.main), form(staff, world.main, **same))
    assert again.status_code == 303
    count = db.execute(select(AuditEvent.id).where(AuditEvent.object_id == world.main)).all()
    assert len(count) == 1


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"lead_entity_id": "999999"}, "lead_entity_id", "entity 999999 does not exist"),
        ({"supporting_entity_ids": ["abc"]}, "supporting_entity_ids", "Enter a whole number."),
        ({"priority": "urgent"}, "priority", "Choose one of the options."),
        ({"priority_rationale": "x" * 10_001}, "priority_rationale", "Write at most 10,000 characters"),
        # The status it already has (in_progress): the note would be lost, not "saved".
        ({"status_note": "Nothing new"}, "status_note", "a note is kept only with a change of status"),
    ],
)
def test_a_refused_value_shows_the_form_again_with_what_was_typed(
    changes: dict[str, Any], field: str, reason: str, world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    typed = {"priority_rationale": "Typed rationale <kept>", "internal_notes": "Typed notes", **changes}
    response = staff.post(url(world.main), form(staff, world.main, **typed))
    assert response.status_code == 422
    text = response.text
    assert "There is a problem" in text
    assert f'<a href="#field-{field}">' in text and reason in html.unescape(text)
    assert 'aria-invalid="true"' in text
    kept = "x" * 10_001 if field == "priority_rationale" else "Typed rationale &lt;kept&gt;"
    assert f"{kept}</textarea>" in text
    assert "Typed notes</textarea>" in text
    assert tuple(local_row(db, world.main)) == ("high", "in_progress", "Draft plan due.")


def test_the_reasons_of_a_refusal_are_named_in_the_order_of_the_form(
    world: World, staff_login: StaffLogin
) -> None:
    """The box "There is a problem" is read top to bottom, as the form is: the status before the
    internal notes at the bottom of the form."""
    staff = staff_login("coordinator")
    values = form(staff, world.main, priority="urgent", status="done", internal_notes="x" * 10_001)
    summary = staff.post(url(world.main), values).text.split('class="error-summary"')[1].split("</ul>")[0]
    assert re.findall(r'href="#field-(\w+)"', summary) == ["priority", "status", "internal_notes"]


def test_a_supporting_entity_chosen_as_lead_stops_being_supporting(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("coordinator")
    supporting = [str(world.health), str(world.justice)]
    first = staff.post(url(world.main), form(staff, world.main, supporting_entity_ids=supporting))
    assert first.status_code == 303
    # Only the lead is changed: the form still has the entity ticked among the supporting ones.
    values = form(staff, world.main, lead_entity_id=str(world.health), supporting_entity_ids=supporting)
    assert staff.post(url(world.main), values).status_code == 303
    links = db.execute(
        select(RecommendationEntity.entity_id, RecommendationEntity.responsibility).where(
            RecommendationEntity.recommendation_id == world.main
        )
    ).all()
    assert dict(links) == {world.health: "lead", world.justice: "supporting"}


def test_a_stale_version_shows_who_saved_first_and_overwrites_nothing(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    mine = staff_login("coordinator", email="first@example.org")
    theirs = staff_login("coordinator", email="second@example.org")
    read_earlier = form(mine, world.main, priority="medium", internal_notes="My careful notes")
    assert theirs.post(url(world.main), form(theirs, world.main, priority="low")).status_code == 303
    response = mine.post(url(world.main), read_earlier)
    assert response.status_code == 412
    text = response.text
    assert "Someone else changed this first" in text
    assert "second@example.org changed it on" in text
    assert re.search(r"[AP]M\. Changed: Priority, Lead entity</p>", text)  # whatever the hour of the run
    assert "My careful notes" in text and "<dd>Medium</dd>" in text
    assert f'href="{url(world.main)}"' in text
    # A box sent twice (only a script does) is refused, not a server error, and clears nothing: read as
    # an empty box, it cleared the field on a current version.
    twice = {name: ["1", "2"] for name in ("priority", "status", "lead_entity_id")}
    assert mine.post(url(world.main), {**read_earlier, **twice}).status_code == 422
    current = form(mine, world.main)
    for name in ("priority", "internal_notes"):
        refused = mine.post(url(world.main), {**current, name: ["high", "low"]})
        assert refused.status_code == 422 and f'href="#field-{name}"' in refused.text
    assert tuple(local_row(db, world.main)) == ("low", "in_progress", "Draft plan due.")


def test_a_version_an_import_changed_names_the_import_not_an_earlier_edit(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    theirs = staff_login("coordinator", email="earlier@example.org")
    mine = staff_login("coordinator", email="later@example.org")
    assert theirs.post(url(world.main), form(theirs, world.main, priority="low")).status_code == 303
    read_before_the_import = form(mine, world.main, priority="medium")
    # The scheduled import rewrites the English text meanwhile (on this test's connection).
    run_id = start_run(db, RunSpec("uhri", "json", "tests/staff", None, False, ["en"]))
    amended = main_record(EN_NEW + "<p>Amended.</p>", [*THEMES, "Detention"])
    Upserter(db, run_id=run_id, source="uhri").consume([amended])
    response = mine.post(url(world.main), read_before_the_import)
    assert response.status_code == 412
    assert f"Import run {run_id} changed it on" in response.text
    assert "Changed: Text (English)</p>" in response.text
    assert "earlier@example.org" not in response.text
    assert tuple(local_row(db, world.main)) == ("low", "in_progress", "Draft plan due.")


def test_the_same_form_sent_twice_says_it_was_you(world: World, staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator", email="twice@example.org")
    values = form(staff, world.main, priority="low")
    assert staff.post(url(world.main), values).status_code == 303
    again = staff.post(url(world.main), values)  # the back button, or a second click
    assert again.status_code == 412
    assert "You changed it yourself on" in again.text and "twice@example.org changed it" not in again.text
    # The heading said "Someone else changed this first" above "You changed it yourself".
    assert "Someone else" not in again.text
    assert "<h1>You already changed this</h1>" in again.text


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    staff = staff_login("admin")
    for token in ("", "another-sessions-token"):
        response = staff.post(url(world.main), form(staff, world.main, priority="low"), csrf=token)
        assert response.status_code == 403
        assert "security token" in response.text
        assert staff.post(url(world.manual, "/archive"), {}, csrf=token).status_code == 403
    assert tuple(local_row(db, world.main)) == ("high", "in_progress", "Draft plan due.")
    assert db.scalar(select(Recommendation.withdrawn).where(Recommendation.id == world.manual)) is False


def test_a_focal_point_reads_the_record_without_form_or_audit_history(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    # The API lets every staff role read any recommendation and only managers PATCH it or read the audit.
    staff = staff_login("focal_point", entity_id=world.health)
    text = staff.get(url(world.main)).text
    assert '<form method="post" action="/staff/recommendations/' not in text
    assert 'name="etag"' not in text and 'id="history"' not in text
    assert "Draft plan due." in text and "Ministry of Justice" in text
    assert "removed: </span>strengthen</del>" in text and 'id="similar"' in text
    assert staff.post(url(world.main), {"priority": "low", "etag": '"1-x"'}).status_code == 403
    assert tuple(local_row(db, world.main)) == ("high", "in_progress", "Draft plan due.")


def test_a_reader_gets_the_published_view(world: World, staff_login: StaffLogin) -> None:
    staff = staff_login("reader")
    page = staff.get(url(world.main))
    assert page.status_code == 200
    text = page.text
    assert f'<div class="rec-text" lang="ar" dir="rtl">{AR[3:-4]}</div>' in text
    assert "Ministry of Justice" in text and "In progress" in text
    for internal in (
        "Draft plan due.",
        '<form method="post" action="/staff/recommendations',
        "<del>",
        "CRC/C/PER/CO/5",
    ):
        assert internal not in text
    # What the public API hides is the 404 page.
    gone = staff.get(url(world.gone))
    assert gone.status_code == 404 and "Page not found" in gone.text


def test_withdrawn_and_unknown_recommendations(world: World, staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator")
    gone = staff.get(url(world.gone))
    assert gone.status_code == 200 and "Withdrawn" in gone.text
    missing = staff.get(url(2_000_000))
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_a_manager_publishes_the_status_from_the_page(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The page shows the published values beside the working ones while they differ; Publish calls
    the API's service (audited recommendation.publish)."""
    staff = staff_login("coordinator")
    saved = staff.post(url(world.main), form(staff, world.main, status="implemented"))
    assert saved.status_code == 303, saved.text
    page = staff.get(url(world.main)).text
    assert "What the public sees" in page and "working value: Implemented" in page
    stale = etag_of(page)
    published = staff.post(url(world.main, "/publish"), {"etag": stale})
    assert published.status_code == 303
    assert "done=recommendation-published" in published.headers["location"]
    page = staff.get(url(world.main, "?done=recommendation-published")).text
    assert "the public sees them now" in page and "working value:" not in page
    assert "Publish the status and priority" not in page
    public = db.execute(
        select(RecommendationLocal.published_status).where(
            RecommendationLocal.recommendation_id == world.main
        )
    ).scalar_one()
    assert public == "implemented"
    events = db.scalars(select(AuditEvent.action).where(AuditEvent.object_id == world.main)).all()
    assert "recommendation.publish" in events
    # A stale ETag is the conflict page, and nothing is published.
    again = staff.post(url(world.main), form(staff, world.main, status="not_applicable"))
    assert again.status_code == 303
    conflict = staff.post(url(world.main, "/publish"), {"etag": stale})
    assert conflict.status_code == 412


def test_others_see_the_published_values_without_a_button(world: World, staff_login: StaffLogin) -> None:
    coordinator = staff_login("coordinator")
    assert coordinator.post(url(world.main), form(coordinator, world.main, priority="low")).status_code == 303
    focal = staff_login("focal_point", entity_id=world.health)
    page = focal.get(url(world.main)).text
    assert "working value: Low" in page and "Coordinators and admins publish them." in page
    assert "/publish" not in page


@pytest.mark.parametrize("role", ["coordinator", "reader"])
def test_the_facts_name_the_mechanism_in_the_pages_language(
    world: World, staff_login: StaffLogin, role: str
) -> None:
    # The feed's English names stayed English on French pages, where the portal translates them.
    text = staff_login(role).get(url(world.main) + "?lang=fr").text
    assert "<dd>Comité des droits de l&#39;enfant (CRC)</dd>" in text
    # A theme the feed gave in English only says so, for screen readers; so do the regions. A State is
    # named in the page's language ("Peru" stayed English).
    assert '<span lang="en">Children in detention</span>' in text
    assert "<dd>Pérou</dd>" in text
    if role == "coordinator":  # and the themes a similar recommendation shares (no reader sees those),
        # joined the French way (a space before « ; »)
        shared = " ; ".join(f'<span lang="en">{theme}</span>' for theme in THEMES)
        assert f"<td>{shared} ; 16, 16.3</td>" in text
