"""The cluster pages: list, create, edit with the ETag round trip, publish, archive, members added
(by id, symbol, words or from the suggestions) and removed, validation, CSRF and roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Cluster, ClusterRecommendation
from app.staff import cluster_members
from app.staff import clusters as cluster_pages
from tests.builder import building, imported
from tests.conftest import ModuleWorld
from tests.factories import record
from tests.staff.conftest import StaffClient, StaffLogin

ROUTES = """
GET    /staff/clusters                              200 200 200 403 303
GET    /staff/clusters/new                          200 200 403 403 303
POST   /staff/clusters                              422 422 403 403 303
GET    /staff/clusters/{id}                         200 200 200 403 303
POST   /staff/clusters/{id}                         422 422 403 403 303
POST   /staff/clusters/{id}/publish                 422 422 403 403 303
POST   /staff/clusters/{id}/archive                 422 422 403 403 303
POST   /staff/clusters/{id}/recommendations/add     422 422 403 403 303
POST   /staff/clusters/{id}/recommendations/remove  422 422 403 403 303
GET    /staff/clusters/{id}/add                     200 200 403 403 303
GET    /staff/clusters/{id}/suggestions             200 200 200 403 303
"""

SOURCE = (
    "<p>12. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and prosecute the perpetrators.</p>"
)
TWIN = (
    "<p>34. The Committee urges the State party to investigate promptly all allegations of torture "
    "and ill-treatment of detainees in police custody and to prosecute perpetrators.</p>"
)
COUSIN = "<p>5. Improve material conditions in prisons and reduce overcrowding of detainees.</p>"
UNRELATED = "<p>7. Increase the budget of primary schools and train teachers in rural areas.</p>"
TORTURE, DETENTION = "Prevention of torture", "Conditions of detention"


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    entity: int
    other_entity: int
    cluster: int  # "Detention" led by the entity, holding source and cousin


def build_world(engine: Engine) -> World:
    ids = imported(
        engine,
        [
            record("source", SOURCE, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/1"),
            record("twin", TWIN, themes=[TORTURE, DETENTION], sdgs=["16.3"], symbol="CAT/C/XX/CO/2"),
            record("cousin", COUSIN, themes=[DETENTION], sdgs=["16.a"], symbol="CAT/C/XX/CO/2"),
            record("unrelated", UNRELATED, themes=["Right to education"], sdgs=["4.1"]),
        ],
    )
    with building(engine) as build:
        entity = build.entity("Ministry of Justice", acronym="MOJ").id
        other = build.entity("Ministry of Education").id
        cluster = build.cluster("Detention", [ids["source"], ids["cousin"]], lead_entity_id=entity).id
    return World(ids, entity, other, cluster)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def _etag(html: str) -> str:
    match = re.search(r'name="etag" value="([^"]*)"', html)
    assert match, "the page has no etag field"
    return match.group(1).replace("&#34;", '"')


def _cluster(db: Connection, cluster_id: int) -> Cluster:
    with Session(db) as session:
        cluster = session.get(Cluster, cluster_id)
        assert cluster is not None
        session.expunge(cluster)
        return cluster


def _members(db: Connection, cluster_id: int) -> set[int]:
    with Session(db) as session:
        return set(
            session.scalars(
                select(ClusterRecommendation.recommendation_id).where(
                    ClusterRecommendation.cluster_id == cluster_id
                )
            )
        )


def _audit_count(db: Connection) -> int:
    with Session(db) as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "cluster")
            )
            or 0
        )


def _coordinator(staff_login: StaffLogin) -> StaffClient:
    return staff_login("coordinator")


def _create(staff: StaffClient, **fields: Any) -> int:
    response = staff.post("/staff/clusters", {"description": "", "lead_entity_id": "", **fields})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/staff/clusters/(\d+)\?done=cluster-created", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


# Roles and CSRF ---------------------------------------------------------------------------------


ROLES = {"admin": "admin", "coord": "coordinator", "fp": "focal_point", "reader": "reader"}


@pytest.mark.parametrize("column", ["admin", "coord", "fp", "reader", "anon"])
def test_pages_of_one_cluster_answer_each_role_as_listed(
    column: str, staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """The matrix test leaves {id} routes to their area: here they are, with a real cluster. A bare
    POST (the CSRF token only) is refused by the roles marked 403 and changes nothing."""
    staff = staff_login(ROLES.get(column, "reader"), entity_id=world.entity)
    if column == "anon":
        staff.client.cookies.clear()
    before = (_cluster(db, world.cluster).version, _members(db, world.cluster), _audit_count(db))
    failures = []
    for line in ROUTES.strip().splitlines():
        method, template, *codes = line.split()
        if "{id}" not in template:
            continue
        expected = int(codes[["admin", "coord", "fp", "reader", "anon"].index(column)])
        path = template.replace("{id}", str(world.cluster))
        response = staff.get(path) if method == "GET" else staff.post(path, {})
        if response.status_code != expected:
            failures.append(f"{method} {template}: {response.status_code}, expected {expected}")
    assert failures == []
    after = (_cluster(db, world.cluster).version, _members(db, world.cluster), _audit_count(db))
    assert after == before


def test_reader_has_no_clusters_in_the_menu_and_gets_the_refusal_page(
    staff_login: StaffLogin, world: World
) -> None:
    reader = staff_login("reader")
    home = reader.get("/staff/")
    assert 'href="/staff/clusters"' not in home.text
    page = reader.get(f"/staff/clusters/{world.cluster}")
    assert page.status_code == 403
    assert "You may not do this" in page.text and "Detention" not in page.text
    coordinator = staff_login("coordinator")
    assert 'href="/staff/clusters"' in coordinator.get("/staff/").text


def test_focal_point_reads_clusters_without_forms(staff_login: StaffLogin, world: World) -> None:
    focal = staff_login("focal_point", entity_id=world.other_entity)
    listing = focal.get("/staff/clusters")
    assert listing.status_code == 200 and "Detention" in listing.text
    assert "Create a cluster" not in listing.text
    page = focal.get(f"/staff/clusters/{world.cluster}")
    assert page.status_code == 200
    assert "CAT/C/XX/CO/1" in page.text
    assert 'method="post" action="/staff/clusters/' not in page.text
    assert 'name="ids"' not in page.text and "Publish" not in page.text
    suggestions = focal.get(f"/staff/clusters/{world.cluster}/suggestions")
    assert suggestions.status_code == 200 and "CAT/C/XX/CO/2" in suggestions.text
    assert 'name="ids"' not in suggestions.text


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = _coordinator(staff_login)
    tag = _etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    before = _cluster(db, world.cluster)
    forms: list[tuple[str, dict[str, Any]]] = [
        ("/staff/clusters", {"name": "Forged"}),
        (f"/staff/clusters/{world.cluster}", {"name": "Forged", "etag": tag}),
        (f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": tag}),
        (
            f"/staff/clusters/{world.cluster}/recommendations/remove",
            {"ids": world.ids["source"], "etag": tag},
        ),
    ]
    for path, form in forms:
        for token in ("", "another-sessions-token"):
            response = staff.post(path, form, csrf=token)
            assert response.status_code == 403, path
            assert "security token" in response.text
    after = _cluster(db, world.cluster)
    assert (after.name, after.published, after.version) == (before.name, before.published, before.version)
    assert _members(db, world.cluster) == {world.ids["source"], world.ids["cousin"]}
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Cluster).where(Cluster.name == "Forged")) == 0


# The list and creating --------------------------------------------------------------------------


def test_list_shows_name_lead_count_and_publication_with_keyset_pages(
    staff_login: StaffLogin, db: Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with building(db) as build:
        build.cluster("Aa first", published=True)
        build.cluster("Zz last")
    staff = _coordinator(staff_login)
    page = staff.get("/staff/clusters")
    assert page.status_code == 200
    assert "Clusters found: 3" in page.text
    row = re.search(
        rf'<tr>\s*<th scope="row"><a href="/staff/clusters/{world.cluster}">Detention</a>.*?</tr>',
        page.text,
        re.S,
    )
    assert row, page.text
    assert "Ministry of Justice (MOJ)" in row.group(0) and ">2<" in row.group(0) and ">No<" in row.group(0)
    monkeypatch.setattr(cluster_pages, "CLUSTERS_PER_PAGE", 2)
    first = staff.get("/staff/clusters")
    assert "Aa first" in first.text and "Detention" in first.text and "Zz last" not in first.text
    next_link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.text)
    assert next_link
    second = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert "Zz last" in second.text and "Aa first" not in second.text and "First page" in second.text
    filtered = staff.get("/staff/clusters", params={"q": "deten"})
    assert "Clusters found: 1" in filtered.text and "Aa first" not in filtered.text
    tampered = staff.get("/staff/clusters", params={"cursor": "not-a-cursor"})
    assert tampered.status_code == 422 and "There is a problem" in tampered.text


def test_create_a_cluster(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = _coordinator(staff_login)
    form = staff.get("/staff/clusters/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert "Ministry of Education" in form.text
    cluster_id = _create(
        staff,
        name="  Torture prevention ",
        description="Custody and complaints.",
        lead_entity_id=world.entity,
    )
    stored = _cluster(db, cluster_id)
    assert (stored.name, stored.description, stored.lead_entity_id, stored.published) == (
        "Torture prevention",
        "Custody and complaints.",
        world.entity,
        False,
    )
    page = staff.get(f"/staff/clusters/{cluster_id}?done=cluster-created")
    assert "The cluster is created." in page.text
    assert "No recommendation is in this cluster yet." in page.text


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("   ", 422, "This is required."),
        ("x" * 256, 422, "at most 255 characters"),
        ("DETENTION", 409, "already used by another cluster: Detention"),
        ("détention", 409, "already used by another cluster: Detention"),  # accents aside
    ],
)
def test_create_refused_shows_the_form_again_with_what_was_typed(
    staff_login: StaffLogin, db: Connection, world: World, name: str, status: int, reason: str
) -> None:
    staff = _coordinator(staff_login)
    response = staff.post(
        "/staff/clusters",
        {"name": name, "description": "Kept <b>as typed</b>", "lead_entity_id": str(world.other_entity)},
    )
    assert response.status_code == status
    assert "There is a problem" in response.text
    assert re.search(r'<a href="#field-name">Name: [^<]*' + re.escape(reason), response.text)
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in response.text
    assert f'<option value="{world.other_entity}" selected>' in response.text
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Cluster)) == 1


def test_a_taken_name_and_an_unknown_lead_are_named_at_once(staff_login: StaffLogin, world: World) -> None:
    staff = _coordinator(staff_login)
    response = staff.post("/staff/clusters", {"name": "détention", "lead_entity_id": "999999"})
    assert response.status_code == 409
    assert '<a href="#field-name">Name: already used by another cluster: Detention' in response.text
    assert '<a href="#field-lead_entity_id">Lead entity: entity 999999 does not exist' in response.text
    assert 'value="détention"' in response.text


def test_suggestions_from_a_member_past_the_first_ones_keep_it_chosen(
    staff_login: StaffLogin, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's "Similar" link from a later page of the cluster: the "Similar to" box shows that
    member (not the first one), so that "Show suggestions" again does not switch to another."""
    monkeypatch.setattr(cluster_members, "BASES", 1)
    cousin = world.ids["cousin"]
    page = _coordinator(staff_login).get(f"/staff/clusters/{world.cluster}/suggestions?from={cousin}")
    assert page.status_code == 200
    assert f'<option value="{cousin}" selected>' in page.text
    # The box is cut at the first member: the page says so, and how to reach the others.
    assert "The cluster's first 1 recommendations, by id; 1 more are not listed here" in page.text
    assert 'aria-describedby="hint-from"' in page.text


