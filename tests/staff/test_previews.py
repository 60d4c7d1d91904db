"""The "what the public sees" previews of an action and a cluster: the portal's own rendering in a frame
when it is public, the reasons when it is not, what is hidden either way, and who may open them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Connection, Engine

from tests import accounts
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.portal.seed import INDICATOR, PUBLISHED_ACTION, PUBLISHED_CLUSTER, SECRETS, Seeded, seed
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import check_object_routes

ROUTES = """
GET    /staff/actions/{id}/preview                  200 200 200 403 303
GET    /staff/clusters/{id}/preview                 200 200 200 403 303
"""
ACTION_ROUTES, CLUSTER_ROUTES = ROUTES.strip().splitlines()


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> Seeded:
    return module_world(seed, migrated_engine)


def _main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


@pytest.mark.parametrize("column", ["admin", "coord", "fp", "reader", "anon"])
def test_previews_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, world: Seeded, db: Connection
) -> None:
    """The focal point is one of the action's lead entity."""
    failures = check_object_routes(ACTION_ROUTES, column, world.action_id, staff_login, world.entity_id)
    failures += check_object_routes(CLUSTER_ROUTES, column, world.cluster_id, staff_login, world.entity_id)
    assert failures == []


def test_a_focal_point_of_another_entity_sees_what_the_api_lets_them_read(
    staff_login: StaffLogin, world: Seeded, db: Connection
) -> None:
    """The preview reads with the API's services: it answers exactly as the API does for the same user."""
    with building(db) as build:
        other = build.entity("Ministry of Water").id
    staff = staff_login("focal_point", entity_id=other)
    token = accounts.issue_token(db, staff.user_id)
    for preview, api in (
        (f"/staff/actions/{world.action_id}/preview", f"/api/v1/actions/{world.action_id}"),
        (f"/staff/clusters/{world.cluster_id}/preview", f"/api/v1/clusters/{world.cluster_id}"),
    ):
        expected = staff.client.get(api, headers=accounts.bearer(token)).status_code
        assert expected in (200, 403, 404)
        assert staff.get(preview).status_code == expected, preview


def test_another_ministrys_focal_point_is_not_told_how_many_drafts_it_has(
    staff_login: StaffLogin, world: Seeded, db: Connection
) -> None:
    """The preview counted every update and value not approved yet for whoever opened it: a focal point
    of another ministry learnt how many drafts the action's ministry had, which the API never tells
    them (its progress is 403 to them, its unapproved values 404). The counts follow the API's rule."""
    with building(db) as build:
        other = build.entity("Ministry of Water").id
        indicator = build.indicator(world.action_id, "Wells dug").id
        build.value(indicator, "draft", 4)
    path = f"/staff/actions/{world.action_id}/preview"
    waiting = "Indicator values not approved yet (draft, submitted or returned): 1."
    for own in (staff_login("coordinator"), staff_login("focal_point", entity_id=world.entity_id)):
        page = own.get(path).text
        assert "Progress updates not approved yet (draft, submitted or returned): 3." in page
        assert waiting in page
    page = staff_login("focal_point", entity_id=other).get(path).text
    assert "<li>Progress updates" not in page and "<li>Indicator values not approved" not in page
    assert "counted only for the action's own entities and the coordinators" in page


def test_unknown_objects_are_404_pages(staff_login: StaffLogin, world: Seeded) -> None:
    staff = staff_login("coordinator")
    for path in ("/staff/actions/999999/preview", "/staff/clusters/999999/preview"):
        response = staff.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text


