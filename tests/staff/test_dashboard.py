""" "My work": what waits for each role, counted by the domains' services; a focal point sees their
own entity's work only; dates in the page's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, select, update

from app.models import Action, User
from tests.builder import building
from tests.conftest import MakeApp, ModuleWorld
from tests.staff.conftest import StaffLogin, _signer
from tests.staff.review_world import ReviewWorld, build


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ReviewWorld:
    return module_world(build, migrated_engine)


def cards(html: str) -> dict[str, str]:
    """Each card's heading -> its count."""
    return dict(re.findall(r'<h2>([^<]+)</h2>\s*<span class="count">([^<]+)</span>', html))


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_managers_see_what_waits_for_them(world: ReviewWorld, staff_login: StaffLogin, role: str) -> None:
    html = staff_login(role).get("/staff/").text
    assert cards(html) == {
        "Waiting for review": "3",
        "Progress updates to approve": "2",
        "Indicator values to approve": "2",
        "Overdue actions": "3",
    }
    assert 'href="/staff/values"' in html
    # Withdrawn ones count too: "changed" alone read as the last import's "changed" count below. The
    # number stands after the words: "1 d'entre elles modifiées" and "1 de ellas modificadas" agreed
    # with no number, and a sentence that does for 1 and for 3 needs a plural form of its own.
    assert "Of these, changed or withdrawn by the last import: 1" in html
    assert "of them changed" not in html
    assert 'href="/staff/review"' in html and f'href="/staff/review?run={world.last_run}"' in html
    progress = section(html, "progress")
    assert world.overdue_justice in progress and world.overdue_health in progress
    overdue = section(html, "overdue")
    for title in (world.overdue_justice, world.overdue_health, world.overdue_supported):
        assert title in overdue
    assert world.completed_late not in overdue and world.open_justice not in overdue
    # The most late first, with its date written the English way.
    assert overdue.index(world.overdue_justice) < overdue.index(world.overdue_health)
    assert "Jan 1, 2020" in overdue
    last = section(html, "last-import")
    assert f'href="/staff/imports/{world.last_run}"' in last
    assert "succeeded" in last and "1 read, 0 new, 1 changed, 0 unchanged, 0 withdrawn, 0 rejected" in last


def test_dates_follow_the_page_language(world: ReviewWorld, staff_login: StaffLogin) -> None:
    html = staff_login("coordinator").get("/staff/?lang=fr").text
    assert "1 janv. 2020" in section(html, "overdue")


def test_a_focal_point_sees_their_entitys_work_only(world: ReviewWorld, staff_login: StaffLogin) -> None:
    html = staff_login("focal_point", entity_id=world.justice).get("/staff/").text
    assert "The work of Ministry of Justice." in html
    # The recommendations the ministry answers for, a click away (the list's entity filter).
    assert f'href="/staff/recommendations?entity={world.justice}"' in html
    assert "Waiting for review" not in html and "Last import" not in html
    overdue = section(html, "overdue")
    assert world.overdue_justice in overdue and world.overdue_supported in overdue
    assert world.overdue_health not in html  # another entity's action
    assert world.completed_late not in html
    assert world.open_justice in section(html, "open")
    assert world.later_justice not in html  # open, but not due within 30 days
    assert '<a href="/staff/actions/' in section(html, "open")
    returned = section(html, "returned")
    assert world.overdue_justice in returned and "Add the figures." in returned
    drafts = section(html, "drafts")
    assert world.open_justice in drafts
    assert world.overdue_health not in drafts  # the other entity's draft
    values = section(html, "values-returned")
    assert "Bills tabled" in values and "Count again." in values and world.overdue_justice in values
    assert "Clinics open" not in html and "Health count." not in html  # the other entity's value
    assert 'href="/staff/values?state=returned"' in values
    badges = re.findall(r'id="([\w-]+)">[^<]+<span class="badge">(\d+)</span>', html)
    assert dict(badges) == {
        "overdue": "2",
        "open": "1",
        "returned": "1",
        "values-returned": "1",
        "drafts": "1",
        "submitted": "1",
    }


