"""Linking recommendations to an action on its page: by document symbol, paragraph and id, unlinking,
a document with more recommendations than an action takes, an unknown one, an archived cluster."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import Connection, Engine, update

from app.models import Cluster
from app.staff import action_form as form
from tests.conftest import ModuleWorld
from tests.staff.action_world import SYMBOL, ActionWorld, build_world, etag, linked
from tests.staff.conftest import StaffLogin, assert_refusal_reaches_its_fields


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> ActionWorld:
    return module_world(build_world, migrated_engine)


def test_link_recommendations_by_symbol_and_id_then_unlink(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff.get(path).text, f"{path}/recommendations/add")
    added = staff.post(f"{path}/recommendations/add", {"add": f"{SYMBOL} {world.recs['three']}", "etag": tag})
    assert added.status_code == 303
    assert linked(db, world.judges) == set(world.recs.values())
    page = staff.get(added.headers["location"]).text
    assert "The recommendations are linked to the action." in page
    # The same again: nothing new, and said so (it said they were linked).
    again = staff.post(
        f"{path}/recommendations/add",
        {"add": str(world.recs["three"]), "etag": etag(page, f"{path}/recommendations/add")},
    )
    assert again.status_code == 303 and again.headers["location"].endswith(
        "?done=action-recommendations-none-added"
    )
    said = staff.get(again.headers["location"]).text
    assert "Nothing new is linked" in said and "The recommendations are linked to the action." not in said
    tag = etag(page, f"{path}/recommendations/remove")
    removed = staff.post(f"{path}/recommendations/remove", {"one": str(world.recs["two"]), "etag": tag})
    assert removed.status_code == 303
    assert linked(db, world.judges) == {world.recs["one"], world.recs["three"]}
    tag = etag(staff.get(path).text, f"{path}/recommendations/remove")
    # Nothing ticked: said on the boxes to tick (it stood under "Link recommendations", whose box the
    # summary's link focused, marked invalid).
    none = staff.post(f"{path}/recommendations/remove", {"etag": tag})
    assert none.status_code == 422
    first = min(world.recs["one"], world.recs["three"])
    assert f'<a href="#pick-{first}">Linked recommendations: Select at least one recommendation.' in none.text
    assert f'id="pick-{first}" aria-describedby="error-ids"' in none.text
    assert 'aria-invalid="true"' not in none.text and 'id="error-add"' not in none.text
    assert_refusal_reaches_its_fields(none.text)
    ticked = {"ids": [str(world.recs["one"]), str(world.recs["three"])], "etag": tag}
    assert staff.post(f"{path}/recommendations/remove", ticked).status_code == 303
    assert linked(db, world.judges) == set()


def test_a_document_with_more_recommendations_than_an_action_takes_is_refused_not_cut(
    staff_login: StaffLogin, db: Connection, world: ActionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its two recommendations over a limit of one: the page says so, rather than linking the first."""
    monkeypatch.setattr(form, "SYMBOL_LIMIT", 1)
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff.get(path).text, f"{path}/recommendations/add")
    refused = staff.post(f"{path}/recommendations/add", {"add": SYMBOL, "etag": tag})
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert f"The document {SYMBOL} has 2 recommendations, more than the 1 an action may be linked to" in text
    assert linked(db, world.judges) == {world.recs["one"]}


@pytest.mark.parametrize(
    ("typed", "reason"), [("999999", "unknown id: 999999"), ("A/HRC/0/0", "A/HRC/0/0"), ("", "")]
)
def test_linking_an_unknown_recommendation_names_the_box(
    staff_login: StaffLogin, db: Connection, world: ActionWorld, typed: str, reason: str
) -> None:
    staff = staff_login("coordinator")
    path = f"/staff/actions/{world.judges}"
    tag = etag(staff.get(path).text, f"{path}/recommendations/add")
    response = staff.post(f"{path}/recommendations/add", {"add": typed, "etag": tag})
    assert response.status_code == 422
    # The link leads to the box itself (it focused a wrapper around it: no box to type in).
    assert re.search(
        r'<a href="#field-add">Linked recommendations: [^<]*' + re.escape(reason),
        response.text,
    )
    assert re.search(r'<input id="field-add" name="add" type="text" value="[^"]*"', response.text)
    assert 'id="field-recommendation_ids"' not in response.text
    assert f'value="{typed}"' in response.text
    assert linked(db, world.judges) == {world.recs["one"]}


def test_an_archived_cluster_is_marked_on_the_action_and_refused_in_a_sentence(
    staff_login: StaffLogin, db: Connection, world: ActionWorld
) -> None:
    """The page named an action's archived cluster as a current one, and refusing to link one read
    "archived: Juvenile justice" (in French « archivée », a feminine word for a « groupe »)."""
    db.execute(update(Cluster).where(Cluster.id == world.cluster).values(archived=True))
    staff = staff_login("coordinator")
    page = staff.get(f"/staff/actions/{world.judges}?lang=fr").text
    assert (
        f'<a href="/staff/clusters/{world.cluster}">Juvenile justice</a> <span class="badge">Archivé</span>'
    ) in page
    form = {"title": "X", "status": "planned", "cluster_ids": str(world.cluster)}
    refused = staff.post("/staff/actions?lang=fr", form)
    assert refused.status_code == 422
    assert "Groupes associés : le groupe est archivé : Juvenile justice</a>" in refused.text