def test_create_with_an_unknown_lead_entity_names_the_field(staff_login: StaffLogin, world: World) -> None:
    staff = _coordinator(staff_login)
    response = staff.post("/staff/clusters", {"name": "Orphan", "lead_entity_id": "999999"})
    assert response.status_code == 422
    assert '<a href="#field-lead_entity_id">Lead entity: entity 999999 does not exist' in response.text
    assert 'value="Orphan"' in response.text


@pytest.mark.parametrize(
    ("name", "lead", "field", "reason"),
    [
        ("DETENTION", None, "name", "Nombre: ya lo usa otro grupo"),  # a service's fixed reason
        ("x" * 256, None, "name", "Nombre: Escriba como máximo 255 caracteres."),  # pydantic's limit
        ("Orphan", "999999", "lead_entity_id", ": la entidad 999999 no existe"),  # a reason with a value
    ],
)
def test_a_refusal_reads_in_the_page_s_language(
    staff_login: StaffLogin, world: World, name: str, lead: str | None, field: str, reason: str
) -> None:
    staff = _coordinator(staff_login)
    form = {"name": name, **({"lead_entity_id": lead} if lead else {})}
    response = staff.post("/staff/clusters?lang=es", form)
    assert response.status_code in (409, 422)
    assert re.search(f'<a href="#field-{field}">[^<]*' + re.escape(reason), response.text)
    assert "already used" not in response.text and "at most" not in response.text


