"""A cluster's recommendations: found by id, symbol or words and added, suggested from a member
(or any recommendation) and added, removed one or several at a time, listed a page at a time."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import Connection

from app.staff import cluster_members
from app.staff import clusters as cluster_pages
from tests.staff.cluster_world import (
    TORTURE,
    World,
    coordinator,
    create,
    etag,
    members_of,
    world,
)
from tests.staff.conftest import StaffLogin

__all__ = ["world"]  # the fixture


def test_find_by_id_symbol_and_words_then_add(
    staff_login: StaffLogin, db: Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = coordinator(staff_login)
    base = f"/staff/clusters/{world.cluster}/add"
    by_symbol = staff.get(base, params={"find": "cat/c/xx/co/2"})
    assert by_symbol.status_code == 200
    assert "Recommendations found: 2" in by_symbol.text and "Only the first" not in by_symbol.text
    # The cousin is a member already: it cannot be ticked again.
    assert f'value="{world.ids["twin"]}"' in by_symbol.text
    assert f'name="ids" value="{world.ids["cousin"]}"' not in by_symbol.text
    by_id = staff.get(base, params={"find": str(world.ids["unrelated"])})
    assert "Recommendations found: 1" in by_id.text and "primary schools" in by_id.text
    by_words = staff.get(base, params={"find": "teachers rural"})
    assert f'name="ids" value="{world.ids["unrelated"]}"' in by_words.text
    assert "No recommendation found." in staff.get(base, params={"find": "999999"}).text
    # More found than the page shows (a UPR report holds hundreds): the count is of all of them, and
    # the page says where to take them all rather than letting the first ones pass for all.
    monkeypatch.setattr(cluster_members, "FOUND", 1)
    for typed in ("CAT/C/XX/CO/2", "torture"):
        cut = staff.get(base, params={"find": typed})
        assert "Recommendations found: 2" in cut.text and len(re.findall('<th scope="row">', cut.text)) == 1
        assert "Only the first 1 are shown here." in cut.text
        link = f'<a href="/staff/recommendations?q={quote(typed)}">Show all 2 in the recommendation list'
        assert link in cut.text
    monkeypatch.undo()
    too_long = staff.get(base, params={"find": "word " * 120})
    assert too_long.status_code == 422 and 'href="#field-find"' in too_long.text

    response = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add",
        {"ids": [world.ids["twin"], world.ids["cousin"]], "source": "find", "find": "CAT/C/XX/CO/2"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/clusters/{world.cluster}?added=1&unchanged=1"
    assert members_of(db, world.cluster) == {world.ids["source"], world.ids["cousin"], world.ids["twin"]}
    page = staff.get(response.headers["location"])
    assert "Recommendations added: 1." in page.text and "Already as asked: 1." in page.text


def test_add_nothing_ticked_shows_the_page_again(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    response = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add", {"source": "find", "find": "CAT/C/XX/CO/2"}
    )
    assert response.status_code == 422
    assert '<a href="#field-ids">Recommendations: Select at least one recommendation.' in response.text
    assert 'value="CAT/C/XX/CO/2"' in response.text and "Recommendations found: 2" in response.text
    unknown = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add",
        {"ids": "999999", "source": "suggestions", "from": str(world.ids["source"])},
    )
    assert unknown.status_code == 422 and "unknown recommendation ids: 999999" in unknown.text
    assert "Suggestions for Detention" in unknown.text
    assert members_of(db, world.cluster) == {world.ids["source"], world.ids["cousin"]}


def test_adding_to_a_cluster_archived_meanwhile_says_so_in_the_page_language(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """Another coordinator archived the cluster while this one was choosing recommendations: the
    cluster's page says so in French (it was an error page with the API's English sentence)."""
    staff = coordinator(staff_login)
    archived = staff.post(
        f"/staff/clusters/{world.cluster}/archive",
        {"archived": "true", "etag": etag(staff.get(f"/staff/clusters/{world.cluster}").text)},
    )
    assert archived.status_code == 303
    response = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add?lang=fr",
        {"ids": [world.ids["twin"]], "source": "find", "find": "CAT/C/XX/CO/2"},
    )
    assert response.status_code == 409
    assert "PATCH archived=false" not in response.text and "le groupe est archivé" in response.text
    assert 'name="find"' not in response.text  # the cluster's own page, with its Unarchive button
    assert members_of(db, world.cluster) == {world.ids["source"], world.ids["cousin"]}
    unarchived = staff.post(
        f"/staff/clusters/{world.cluster}/archive",
        {"archived": "false", "etag": etag(staff.get(f"/staff/clusters/{world.cluster}").text)},
    )
    assert unarchived.status_code == 303


def test_suggestions_list_similar_recommendations_to_add(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}/suggestions")
    assert page.status_code == 200
    # The first member is the default starting point; the twin is the most similar to it.
    assert f'<option value="{world.ids["source"]}" selected>' in page.text
    rows = re.findall(r'<th scope="row"><a href="/staff/recommendations/(\d+)"', page.text)
    assert int(rows[0]) == world.ids["twin"]
    # Twin and cousin share a document: each is named with its paragraph, as on the other cluster pages.
    twin = f'<a href="/staff/recommendations/{world.ids["twin"]}">CAT/C/XX/CO/2 ¶34</a>'
    assert twin in page.text
    label = f'<label for="pick-{world.ids["twin"]}" class="visually-hidden">Select CAT/C/XX/CO/2 ¶34 (#'
    assert label in page.text
    assert f'name="ids" value="{world.ids["twin"]}"' in page.text
    assert f'name="ids" value="{world.ids["cousin"]}"' not in page.text  # already in the cluster
    assert "Prevention of torture" in page.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add",
        {"ids": world.ids["twin"], "source": "suggestions", "from": str(world.ids["source"])},
    )
    assert response.status_code == 303
    assert world.ids["twin"] in members_of(db, world.cluster)
    assert (
        staff.get(f"/staff/clusters/{world.cluster}/suggestions", params={"from": "abc"}).status_code == 422
    )
    missing = staff.get(f"/staff/clusters/{world.cluster}/suggestions", params={"from": "999999"})
    assert missing.status_code == 422 and "No recommendation has this id." in missing.text
    # On a French page the themes in common, named by the feed in English, say so for screen readers.
    french = staff.get(f"/staff/clusters/{world.cluster}/suggestions", params={"lang": "fr"}).text
    assert f'<span lang="en">{TORTURE}</span>' in french


def test_suggestions_of_an_empty_cluster_start_from_a_given_recommendation(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    cluster_id = create(staff, name="Custody")
    empty = staff.get(f"/staff/clusters/{cluster_id}/suggestions")
    assert empty.status_code == 200 and 'id="field-from"' in empty.text and 'name="ids"' not in empty.text
    page = staff.get(f"/staff/clusters/{cluster_id}/suggestions", params={"from": world.ids["source"]})
    # The starting recommendation is offered too, ticked.
    assert f'name="ids" value="{world.ids["source"]}" id="pick-{world.ids["source"]}" checked' in page.text
    response = staff.post(
        f"/staff/clusters/{cluster_id}/recommendations/add",
        {
            "ids": [world.ids["source"], world.ids["twin"]],
            "source": "suggestions",
            "from": str(world.ids["source"]),
        },
    )
    assert response.status_code == 303
    assert members_of(db, cluster_id) == {world.ids["source"], world.ids["twin"]}


def test_suggestions_from_a_member_past_the_first_ones_keep_it_chosen(
    staff_login: StaffLogin, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's "Similar" link from a later page of the cluster: the "Similar to" box shows that
    member (not the first one), so that "Show suggestions" again does not switch to another."""
    monkeypatch.setattr(cluster_members, "BASES", 1)
    cousin = world.ids["cousin"]
    page = coordinator(staff_login).get(f"/staff/clusters/{world.cluster}/suggestions?from={cousin}")
    assert page.status_code == 200
    assert f'<option value="{cousin}" selected>' in page.text
    # The box is cut at the first member: the page says so, and how to reach the others.
    assert "The cluster's first 1 recommendations, by id; 1 more are not listed here" in page.text
    assert 'aria-describedby="hint-from"' in page.text


