"""A cluster's actions are counted one way everywhere: those that serve one of its recommendations,
linked to it, to the cluster, or to another cluster it is in (app.plans.actions.reading.serving).
The public API's and the staff API's `cluster` filter, the portal's and the workspace's cluster
pages, the statistics and the implementation report all list or count the same actions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, insert, select

from app.exports.rows import recommendation_batches
from app.models import Cluster, Mechanism
from app.plans.actions.reading import of_cluster, sources_in_cluster
from app.reports.schemas import ReportQuery
from app.reports.service import build_report
from app.staff import previews
from tests import accounts
from tests.builder import bare_recommendation, building
from tests.conftest import MakeApp, session_on
from tests.staff.conftest import StaffLogin


@dataclass
class Plan:
    cluster: int
    empty: int
    actions: dict[str, int]
    recs: dict[str, int]


def _plan(db: Connection) -> Plan:
    """Cluster "Schools" (published) holds r1, r2 and the withdrawn w; r2 is also in the published
    cluster "Teachers" and in an unpublished one. One published action per way of being linked,
    and an unpublished one."""
    mechanism = db.execute(
        insert(Mechanism)
        .values(code="CRC", name="Committee on the Rights", family="treaty-body")
        .returning(Mechanism.id)
    ).scalar_one()
    recs = {
        name: bare_recommendation(db, mechanism, f"cluster-actions-{name}", withdrawn=name == "w")
        for name in ("r1", "r2", "w", "outside")
    }
    with building(db) as build:
        schools = build.cluster("Schools", [recs["r1"], recs["r2"], recs["w"]], published=True).id
        teachers = build.cluster("Teachers", [recs["r2"]], published=True).id
        hidden = build.cluster("Hidden", [recs["r2"]], published=False).id
        empty = build.cluster("Only withdrawn", [recs["w"]], published=True).id
        links = {
            "to the cluster": {"clusters": [schools]},
            "to a member": {"recommendations": [recs["r1"]]},
            "to another cluster of a member": {"clusters": [teachers]},
            "to an unpublished cluster of a member": {"clusters": [hidden]},
            "to a withdrawn member": {"recommendations": [recs["w"]]},
            "to a recommendation outside": {"recommendations": [recs["outside"]]},
            "unpublished, to a member": {"recommendations": [recs["r2"]]},
            "to a cluster of withdrawn recommendations": {"clusters": [empty]},
        }
        actions = {
            title: build.action(title, published=not title.startswith("unpublished"), **linked).id
            for title, linked in links.items()
        }
    return Plan(cluster=schools, empty=empty, actions=actions, recs=recs)


PUBLIC = ["to the cluster", "to a member", "to another cluster of a member"]
STAFF = [*PUBLIC, "to an unpublished cluster of a member", "unpublished, to a member"]


def _titles(plan: Plan, names: list[str]) -> list[str]:
    """The titles, newest first (as the lists give them)."""
    return sorted(names, key=lambda name: -plan.actions[name])


def test_the_public_counts_the_actions_of_a_cluster_as_its_statistics_do(
    db: Connection, make_app: MakeApp
) -> None:
    plan = _plan(db)
    client = TestClient(make_app())
    listed = client.get("/api/v1/public/actions", params={"cluster": plan.cluster}).json()
    assert [item["title"] for item in listed["items"]] == _titles(plan, PUBLIC)
    stats = client.get("/api/v1/public/stats", params={"cluster": plan.cluster}).json()
    assert listed["total"] == stats["actions"]["total"] == len(PUBLIC)
    page = client.get(f"/clusters/{plan.cluster}").text
    section = page.split('id="cluster-actions"', 1)[1]
    assert re.findall(r'<a href="/actions/\d+">([^<]*)</a>', section) == _titles(plan, PUBLIC)
    report = build_report(
        session_on(db),
        ReportQuery.model_validate({"cluster": plan.cluster, "group_by": "cluster"}),
        viewer=None,
    )
    group = next(group for group in report.groups if group.title == "Schools")
    assert [action.title for action in group.actions] == PUBLIC  # no due dates: oldest first


def test_staff_count_the_actions_of_a_cluster_as_their_statistics_do(
    db: Connection, make_app: MakeApp, staff_login: StaffLogin
) -> None:
    plan = _plan(db)
    client = TestClient(make_app())
    headers = accounts.headers_for(db, "coordinator")
    listed = client.get("/api/v1/actions", params={"cluster_id": plan.cluster}, headers=headers).json()
    assert [item["title"] for item in listed["items"]] == _titles(plan, STAFF)
    stats = client.get("/api/v1/stats", params={"cluster": plan.cluster}, headers=headers).json()
    assert listed["total"] == stats["actions"]["total"] == len(STAFF)
    page = staff_login("coordinator").get(f"/staff/clusters/{plan.cluster}").text
    section = page.split('id="actions-heading"', 1)[1]
    assert re.findall(r'<a href="/staff/actions/\d+">([^<]*)</a>', section) == _titles(plan, STAFF)
    # Linked to the cluster, it is the cluster's even when none of its recommendations is current.
    alone = client.get("/api/v1/actions", params={"cluster_id": plan.empty}, headers=headers).json()
    assert [item["title"] for item in alone["items"]] == ["to a cluster of withdrawn recommendations"]


def test_a_cluster_without_current_recommendations_counts_its_own_actions_and_says_it_is_empty(
    db: Connection, make_app: MakeApp, staff_login: StaffLogin
) -> None:
    """Cluster "Only withdrawn" holds a withdrawn recommendation and has an action of its own; "Nothing"
    holds nothing. Their pages, statistics and reports give zeros and plain words, and the action
    of the cluster's own is counted wherever it is listed."""
    plan = _plan(db)
    with building(db) as build:
        nothing = build.cluster("Nothing", [], published=True).id
    client = TestClient(make_app())
    headers = accounts.headers_for(db, "coordinator")
    coordinator = staff_login("coordinator")
    own = ["to a cluster of withdrawn recommendations"]
    for cluster, titles in ((plan.empty, own), (nothing, [])):
        for stats_path, actions_path, key, auth in (
            ("/api/v1/public/stats", "/api/v1/public/actions", "cluster", {}),
            ("/api/v1/stats", "/api/v1/actions", "cluster_id", headers),
        ):
            listed = client.get(actions_path, params={key: cluster}, headers=auth).json()
            stats = client.get(stats_path, params={"cluster": cluster}, headers=auth).json()
            assert [item["title"] for item in listed["items"]] == titles
            assert (stats["total"], stats["actions"]["total"]) == (0, len(titles)), stats_path
        portal = client.get(f"/clusters/{cluster}").text
        assert "No recommendation is in this cluster yet." in portal
        assert not re.search(r'<ul class="results">\s*</ul>', portal)
        assert ("No action has been published for this cluster yet." in portal) == (not titles)
        preview = coordinator.get(f"/staff/clusters/{cluster}/preview").text
        assert "No recommendation is in this cluster yet." in preview
        page = coordinator.get(f"/staff/clusters/{cluster}").text
        assert ("No action is linked yet." in page) == (not titles)
        report = client.get(
            "/api/v1/public/reports/implementation", params={"cluster": cluster, "format": "html"}
        )
        assert report.status_code == 200
        assert "No recommendation matches these filters." in report.text


