"""The review queue: what imports changed since the last review, the text's difference word by word,
and marking reviewed one by one, the selected ones or every one shown (the API's service: all or
nothing, audited), for managers only, with the CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, Engine, func, select

from app.models import AuditEvent, Recommendation
from app.recommendations import review
from tests.conftest import ModuleWorld, session_on
from tests.staff.conftest import StaffLogin
from tests.staff.review_world import ReviewWorld, build

ROUTES = """
GET    /staff/review                   200 200 403 403 303
POST   /staff/review/reviewed          422 422 403 403 303
POST   /staff/review/{id}/reviewed     303 303 403 403 303
"""


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ReviewWorld:
    return module_world(build, migrated_engine)


def waiting(db: Connection) -> set[int]:
    return set(db.scalars(select(Recommendation.id).where(Recommendation.needs_review.is_(True))))


def reviewed_events(db: Connection) -> int:
    return db.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "recommendation.reviewed")
    ).scalar_one()


def marked(html: str, tag: str) -> list[str]:
    """The words a diff wrapped in <del> or <ins>, without their screen-reader prefix."""
    return [
        re.sub(r'<span class="visually-hidden">[^<]*</span>', "", inner).strip()
        for inner in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
    ]


def test_the_queue_shows_what_changed_with_the_words_highlighted(
    world: ReviewWorld, staff_login: StaffLogin
) -> None:
    page = staff_login("coordinator").get("/staff/review")
    assert page.status_code == 200
    html = page.text
    assert "Waiting for review: 3" in html
    for rec_id in (world.text_changed, world.theme_changed, world.twice):
        assert f'name="ids" value="{rec_id}"' in html
    listed = html.replace(f'name="shown_run" value="{world.last_run}"', "")  # a run's number, not a row's
    assert f'value="{world.unchanged}"' not in listed
    deleted, inserted = marked(html, "del"), marked(html, "ins")
    # The text: one word added, one replaced; the theme: one added (lists show items).
    assert "comprehensive" in inserted and "independent" in inserted and "prompt" in deleted
    assert "Children" in inserted
    assert "Text (English)" in html and "Themes" in html
    # Changed twice with a review in between: only what changed since that review.
    assert "all, without exception" in inserted and "girls and boys" in deleted
    assert "Raise the minimum age of marriage to 18 years" not in " ".join(deleted + inserted)
    assert f'href="/staff/imports/{world.last_run}"' in html


def test_one_import_runs_changes_only(world: ReviewWorld, staff_login: StaffLogin) -> None:
    html = staff_login("admin").get(f"/staff/review?run={world.last_run}").text
    assert "Waiting for review: 1" in html
    assert f'name="ids" value="{world.twice}"' in html
    assert f'name="ids" value="{world.text_changed}"' not in html


def test_mark_one_reviewed(world: ReviewWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    before = reviewed_events(db)
    answer = staff.post(f"/staff/review/{world.text_changed}/reviewed", {"run": "", "ids": [world.twice]})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/review?done=reviewed"
    # The checkbox of another row was ticked: a row's own button marks that row only.
    assert waiting(db) == {world.theme_changed, world.twice}
    assert reviewed_events(db) == before + 1
    page = staff.get(answer.headers["location"]).text
    assert "Marked as reviewed." in page and "Waiting for review: 2" in page


def test_mark_the_selected_ones_reviewed(world: ReviewWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    answer = staff.post(
        "/staff/review/reviewed",
        {"scope": "selected", "ids": [world.text_changed, world.twice], "run": str(world.last_run)},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/staff/review?run={world.last_run}&done=reviewed"
    assert waiting(db) == {world.theme_changed}


def test_mark_all_shown_reviewed(world: ReviewWorld, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("admin")
    shown = [world.text_changed, world.theme_changed, world.twice]
    answer = staff.post("/staff/review/reviewed", {"scope": "shown", "shown": shown, "ids": [world.twice]})
    assert answer.status_code == 303
    assert waiting(db) == set()
    assert "Nothing is waiting for review." in staff.get("/staff/review").text


def test_what_was_not_waiting_for_review_is_not_said_marked(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """Another coordinator marked it first (or it never was in the queue): the page said "Marked as
    reviewed" for a click that marked nothing; it now says it was not waiting, and writes no event."""
    staff = staff_login("coordinator")
    events = reviewed_events(db)
    one = staff.post(f"/staff/review/{world.unchanged}/reviewed")
    assert one.headers["location"] == "/staff/review?done=not-waiting"
    page = staff.get(one.headers["location"]).text
    assert "Nothing was marked: what you chose was not waiting for review" in page
    assert "Marked as reviewed" not in page
    chosen = staff.post("/staff/review/reviewed", {"scope": "selected", "ids": [world.unchanged]})
    assert chosen.headers["location"] == "/staff/review?done=not-waiting"
    assert reviewed_events(db) == events and waiting(db) == {
        world.text_changed,
        world.theme_changed,
        world.twice,
    }
    some = staff.post(
        "/staff/review/reviewed", {"scope": "selected", "ids": [world.unchanged, world.text_changed]}
    )
    assert some.headers["location"] == "/staff/review?done=reviewed-some"
    assert "The others chosen were no longer waiting for review" in staff.get(some.headers["location"]).text
    assert reviewed_events(db) == events + 1