def test_remove_one_or_the_ticked_ones(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = coordinator(staff_login)
    path = f"/staff/clusters/{world.cluster}/recommendations/remove"
    page = staff.get(f"/staff/clusters/{world.cluster}")
    nothing = staff.post(path, {"etag": etag(page.text)})
    assert nothing.status_code == 422 and 'href="#field-ids"' in nothing.text
    # A row's own button removes that row even with other rows ticked.
    one = staff.post(path, {"one": world.ids["cousin"], "ids": world.ids["source"], "etag": etag(page.text)})
    assert one.status_code == 303 and one.headers["location"].endswith("?removed=1&unchanged=0")
    assert members_of(db, world.cluster) == {world.ids["source"]}
    stale = staff.post(path, {"ids": world.ids["source"], "etag": etag(page.text)})
    assert stale.status_code == 412 and members_of(db, world.cluster) == {world.ids["source"]}
    assert "What you typed" not in stale.text and "<dt>ids</dt>" not in stale.text
    page = staff.get(f"/staff/clusters/{world.cluster}")
    bulk = staff.post(path, {"ids": [world.ids["source"], world.ids["twin"]], "etag": etag(page.text)})
    assert bulk.status_code == 303 and bulk.headers["location"].endswith("?removed=1&unchanged=1")
    assert members_of(db, world.cluster) == set()
    assert "Recommendations removed: 1." in staff.get(bulk.headers["location"]).text


def test_members_come_a_page_at_a_time(
    staff_login: StaffLogin, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_pages, "MEMBERS_PER_PAGE", 1)
    staff = coordinator(staff_login)
    first = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Recommendations in the cluster, by id: 2" in first.text
    assert "CAT/C/XX/CO/1" in first.text and "overcrowding" not in first.text
    next_link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.text)
    assert next_link
    second = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert "overcrowding" in second.text and "CAT/C/XX/CO/1" not in second.text
    assert staff.get(f"/staff/clusters/{world.cluster}?cursor=junk").status_code == 200


def test_a_recommendation_named_as_the_workspace_names_it_is_found_by_its_number(
    staff_login: StaffLogin, world: World
) -> None:
    """The list, the action form and a recommendation's page name one "#12": typed so (copied from
    there) in a cluster's boxes, it is that recommendation, not a search of the texts for "12"."""
    staff = coordinator(staff_login)
    unrelated, source = world.ids["unrelated"], world.ids["source"]
    empty = create(staff, name="Custody")
    for number in ("#", "# "):
        found = staff.get(f"/staff/clusters/{world.cluster}/add", params={"find": f"{number}{unrelated}"})
        assert "Recommendations found: 1" in found.text and "primary schools" in found.text
        # An empty cluster's suggestions start from a recommendation typed in a box.
        suggested = staff.get(f"/staff/clusters/{empty}/suggestions", params={"from": f"{number}{source}"})
        assert suggested.status_code == 200
        assert f'name="ids" value="{source}" id="pick-{source}" checked' in suggested.text