def test_the_preview_says_how_each_unpublished_action_is_the_cluster_s(
    db: Connection, staff_login: StaffLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linked to the cluster itself, to one of its recommendations, or to another cluster one of them
    is in: the preview of the cluster names each unpublished action with every way it comes."""
    plan = _plan(db)
    with building(db) as build:
        teachers = build.session.scalars(select(Cluster.id).where(Cluster.name == "Teachers")).one()
        ways: dict[str, dict[str, list[int]]] = {
            "unpublished, to the cluster": {"clusters": [plan.cluster]},
            "unpublished, to Teachers": {"clusters": [teachers]},
            "unpublished, to the cluster and a member": {
                "clusters": [plan.cluster],
                "recommendations": [plan.recs["r1"]],
            },
        }
        for title, linked in ways.items():
            plan.actions[title] = build.action(title, published=False, **linked).id
    page = staff_login("coordinator").get(f"/staff/clusters/{plan.cluster}/preview").text
    assert "<li>Actions of the cluster that are not published: 4." in page
    listed = page.split('<ul class="unpublished-actions">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", listed, re.S)
    lines = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]
    # Named as the staff list names a record without a document symbol.
    r1, r2 = (f"Recommendation {plan.recs[name]}" for name in ("r1", "r2"))
    assert lines == [
        f"unpublished, to the cluster and a member: linked to the cluster directly; "
        f"through its recommendation {r1}",
        f"unpublished, to Teachers: through its recommendation {r2}, which is in the cluster Teachers",
        "unpublished, to the cluster: linked to the cluster directly",
        f"unpublished, to a member: through its recommendation {r2}",
    ]
    assert "Linked actions that are not published" not in page
    # Past the newest PREVIEW_ACTIONS, the preview counts them all and says how many it names.
    monkeypatch.setattr(previews, "PREVIEW_ACTIONS", 2)
    cut = staff_login("coordinator").get(f"/staff/clusters/{plan.cluster}/preview").text
    assert "<li>Actions of the cluster that are not published: 4." in cut
    assert "2 of 4 shown, the newest first." in cut
    assert cut.count('<a href="/staff/actions/') == 2


def test_the_ways_an_action_is_the_cluster_s_find_exactly_the_cluster_s_actions(db: Connection) -> None:
    """``sources_in_cluster`` explains ``of_cluster``: it finds a way for each of the cluster's
    actions and for no other, for the staff and for the public."""
    plan = _plan(db)
    session = session_on(db)
    dialect = session.get_bind().dialect.name
    for public in (False, True):
        counted = set(session.scalars(of_cluster(plan.cluster, dialect, public=public)))
        assert counted, public
        explained = sources_in_cluster(session, plan.cluster, list(plan.actions.values()), public=public)
        assert set(explained) == counted, public
        assert all(explained.values())


def test_the_preview_counts_published_actions_that_come_only_through_a_cluster_the_public_cannot_see(
    db: Connection, staff_login: StaffLogin
) -> None:
    """The action "to an unpublished cluster of a member" is published and one of the cluster's for
    the staff, but the public page leaves it out: its only way in is the cluster "Hidden"."""
    plan = _plan(db)
    page = staff_login("coordinator").get(f"/staff/clusters/{plan.cluster}/preview").text
    frame = page[page.index('<section class="public-preview"') :]
    assert "to an unpublished cluster of a member" not in frame
    line = "<li>Published actions that come only through a cluster that is not public, not shown: 1.</li>"
    assert line in page


# The actions serving r2 (in "Schools", "Teachers" and "Hidden"): linked to it, or to one of its clusters.
R2_STAFF = [
    "to the cluster",
    "to another cluster of a member",
    "to an unpublished cluster of a member",
    "unpublished, to a member",
]
R2_PUBLIC = ["to the cluster", "to another cluster of a member"]


def test_a_recommendation_counts_the_actions_of_its_clusters_everywhere(
    db: Connection, make_app: MakeApp, staff_login: StaffLogin
) -> None:
    """A recommendation's actions were only those linked to it: its page, the `recommendation_id`
    filter and the exports' `action_count` left out the plan of a cluster it is in, which the
    statistics and the report count as its own."""
    plan = _plan(db)
    r2 = plan.recs["r2"]
    client = TestClient(make_app())
    headers = accounts.headers_for(db, "coordinator")
    listed = client.get("/api/v1/actions", params={"recommendation_id": r2}, headers=headers).json()
    assert [item["title"] for item in listed["items"]] == _titles(plan, R2_STAFF)
    public = client.get("/api/v1/public/actions", params={"recommendation": r2}).json()
    assert [item["title"] for item in public["items"]] == _titles(plan, R2_PUBLIC)
    page = staff_login("coordinator").get(f"/staff/recommendations/{r2}").text
    section = page.split('id="actions"', 1)[1].split("<h2", 1)[0]
    assert re.findall(r'<a href="/staff/actions/\d+">([^<]*)</a>', section) == _titles(plan, R2_STAFF)
    detail = client.get(f"/api/v1/public/recommendations/{r2}").json()
    assert sorted(action["title"] for action in detail["actions"]) == sorted(R2_PUBLIC)
    # The exports' rows, read on the test's connection (the export files are built on another one).
    for public, expected in ((False, R2_STAFF), (True, R2_PUBLIC)):
        rows = [
            row
            for batch in recommendation_batches(db, [], public=public, lang="en", site="")
            for row in batch
        ]
        assert next(row for row in rows if row.id == r2).action_count == len(expected)