def test_a_published_action_is_shown_exactly_as_the_portal_shows_it(
    staff_login: StaffLogin, world: Seeded
) -> None:
    staff = staff_login("coordinator")
    response = staff.get(f"/staff/actions/{world.action_id}/preview")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert f"<h1>What the public sees: {PUBLISHED_ACTION}</h1>" in page
    assert (
        f'The portal shows it at <a href="/actions/{world.action_id}">/actions/{world.action_id}</a>, exactly'
        in page
    )
    frame = page[page.index('<section class="public-preview"') :]
    # The portal page's content, byte for byte, one heading level down (h2 -> h3, h3 -> h4).
    portal_main = _main(staff.get(f"/actions/{world.action_id}").text)
    portal_body = portal_main[portal_main.index("</h1>") + 6 :].strip()
    shifted = re.sub(r"<(/?)h([23])", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", portal_body)
    assert shifted in frame
    assert INDICATOR in frame and "<svg" in frame and '<table tabindex="0">' in frame
    # What the public does not see: counted, never shown.
    hidden = page[page.index("Hidden from the public") : page.index('<section class="public-preview"')]
    assert "Progress updates approved but not published: 1." in hidden
    assert "Progress updates not approved yet (draft, submitted or returned): 3." in hidden
    assert [name for name, secret in SECRETS.items() if secret in frame] == []


def test_an_unpublished_action_says_why_and_what_is_hidden(
    staff_login: StaffLogin, world: Seeded, db: Connection
) -> None:
    with building(db) as build:
        build.progress(world.unpublished_action_id, "published", "Published on a hidden action.")
    # A focal point of its ministry: the updates are theirs to read (see the next test for another's).
    focal_point = staff_login("focal_point", entity_id=world.entity_id)
    page = focal_point.get(f"/staff/actions/{world.unpublished_action_id}/preview").text
    assert f"<h1>What the public sees: {SECRETS['unpublished_action']}</h1>" in page
    assert "<strong>This is not public.</strong>" in page
    assert "<li>The action is not published.</li>" in page
    assert "Progress updates published but hidden while the action is not published: 1." in page
    assert 'class="public-preview"' not in page
    assert "Published on a hidden action." not in page


def test_indicator_values_the_public_does_not_see_are_counted(
    staff_login: StaffLogin, db: Connection
) -> None:
    with building(db) as build:
        action = build.action("Count the schools")  # not published
        indicator = build.indicator(action.id, "Schools").id
        build.value(indicator, "approved", 1)
        replaced = build.value(indicator, "approved", 2)
        correction = build.value(indicator, "approved", 3, corrects_id=replaced.id)
        replaced.superseded_by_id = correction.id  # in the history, never public: not counted
        for state in ("submitted", "draft", "returned"):
            build.value(indicator, state, 4)
    staff = staff_login("coordinator")
    page = staff.get(f"/staff/actions/{action.id}/preview").text
    assert "<li>Indicator values not approved yet (draft, submitted or returned): 3.</li>" in page
    assert "<li>Indicator values approved but hidden while the action is not published: 2.</li>" in page
    with building(db) as build:
        build.session.get_one(type(action), action.id).published = True
    page = staff.get(f"/staff/actions/{action.id}/preview").text
    assert "<li>Indicator values not approved yet (draft, submitted or returned): 3.</li>" in page
    assert "hidden while the action is not published" not in page


def test_a_published_cluster_is_shown_with_its_hidden_actions_counted(
    staff_login: StaffLogin, world: Seeded
) -> None:
    page = staff_login("coordinator").get(f"/staff/clusters/{world.cluster_id}/preview").text
    assert f"<h1>What the public sees: {PUBLISHED_CLUSTER}</h1>" in page
    frame = page[page.index('<section class="public-preview"') :]
    assert f'<a href="/actions/{world.action_id}">{PUBLISHED_ACTION}</a>' in frame
    assert f'<a href="/recommendations/{world.education_id}">' in frame
    assert "<li>Actions of the cluster that are not published: 1." in page
    # Named for the staff, with how it is the cluster's; never in the public page's frame.
    secret = SECRETS["unpublished_action"]
    assert f'<a href="/staff/actions/{world.unpublished_action_id}">{secret}</a>' in page
    assert secret not in frame


@pytest.mark.parametrize(
    ("attribute", "reasons"),
    [
        ("unpublished_cluster_id", ["The cluster is not published."]),
        ("archived_cluster_id", ["The cluster is archived."]),
    ],
)
def test_a_cluster_that_is_not_public_says_why(
    staff_login: StaffLogin, world: Seeded, attribute: str, reasons: list[str]
) -> None:
    page = staff_login("coordinator").get(f"/staff/clusters/{getattr(world, attribute)}/preview").text
    assert "<strong>This is not public.</strong>" in page
    assert re.findall(r"<li>(The cluster is [^<]*)</li>", page) == reasons
    assert 'class="public-preview"' not in page


def test_the_cluster_page_links_its_preview(staff_login: StaffLogin, world: Seeded) -> None:
    page = staff_login("focal_point").get(f"/staff/clusters/{world.cluster_id}").text
    assert f'<a href="/staff/clusters/{world.cluster_id}/preview">What the public sees</a>' in page


def test_the_preview_speaks_the_staff_language(staff_login: StaffLogin, world: Seeded) -> None:
    page = staff_login("coordinator").get(f"/staff/actions/{world.action_id}/preview?lang=fr").text
    assert '<html lang="fr">' in page
    assert "30 juin 2025" in page  # the portal partial's dates, in French