@pytest.mark.parametrize("scope", ["one", "selected", "shown"])
def test_a_change_an_import_made_after_the_page_was_shown_is_not_marked_unseen(
    scope: str, world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """The page was read when run 2 was the last import; run 3 then changed "twice" again. Marking it
    reviewed cleared the flag of a change nobody had seen; now nothing is marked, the page says why and
    shows the queue as it is now, with run 3's change."""
    staff = staff_login("coordinator")
    page = staff.get("/staff/review").text
    assert f'name="shown_run" value="{world.last_run}"' in page  # the page names the last run it shows
    before = world.last_run - 1
    shown = [world.text_changed, world.theme_changed, world.twice]
    forms = {
        "one": (f"/staff/review/{world.twice}/reviewed", {}),
        "selected": ("/staff/review/reviewed", {"scope": "selected", "ids": [world.twice]}),
        "shown": ("/staff/review/reviewed", {"scope": "shown", "shown": shown}),
    }
    url, form = forms[scope]
    events = reviewed_events(db)
    answer = staff.post(url, {**form, "shown_run": str(before)})
    assert answer.status_code == 422
    summary = answer.text.split('class="error-summary"')[1].split("</div>")[0]
    assert "changed again by an import since the page was shown" in summary
    assert f'name="shown_run" value="{world.last_run}"' in answer.text  # read again, then mark again
    assert waiting(db) == set(shown) and reviewed_events(db) == events
    again = staff.post(url, {**form, "shown_run": str(world.last_run)})
    assert again.status_code == 303
    assert world.twice not in waiting(db)


def test_nothing_selected_is_named_and_changes_nothing(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    answer = staff_login("coordinator").post("/staff/review/reviewed", {"scope": "selected"})
    assert answer.status_code == 422
    assert "There is a problem" in answer.text
    assert 'href="#field-ids"' in answer.text and 'id="field-ids"' in answer.text
    assert "select at least one recommendation" in answer.text
    assert len(waiting(db)) == 3


def test_an_unknown_id_changes_nothing_and_keeps_the_selection(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    answer = staff_login("coordinator").post(
        "/staff/review/reviewed", {"scope": "selected", "ids": [world.text_changed, 999999]}
    )
    assert answer.status_code == 422
    assert "unknown recommendation id" in answer.text
    assert f'value="{world.text_changed}" checked' in answer.text
    assert len(waiting(db)) == 3  # all or nothing, like the API


def test_mark_one_unknown_is_an_error_page(world: ReviewWorld, staff_login: StaffLogin) -> None:
    answer = staff_login("coordinator").post("/staff/review/999999/reviewed")
    assert answer.status_code == 422
    assert "unknown recommendation id" in answer.text


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_without_the_csrf_token_nothing_changes(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection, token: str
) -> None:
    staff = staff_login("coordinator")
    one = staff.post(f"/staff/review/{world.text_changed}/reviewed", csrf=token)
    bulk = staff.post("/staff/review/reviewed", {"scope": "shown", "shown": [world.twice]}, csrf=token)
    assert (one.status_code, bulk.status_code) == (403, 403)
    assert "security token" in one.text
    assert len(waiting(db)) == 3


@pytest.mark.parametrize("role", ["focal_point", "reader"])
def test_others_get_the_refusal_page(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection, role: str
) -> None:
    staff = staff_login(role, entity_id=world.justice if role == "focal_point" else None)
    page = staff.get("/staff/review")
    assert page.status_code == 403 and "You may not do this" in page.text
    assert staff.post(f"/staff/review/{world.text_changed}/reviewed").status_code == 403
    assert staff.post("/staff/review/reviewed", {"scope": "shown", "shown": [world.twice]}).status_code == 403
    assert len(waiting(db)) == 3
    assert 'href="/staff/review"' not in staff.get("/staff/").text  # not in the menu either


def test_the_menu_shows_the_queue_to_managers(world: ReviewWorld, staff_login: StaffLogin) -> None:
    assert 'href="/staff/review"' in staff_login("coordinator").get("/staff/").text


def test_keyset_pages_walk_the_queue_newest_import_first(world: ReviewWorld, db: Connection) -> None:
    session = session_on(db)
    seen: list[int] = []
    cursor = None
    while True:
        page = review.review_queue(session, cursor=cursor, limit=1)
        assert page.total == 3
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen[0] == world.twice  # changed by the last run
    assert sorted(seen) == sorted([world.text_changed, world.theme_changed, world.twice])


def test_the_page_links_to_the_next_page(world: ReviewWorld, staff_login: StaffLogin, db: Connection) -> None:
    first = review.review_queue(session_on(db), limit=1)
    staff = staff_login("coordinator")
    page = staff.get(f"/staff/review?cursor={first.next_cursor}").text
    assert "First page" in page
    assert f'name="ids" value="{world.twice}"' not in page
    assert staff.get("/staff/review?cursor=not-a-cursor").status_code == 422


def test_the_queue_form_carries_the_sessions_token(world: ReviewWorld, staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator")
    html = staff.get("/staff/review").text
    form = html[html.index('action="/staff/review/reviewed"') :]
    assert re.search(r'name="csrf_token" value="([^"]*)"', form).group(1) == staff.csrf  # type: ignore[union-attr]


def test_the_refusal_of_an_unread_change_is_in_the_page_language(
    world: ReviewWorld, staff_login: StaffLogin
) -> None:
    form = {"scope": "selected", "ids": [world.twice], "shown_run": str(world.last_run - 1)}
    answer = staff_login("coordinator").post("/staff/review/reviewed?lang=es", form)
    assert answer.status_code == 422
    assert "modificada de nuevo por una importación desde que se mostró la página" in answer.text


def test_a_changed_list_is_marked_in_the_feeds_language_on_a_french_page(
    world: ReviewWorld, staff_login: StaffLogin
) -> None:
    """The added theme ("Children", the feed's English label) was read as French by a screen reader."""
    page = staff_login("coordinator").get("/staff/review?lang=fr").text
    theme = page.split("<dt>Thèmes</dt>")[1].split("</dd>")[0]
    assert theme.lstrip().startswith('<dd lang="en">') and "Children" in theme, theme
    english = staff_login("admin").get("/staff/review?lang=en").text
    assert re.search(r"<dt>Themes</dt>\s*<dd>", english)  # the page's own language: nothing to mark


def test_a_later_page_emptied_by_marking_leads_back_to_the_first(
    world: ReviewWorld, staff_login: StaffLogin, db: Connection
) -> None:
    """Marking every one of a later page reviewed came back to that page, which said "Waiting for
    review: 1" and "Nothing is waiting for review." with no way to the one still waiting."""
    first = review.review_queue(session_on(db), limit=1)
    staff = staff_login("coordinator")
    rest = [
        rec_id
        for rec_id in (world.text_changed, world.theme_changed, world.twice)
        if rec_id != first.items[0].id
    ]
    form = {"scope": "shown", "shown": rest, "cursor": first.next_cursor, "shown_run": str(world.last_run)}
    answer = staff.post("/staff/review/reviewed", form)
    assert answer.status_code == 303
    page = staff.get(answer.headers["location"]).text
    assert "Waiting for review: 1" in page and "Nothing is waiting for review." not in page
    assert (
        "the others are on the pages before it." in page and '<a href="/staff/review">First page</a>' in page
    )