def test_a_focal_point_sees_what_waits_for_a_coordinator(world: ReviewWorld, staff_login: StaffLogin) -> None:
    """Once submitted, an update left every list of My work: the focal point could not tell that it
    waits for a coordinator (nor find it without knowing the progress list's filter)."""
    html = staff_login("focal_point", entity_id=world.justice).get("/staff/").text
    waiting = section(html, "submitted")
    assert world.overdue_justice in waiting and '<a href="/staff/progress/' in waiting
    assert world.overdue_health not in waiting  # the other entity's submitted update
    assert 'href="/staff/progress?state=submitted"' in waiting
    values = re.search(r'<a href="/staff/values\?state=submitted">[^<]+</a>: (\d+)', waiting)
    assert values and values.group(1) == "1"  # Bills tabled, not the other entity's Clinics open


def test_the_other_entitys_focal_point_sees_theirs(world: ReviewWorld, staff_login: StaffLogin) -> None:
    html = staff_login("focal_point", entity_id=world.health).get("/staff/").text
    assert world.overdue_health in section(html, "overdue")
    assert world.overdue_justice not in html
    assert "Health draft." not in html  # narratives are not listed, titles are
    assert "Health count." in section(html, "values-returned") and "Count again." not in html
    assert world.overdue_health in section(html, "drafts")


def test_a_focal_point_without_entity_is_told_why_nothing_shows(
    world: ReviewWorld, staff_login: StaffLogin
) -> None:
    html = staff_login("focal_point").get("/staff/").text
    assert "not linked to an entity" in html
    assert world.overdue_justice not in html


def test_a_reader_gets_an_orientation(world: ReviewWorld, staff_login: StaffLogin) -> None:
    html = staff_login("reader").get("/staff/").text
    assert 'href="/staff/recommendations"' in html and 'href="/docs"' in html
    assert 'class="count"' not in html and world.overdue_justice not in html


def test_an_empty_database_says_so(staff_login: StaffLogin) -> None:
    html = staff_login("coordinator").get("/staff/").text
    assert set(cards(html).values()) == {"0"} and len(cards(html)) == 4
    assert "No import has run yet." in html and "No action is overdue." in html


def test_the_reminders_of_the_e_mail_digest_are_on_the_page(
    world: ReviewWorld, staff_login: StaffLogin
) -> None:
    html = staff_login("coordinator").get("/staff/").text
    reminders = section(html, "reminders-title")
    found = dict(re.findall(r'<li><a href="([^"]+)">[^<]+</a>: (\d+)</li>', reminders))
    assert found == {
        "/staff/progress?state=submitted": "2",
        "/staff/values?state=submitted": "2",
        "/staff/review": "3",
        "/staff/actions?overdue=true": "3",
    }
    assert 'href="/staff/account"' in reminders
    assert "reminders-title" not in staff_login("reader").get("/staff/").text  # nothing of their own


