"""One action's page: what it shows (indicators, progress, links, the public preview link), editing with
the ETag round trip and the conflict page, what a focal point may change and whose actions, publishing;
and the actions listed on a recommendation's and a cluster's page (linking them: test_action_links.py)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import Connection, Engine

from app.taxonomies.service import sdg_titles
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.action_world import SYMBOL, ActionWorld, audit_count, build_world, etag, linked, stored
from tests.staff.conftest import StaffLogin


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ActionWorld:
    return module_world(build_world, migrated_engine)


def _edit_form(world: ActionWorld, tag: str, **changes: object) -> dict[str, object]:
    return {
        "title": "Train judges",
        "description": "",
        "start_date": "2020-01-01",
        "due_date": "2021-06-30",
        "status": "in_progress",
        "budget_amount": "25000.50",
        "budget_currency": "PEN",
        "budget_source": "National budget",
        "lead_entity_id": str(world.justice),
        "cluster_ids": [str(world.cluster)],
        "sdg_targets": "",
        "etag": tag,
        **changes,
    }


# What the page shows ----------------------------------------------------------------------------


def test_the_page_shows_the_action_its_indicators_progress_and_links(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    page = staff_login("coordinator").get(f"/staff/actions/{world.judges}")
    assert page.status_code == 200
    html = page.text
    assert '<h1 dir="auto">Train judges</h1>' in html
    assert "PEN\xa025,000.50" in html and "National budget" in html and "overdue" in html
    assert f'href="/staff/indicators/{world.indicator}">Judges trained</a>' in html
    assert "persons" in html and ">300<" in html and "120" in html
    assert f'href="/staff/progress/{world.progress}"' in html
    assert "Submitted" in html and world.author in html
    assert f'href="/staff/recommendations/{world.recs["one"]}"' in html and SYMBOL in html
    assert f'href="/staff/clusters/{world.cluster}">Juvenile justice</a>' in html
    assert f'href="/staff/actions/{world.judges}/preview"' in html
    assert f'href="/staff/actions/{world.judges}/indicators/new"' in html
    assert f'href="/staff/actions/{world.judges}/progress/new"' in html
    assert "Publish" in html and 'name="lead_entity_id"' in html


def test_an_action_of_a_cluster_names_the_recommendations_it_serves_through_it(
    staff_login: StaffLogin, world: ActionWorld, db: Connection
) -> None:
    """Linked to a cluster only, the page said no recommendation was linked, while the cluster's
    recommendations listed the action among theirs: it names them, under the cluster."""
    with building(db) as build:
        action = build.action("Open juvenile courts", clusters=[world.cluster], lead_entity_id=world.justice)
    html = staff_login("coordinator").get(f"/staff/actions/{action.id}").text
    section = html.split('id="recommendations"')[1].split('id="clusters"')[0]
    assert f'Cluster: <a href="/staff/clusters/{world.cluster}">Juvenile justice</a>' in section
    assert f'href="/staff/recommendations/{world.recs["one"]}"' in section
    assert f'href="/staff/recommendations/{world.recs["two"]}"' in section
    assert f'href="/staff/recommendations/{world.recs["three"]}"' not in section
    # Linked to it too, a recommendation is named once, among its own.
    judges = staff_login("coordinator").get(f"/staff/actions/{world.judges}").text
    judges = judges.split('id="recommendations"')[1].split('id="clusters"')[0]
    assert judges.count(f'href="/staff/recommendations/{world.recs["one"]}"') == 1
    assert f'href="/staff/recommendations/{world.recs["two"]}"' in judges


def test_a_focal_point_of_the_action_may_add_and_edit_some_fields(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    html = staff_login("focal_point", entity_id=world.justice).get(f"/staff/actions/{world.judges}").text
    assert f'href="/staff/actions/{world.judges}/indicators/new"' in html
    assert f'href="/staff/actions/{world.judges}/progress/new"' in html
    assert 'name="title"' in html and 'name="budget_amount"' in html and 'name="status"' in html
    assert 'name="lead_entity_id"' not in html and 'name="cluster_ids"' not in html
    assert "/publish" not in html and "/recommendations/add" not in html


def test_a_focal_point_of_another_entity_reads_without_forms(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    html = staff_login("focal_point", entity_id=world.education).get(f"/staff/actions/{world.judges}").text
    assert '<h1 dir="auto">Train judges</h1>' in html and "Judges trained" in html
    assert "/indicators/new" not in html and "/progress/new" not in html
    assert f'action="/staff/actions/{world.judges}' not in html and 'name="etag"' not in html
    # Nor the action's progress updates, which they may not open (403): no dates, states or authors.
    assert f'href="/staff/progress/{world.progress}"' not in html and world.author not in html


# Editing ----------------------------------------------------------------------------------------


def test_a_coordinator_edits_every_field(staff_login: StaffLogin, db: Connection, world: ActionWorld) -> None:
    staff = staff_login("coordinator")
    tag = etag(staff.get(f"/staff/actions/{world.schools}").text, f"/staff/actions/{world.schools}")
    form = _edit_form(
        world,
        tag,
        title="Build rural schools and roads",
        status="delayed",
        lead_entity_id=str(world.justice),
        supporting_entity_ids=[str(world.education)],
        cluster_ids=[],
        budget_amount="",
        budget_currency="",
        budget_source="",
        sdg_targets="4.1",
        due_date="2030-01-01",
    )
    response = staff.post(f"/staff/actions/{world.schools}", form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/actions/{world.schools}?done=saved"
    action = stored(db, world.schools)
    assert (action.title, action.status, action.lead_entity_id, action.budget_amount) == (
        "Build rural schools and roads",
        "delayed",
        world.justice,
        None,
    )
    page = staff.get(response.headers["location"]).text
    assert "Your changes are saved." in page and "4.1" in page


def test_the_sdg_targets_are_named_in_the_page_s_language(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    assert (
        staff.post(path, _edit_form(world, etag(staff.get(path).text, path), sdg_targets="4.1")).status_code
        == 303
    )
    english, spanish = sdg_titles("en")["4.1"], sdg_titles("es")["4.1"]
    assert english != spanish
    page = staff.get(f"{path}?lang=es").text
    assert html.escape(spanish, quote=False) in page and english not in page
    assert english in staff.get(f"{path}?lang=en").text


def test_a_stale_edit_shows_the_conflict_and_overwrites_nothing(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    first, second = staff_login("coordinator"), staff_login("admin", email="other-admin@example.org")
    path = f"/staff/actions/{world.judges}"
    stale = etag(first.get(path).text, path)
    saved = second.post(path, _edit_form(world, stale, title="Train judges (second)"))
    assert saved.status_code == 303
    # Another entity's focal point tries too: refused and audited on the action, but it changed nothing.
    outsider = staff_login("focal_point", email="outsider@example.org", entity_id=world.education)
    assert outsider.post(path, _edit_form(world, stale, title="Taken over")).status_code == 403
    conflict = first.post(path, _edit_form(world, stale, title="Train judges (first)"))
    assert conflict.status_code == 412
    assert "Someone else changed this first" in conflict.text and "other-admin@example.org" in conflict.text
    assert "outsider@example.org" not in conflict.text and "Changed: Title</p>" in conflict.text
    assert "Train judges (first)" in conflict.text and "Juvenile justice" in conflict.text
    # The status typed is named as the form named it, not by its code.
    assert "<dd>In progress</dd>" in conflict.text and "in_progress" not in conflict.text
    assert f'href="{path}"' in conflict.text
    assert stored(db, world.judges).title == "Train judges (second)"


def test_a_refused_edit_names_the_field_and_keeps_what_was_typed(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff.get(path).text, path)
    response = staff.post(path, _edit_form(world, tag, title="Renamed", due_date="2019-01-01"))
    assert response.status_code == 422
    assert '<a href="#field-due_date">Due date: is before the start date</a>' in response.text
    assert 'value="Renamed"' in response.text and 'value="2019-01-01"' in response.text
    assert etag(response.text, path) == tag  # a second try still says which version it started from
    assert stored(db, world.judges).title == "Train judges"


def test_a_refused_edit_names_every_wrong_field_at_once(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """The schema's refusal (a currency) and the service's (the dates, an SDG code) in one answer."""
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff.get(path).text, path)
    typed = _edit_form(world, tag, budget_currency="XYZ", due_date="2019-01-01", sdg_targets="18.1")
    response = staff.post(path, typed)
    assert response.status_code == 422
    for field in ("budget_currency", "due_date", "sdg_targets"):
        assert f'<a href="#field-{field}">' in response.text, field
    assert 'value="XYZ"' in response.text and 'value="2019-01-01"' in response.text
    assert 'value="18.1"' in response.text
    assert stored(db, world.judges).budget_currency == "PEN"


def test_a_focal_point_changes_only_what_the_api_lets_them(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    focal = staff_login("focal_point", entity_id=world.justice)
    path = f"/staff/actions/{world.judges}"
    tag = etag(focal.get(path).text, path)
    # A lead entity sent anyway is not part of a focal point's form: it is not sent to the API.
    form = _edit_form(world, tag, status="completed", lead_entity_id=str(world.education), cluster_ids=[])
    assert focal.post(path, form).status_code == 303
    action = stored(db, world.judges)
    assert (action.status, action.lead_entity_id) == ("completed", world.justice)
    assert linked(db, world.judges) == {world.recs["one"]}


def test_a_focal_point_of_entity_b_cannot_edit_entity_as_action(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    focal = staff_login("focal_point", entity_id=world.education)
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff_login("coordinator").get(path).text, path)
    denied = audit_count(db, "authz.denied")
    response = focal.post(path, _edit_form(world, tag, title="Taken over"))
    assert response.status_code == 403
    assert "does not belong to your entity" in response.text
    assert stored(db, world.judges).title == "Train judges"
    assert audit_count(db, "authz.denied") == denied + 1


# Publishing and links ---------------------------------------------------------------------------


def test_publish_and_unpublish(staff_login: StaffLogin, db: Connection, world: ActionWorld) -> None:
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    page = staff.get(path).text
    assert "Not published" in page
    published = staff.post(f"{path}/publish", {"published": "true", "etag": etag(page, f"{path}/publish")})
    assert published.status_code == 303 and published.headers["location"].endswith("?done=action-published")
    assert stored(db, world.judges).published is True
    page = staff.get(published.headers["location"]).text
    assert "The action is published." in page and "Unpublish" in page
    stale = staff.post(f"{path}/publish", {"published": "false", "etag": '"1"'})
    assert stale.status_code == 412 and stored(db, world.judges).published is True
    staff.post(f"{path}/publish", {"published": "false", "etag": etag(page, f"{path}/publish")})
    assert stored(db, world.judges).published is False


@pytest.mark.parametrize(
    ("lang", "action", "cluster"),
    [("fr", "Non publiée", "Non publié"), ("es", "No publicada", "No publicado")],
)
def test_not_published_agrees_with_the_action_and_with_the_cluster(
    staff_login: StaffLogin, world: ActionWorld, lang: str, action: str, cluster: str
) -> None:
    """French and Spanish write an action (« action », "acción") and a cluster (« groupe », "grupo")
    published or not in their own gender: each is its own catalogue entry (pgettext)."""
    staff = staff_login("coordinator")
    assert f"<dd>{action}</dd>" in staff.get(f"/staff/actions/{world.judges}?lang={lang}").text
    assert (
        f'<dd id="field-published" tabindex="-1">{cluster}</dd>'
        in staff.get(f"/staff/clusters/{world.cluster}?lang={lang}").text
    )


def test_recommendation_and_cluster_pages_list_their_actions(
    staff_login: StaffLogin, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    rec = staff.get(f"/staff/recommendations/{world.recs['one']}").text
    assert f'<a href="/staff/actions/{world.judges}">Train judges</a>' in rec
    assert f'href="/staff/actions/new?recommendation={world.recs["one"]}"' in rec
    cluster = staff.get(f"/staff/clusters/{world.cluster}").text
    assert f'<a href="/staff/actions/{world.judges}">Train judges</a>' in cluster
    assert "Build rural schools" not in cluster
    # "Create an action for it" ticks the cluster and chooses its lead entity as the action's lead.
    [new_url] = re.findall(
        r'<a href="(/staff/actions/new\?cluster=[^"]+)">Create an action for it</a>', cluster
    )
    new = staff.get(new_url.replace("&amp;", "&")).text
    assert re.search(rf'<option value="{world.justice}" selected>Ministry of Justice', new)
    assert re.search(rf'value="{world.cluster}"[^>]* checked', new)
    focal = staff_login("focal_point", entity_id=world.education)
    rec = focal.get(f"/staff/recommendations/{world.recs['one']}").text
    assert (
        f'<a href="/staff/actions/{world.judges}">Train judges</a>' in rec and "/staff/actions/new" not in rec
    )


def test_typed_names_take_the_direction_of_their_own_script(
    world: ActionWorld, staff_login: StaffLogin
) -> None:
    """An action, cluster or indicator named in Arabic was typed in a box laid out left to right and
    headed its page left to right (its full stop at the wrong end); the portal and the staff's
    narratives and descriptions took the text's own direction already (``dir="auto"``)."""
    staff = staff_login("coordinator")
    for path, box in (
        (f"/staff/actions/{world.judges}", "title"),
        (f"/staff/clusters/{world.cluster}", "name"),
        (f"/staff/indicators/{world.indicator}", "name"),
    ):
        page = staff.get(path).text
        assert re.search(r"<h1 dir=\"auto\">", page), path
        assert re.search(rf'<input id="field-{box}" name="{box}" type="text"[^>]* dir="auto">', page), path
    new = staff.get("/staff/actions/new").text
    assert re.search(r'<input id="field-title" name="title" type="text"[^>]* dir="auto">', new)
    # Boxes of a fixed form keep theirs: a date, a number, an e-mail address.
    due = re.search(r'<input id="field-due_date" name="due_date" type="date"[^>]*>', new)
    assert due and "dir=" not in due.group(0)