# Editing ----------------------------------------------------------------------------------------


def test_rename_describe_and_change_the_lead(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = _coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}")
    response = staff.post(
        f"/staff/clusters/{world.cluster}",
        {
            "name": "Places of detention",
            "description": "Prisons.",
            "lead_entity_id": "",
            "etag": _etag(page.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/clusters/{world.cluster}?done=saved"
    stored = _cluster(db, world.cluster)
    assert (stored.name, stored.description, stored.lead_entity_id) == (
        "Places of detention",
        "Prisons.",
        None,
    )
    assert "Your changes are saved." in staff.get(response.headers["location"]).text


def test_rename_with_a_stale_etag_shows_the_conflict_and_overwrites_nothing(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    first, second = _coordinator(staff_login), staff_login("admin", email="other-admin@example.org")
    stale = _etag(first.get(f"/staff/clusters/{world.cluster}").text)
    fresh = _etag(second.get(f"/staff/clusters/{world.cluster}").text)
    assert stale == fresh
    saved = second.post(
        f"/staff/clusters/{world.cluster}",
        {"name": "Detention (second)", "description": "", "lead_entity_id": "", "etag": fresh},
    )
    assert saved.status_code == 303
    conflict = first.post(
        f"/staff/clusters/{world.cluster}",
        {
            "name": "Detention (first)",
            "description": "",
            "lead_entity_id": str(world.other_entity),
            "etag": stale,
        },
    )
    assert conflict.status_code == 412
    assert "Someone else changed this first" in conflict.text
    assert "other-admin@example.org" in conflict.text and "Changed: Name, Lead entity</p>" in conflict.text
    # What this user typed, to copy: as the form names the fields, the entity by its name.
    assert "<dt>Name</dt><dd>Detention (first)</dd>" in conflict.text
    assert "<dt>Lead entity</dt><dd>Ministry of Education</dd>" in conflict.text
    assert f'href="/staff/clusters/{world.cluster}"' in conflict.text
    assert _cluster(db, world.cluster).name == "Detention (second)"


def test_edit_refused_keeps_what_was_typed(staff_login: StaffLogin, db: Connection, world: World) -> None:
    with building(db) as build:
        build.cluster("Education")
    staff = _coordinator(staff_login)
    tag = _etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    duplicate = staff.post(
        f"/staff/clusters/{world.cluster}",
        {"name": "education", "description": "New words", "lead_entity_id": "", "etag": tag},
    )
    assert duplicate.status_code == 409
    assert '<a href="#field-name">Name: already used by another cluster' in duplicate.text
    assert 'value="education"' in duplicate.text and "New words</textarea>" in duplicate.text
    assert _etag(duplicate.text) == tag  # a second try still says which version it started from
    empty = staff.post(
        f"/staff/clusters/{world.cluster}", {"name": "", "description": "", "lead_entity_id": "", "etag": tag}
    )
    assert empty.status_code == 422 and 'href="#field-name"' in empty.text
    assert _cluster(db, world.cluster).name == "Detention"


def test_publish_and_unpublish(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = _coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Not published" in page.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": _etag(page.text)}
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?done=cluster-published")
    assert _cluster(db, world.cluster).published is True
    page = staff.get(response.headers["location"])
    assert "The cluster is published." in page.text and "Unpublish" in page.text
    stale = staff.post(f"/staff/clusters/{world.cluster}/publish", {"published": "false", "etag": '"1"'})
    assert stale.status_code == 412 and _cluster(db, world.cluster).published is True
    # A button was pressed, nothing typed: the page shows no raw "false" as what was typed.
    assert "What you typed" not in stale.text and "<dd>false</dd>" not in stale.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/publish", {"published": "false", "etag": _etag(page.text)}
    )
    assert response.status_code == 303 and _cluster(db, world.cluster).published is False


def test_archive_freezes_the_cluster_until_unarchived(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = _coordinator(staff_login)
    tag = _etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    assert (
        staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "true", "etag": tag}).status_code
        == 303
    )
    page = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Archived" in page.text and "Unarchive" in page.text
    assert 'name="ids"' not in page.text and "Save changes" not in page.text
    assert "Detention" not in staff.get("/staff/clusters").text
    assert "Detention" in staff.get("/staff/clusters?archived=true").text
    refused = staff.post(f"/staff/clusters/{world.cluster}/recommendations/add", {"ids": world.ids["twin"]})
    assert refused.status_code == 409 and "archived" in refused.text
    assert world.ids["twin"] not in _members(db, world.cluster)
    tag = _etag(page.text)
    assert (
        staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "false", "etag": tag}).status_code
        == 303
    )
    assert _cluster(db, world.cluster).archived is False