def test_a_value_returned_to_the_lead_entity_is_not_listed_to_a_supporting_one(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """A value the lead entity recorded on an action another entity supports, returned: only the
    entity that wrote it may correct it, so only it is told (My work and the digest's items, which
    are the same) that it was returned to them; the other one's list said so too."""
    with building(db) as b:
        action = b.session.scalar(select(Action.id).where(Action.title == world.overdue_supported))
        assert action is not None
        author = b.author("counter-health@example.org", entity_id=world.health).id
        indicator = b.indicator(action, "Lawyers funded").id
        b.value(indicator, "returned", 7, created_by_id=author, review_comment="Which lawyers?")
    justice_focal = staff_login("focal_point", entity_id=world.justice)
    justice = justice_focal.get("/staff/").text
    assert "Which lawyers?" not in justice
    assert "Indicator values returned to you</a>: 1</li>" in section(justice, "reminders-title")
    health_focal = staff_login("focal_point", entity_id=world.health)
    health = health_focal.get("/staff/").text
    assert "Which lawyers?" in section(health, "values-returned")
    # The list the card opens ("Open the values returned to you") and its drafts: the same rule.
    for state in ("returned", "draft"):
        assert "Lawyers funded" not in justice_focal.get(f"/staff/values?state={state}").text
    assert "Which lawyers?" in health_focal.get("/staff/values?state=returned").text


def test_the_actions_due_soon_link_lists_those_actions(world: ReviewWorld, staff_login: StaffLogin) -> None:
    """The link "Actions due soon: 1" (My work, and the digest) opened every action of the entity."""
    focal = staff_login("focal_point", entity_id=world.justice)
    reminders = section(focal.get("/staff/").text, "reminders-title")
    link = re.search(r'<li><a href="([^"]+)">Actions due soon</a>: (\d+)</li>', reminders)
    assert link and link.group(2) == "1"
    listed = focal.get(link.group(1).replace("&amp;", "&")).text
    assert world.open_justice in listed
    assert world.overdue_justice not in listed and world.later_justice not in listed


@pytest.mark.parametrize(
    ("lang", "in_progress", "planned"), [("en", "In progress", "Planned"), ("fr", "En cours", "Prévue")]
)
def test_action_statuses_are_named_as_on_the_actions_pages(
    world: ReviewWorld, staff_login: StaffLogin, lang: str, in_progress: str, planned: str
) -> None:
    """My work named the statuses from its own lowercase list ("in progress", "en cours"), not the
    words every other page uses (ACTION_STATUS_LABELS)."""
    html = staff_login("focal_point", entity_id=world.justice).get(f"/staff/?lang={lang}").text
    statuses = re.findall(r"</th>\s*<td>.*?</td>\s*<td>([^<]+)</td>\s*</tr>", section(html, "overdue"), re.S)
    statuses += re.findall(r"</th>\s*<td>.*?</td>\s*<td>([^<]+)</td>\s*</tr>", section(html, "open"), re.S)
    assert in_progress in statuses and planned in statuses
    assert in_progress.lower() not in statuses


def test_the_reminders_do_not_say_they_come_by_e_mail_to_who_chose_never(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    # "The same list comes by e-mail" stood under the reminders of someone who had chosen "Never".
    staff = staff_login("coordinator")
    db.execute(update(User).where(User.id == staff.user_id).values(digest="never"))
    reminders = section(staff.get("/staff/").text, "reminders-title")
    assert "The same list comes by e-mail" not in reminders
    assert "This list does not come by e-mail: you chose never." in reminders
    assert 'href="/staff/account"' in reminders


def test_the_reminders_do_not_say_they_come_by_e_mail_from_a_server_that_sends_none(
    world: ReviewWorld, make_app: MakeApp, db: Connection
) -> None:
    """No mail server set (NRTD_SMTP_HOST empty): "The same list comes by e-mail" was untrue."""
    reminders = section(_signer(make_app, db)("coordinator").get("/staff/").text, "reminders-title")
    assert "The same list comes by e-mail" not in reminders
    assert "This list does not come by e-mail: this server sends no e-mail yet." in reminders
    with_mail = _signer(lambda: make_app(smtp_host="mail.example.org"), db)("coordinator")
    assert "The same list comes by e-mail" in section(with_mail.get("/staff/").text, "reminders-title")


@pytest.mark.parametrize("role", ["coordinator", "focal_point"])
def test_more_overdue_actions_than_shown_lead_to_all_of_them(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection, role: str
) -> None:
    """ "5 of 130 shown" stood under the overdue actions with no way from there to the other 125 (the
    card's "See the list" leads to these five): the section now links to the actions list of them."""
    with building(db) as b:
        for number in range(5):
            b.action(f"Late task {number}", lead_entity_id=world.justice, due_date=date(2022, 1, 1 + number))
    staff = staff_login(role, entity_id=world.justice if role == "focal_point" else None)
    overdue = section(staff.get("/staff/").text, "overdue")
    assert "5 of " in overdue
    link = re.search(r'<a href="([^"]+)">All the overdue actions</a>', overdue)
    assert link and link.group(1) == "/staff/actions?overdue=true"
    listed = staff.get(link.group(1)).text
    assert all(f"Late task {number}" in listed for number in range(5))
    # No link where every overdue action is already shown.
    assert "All the overdue actions" not in section(
        staff_login("focal_point", entity_id=world.health).get("/staff/").text, "overdue"
    )