# Its recommendations ----------------------------------------------------------------------------


def test_find_by_id_symbol_and_words_then_add(
    staff_login: StaffLogin, db: Connection, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = _coordinator(staff_login)
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
    assert _members(db, world.cluster) == {world.ids["source"], world.ids["cousin"], world.ids["twin"]}
    page = staff.get(response.headers["location"])
    assert "Recommendations added: 1." in page.text and "Already as asked: 1." in page.text


def test_add_nothing_ticked_shows_the_page_again(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = _coordinator(staff_login)
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
    assert _members(db, world.cluster) == {world.ids["source"], world.ids["cousin"]}


def test_suggestions_list_similar_recommendations_to_add(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = _coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}/suggestions")
    assert page.status_code == 200
    # The first member is the default starting point; the twin is the most similar to it.
    assert f'<option value="{world.ids["source"]}" selected>' in page.text
    rows = re.findall(r'<th scope="row"><a href="/staff/recommendations/(\d+)"', page.text)
    assert int(rows[0]) == world.ids["twin"]
    assert f'name="ids" value="{world.ids["twin"]}"' in page.text
    assert f'name="ids" value="{world.ids["cousin"]}"' not in page.text  # already in the cluster
    assert "Prevention of torture" in page.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/recommendations/add",
        {"ids": world.ids["twin"], "source": "suggestions", "from": str(world.ids["source"])},
    )
    assert response.status_code == 303
    assert world.ids["twin"] in _members(db, world.cluster)
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
    staff = _coordinator(staff_login)
    cluster_id = _create(staff, name="Custody")
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
    assert _members(db, cluster_id) == {world.ids["source"], world.ids["twin"]}


def test_remove_one_or_the_ticked_ones(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = _coordinator(staff_login)
    path = f"/staff/clusters/{world.cluster}/recommendations/remove"
    page = staff.get(f"/staff/clusters/{world.cluster}")
    nothing = staff.post(path, {"etag": _etag(page.text)})
    assert nothing.status_code == 422 and 'href="#field-ids"' in nothing.text
    # A row's own button removes that row even with other rows ticked.
    one = staff.post(path, {"one": world.ids["cousin"], "ids": world.ids["source"], "etag": _etag(page.text)})
    assert one.status_code == 303 and one.headers["location"].endswith("?removed=1&unchanged=0")
    assert _members(db, world.cluster) == {world.ids["source"]}
    stale = staff.post(path, {"ids": world.ids["source"], "etag": _etag(page.text)})
    assert stale.status_code == 412 and _members(db, world.cluster) == {world.ids["source"]}
    assert "What you typed" not in stale.text and "<dt>ids</dt>" not in stale.text
    page = staff.get(f"/staff/clusters/{world.cluster}")
    bulk = staff.post(path, {"ids": [world.ids["source"], world.ids["twin"]], "etag": _etag(page.text)})
    assert bulk.status_code == 303 and bulk.headers["location"].endswith("?removed=1&unchanged=1")
    assert _members(db, world.cluster) == set()
    assert "Recommendations removed: 1." in staff.get(bulk.headers["location"]).text


def test_members_come_a_page_at_a_time(
    staff_login: StaffLogin, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_pages, "MEMBERS_PER_PAGE", 1)
    staff = _coordinator(staff_login)
    first = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Recommendations in the cluster, by id: 2" in first.text
    assert "CAT/C/XX/CO/1" in first.text and "overcrowding" not in first.text
    next_link = re.search(r'href="([^"]*cursor=[^"]*)" rel="next"', first.text)
    assert next_link
    second = staff.get(next_link.group(1).replace("&amp;", "&"))
    assert "overcrowding" in second.text and "CAT/C/XX/CO/1" not in second.text
    assert staff.get(f"/staff/clusters/{world.cluster}?cursor=junk").status_code == 200


def test_unknown_cluster_is_the_not_found_page(staff_login: StaffLogin, world: World) -> None:
    staff = _coordinator(staff_login)
    for path in (
        "/staff/clusters/999999",
        "/staff/clusters/999999/suggestions",
        "/staff/clusters/999999/add",
    ):
        response = staff.get(path)
        assert response.status_code == 404 and "Page not found" in response.text


def test_the_pages_speak_french(staff_login: StaffLogin, world: World) -> None:
    staff = _coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}?lang=fr")
    assert page.headers["content-language"] == "fr"
    assert '<html lang="fr">' in page.text
    assert 'aria-current="page">Groupes</a>' in page.text


def test_audit_records_the_page_edits_as_the_api_does(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = _coordinator(staff_login)
    cluster_id = _create(staff, name="Audited")
    with Session(db) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "cluster", AuditEvent.object_id == cluster_id
            )
        ).all()
    assert list(actions) == ["cluster.create"]


def test_every_form_carries_the_sessions_csrf_token(staff_login: StaffLogin, world: World) -> None:
    """The test client adds the token itself: here the pages' own forms are read, as a browser posts them."""
    staff = _coordinator(staff_login)
    base = f"/staff/clusters/{world.cluster}"
    pages = [
        "/staff/clusters/new",
        base,
        f"{base}/add?find=CAT/C/XX/CO/2",
        f"{base}/suggestions",
    ]
    for path in pages:
        html = staff.get(path).text
        forms = re.findall(r'<form method="post"(?! action="/staff/logout").*?</form>', html, re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf_token" value="{staff.csrf}"' in form, (path, form[:200])
