"""One recommendation across sources, end to end: the sample UHRI export, the sample UPR Info CSV and a
CSV template holding a manual copy of a UHRI record, imported by the real importers, give one row
per recommendation in the staff and public lists, counts, statistics, exports and reports; the
links survive a re-import, follow text changes, and a coordinator's unlink is kept."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import AuditEvent, ClusterRecommendation, Recommendation, RecommendationText
from app.models.source_link import SourceLink
from app.recommendations.reading import data_version
from app.recommendations.source_links import link_duplicates
from importers.csv_runs import import_csv_template, import_upr_info
from importers.run import import_uhri
from tests import accounts
from tests.conftest import SAMPLE, MakeApp, ModuleWorld

# A coordinator's copy of UHRI's 116.4 (A/HRC/22/15) into the template, and a regional one.
MANUAL = (
    "external_id,mechanism,type,symbol,text,language,publication_date,countries,regions,themes,"
    "affected_persons,sdgs,recommending_states,recommending_regions,upr_session,position\r\n"
    'COPY-116-4,UPR,recommendation,A/HRC/22/15,"Ratify the Optional Protocol to the International '
    'Covenant on Economic, Social and Cultural Rights.",en,2012-12-27,Peru,,,,,Portugal,WEOG,14,supported\r\n'
    "IACHR-1,IACHR,recommendation,,Adopt a law on defenders,en,2023-05-10,Peru,,,,,,,,\r\n"
)
UPR_INFO_ROWS = 11
LINKED_UPR_INFO = 9  # the other two name another recommending State than UHRI's record
LIST = "/api/v1/recommendations"


@dataclass
class World:
    uhri: int  # current Peru records
    total: int  # one per recommendation
    copy_id: int  # the manual copy
    leader_id: int  # the UHRI record it copies


def _ids(engine: Engine, source: str, external_id: str | None = None) -> list[int]:
    query = select(Recommendation.id).where(Recommendation.source == source)
    if external_id is not None:
        query = query.where(Recommendation.external_id == external_id)
    with Session(engine) as session:
        return list(session.scalars(query.order_by(Recommendation.id)))


def _build(engine: Engine, settings: Settings, tmp_path: Path) -> World:
    uhri = import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"))
    upr_info = import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv")
    manual_file = tmp_path / "manual.csv"
    manual_file.write_text(MANUAL, encoding="utf-8")
    manual = import_csv_template(engine, settings, manual_file)
    assert upr_info.linking is not None and len(upr_info.linking.linked) == LINKED_UPR_INFO
    assert manual.linking is not None and len(manual.linking.linked) == 1
    (copy_id,) = _ids(engine, "manual", "COPY-116-4")
    with Session(engine) as session:
        leader_id = session.scalars(select(SourceLink.leader_id).where(SourceLink.member_id == copy_id)).one()
        assert session.get(Recommendation, leader_id).source == "uhri"  # type: ignore[union-attr]
    created = uhri.counts.created
    return World(created, created + UPR_INFO_ROWS - LINKED_UPR_INFO + 1, copy_id, leader_id)


@pytest.fixture
def world(
    module_world: ModuleWorld,
    migrated_engine: Engine,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> World:
    return module_world(_build, migrated_engine, settings, tmp_path_factory.mktemp("manual"))


@pytest.fixture
def client(make_app: MakeApp, writer: Engine | Connection) -> Iterator[TestClient]:
    """The app in the test's mode (rolled back with ``db``, committed with ``engine``), as a coordinator."""
    with TestClient(make_app()) as test_client:
        test_client.headers.update(accounts.headers_for(writer, "coordinator"))
        yield test_client


def _csv_rows(body: str) -> int:
    return len(list(csv.DictReader(io.StringIO(body))))


def test_every_reader_shows_one_row_per_recommendation(
    world: World, db: Connection, client: TestClient
) -> None:
    built = world
    staff = client.get(LIST, params={"limit": 200}).json()
    assert staff["total"] == len(staff["items"]) == built.total
    listed = {item["id"] for item in staff["items"]}
    assert built.copy_id not in listed and built.leader_id in listed
    assert all(item["source"] != "upr-info" or len(item["sources"]) == 1 for item in staff["items"])
    assert client.get("/api/v1/stats").json()["total"] == built.total
    assert client.get("/api/v1/public/stats").json()["total"] == built.total
    public = client.get("/api/v1/public/recommendations", params={"limit": 200}).json()
    assert len(public["items"]) == built.total
    assert f"{built.total} recommendations found" in client.get("/").text  # the portal
    assert _csv_rows(client.get("/api/v1/exports/recommendations.csv").text) == built.total
    assert _csv_rows(client.get("/api/v1/public/exports/recommendations.csv").text) == built.total
    exported = client.get("/api/v1/exports/recommendations.json").json()
    assert len(exported["items"] if isinstance(exported, dict) else exported) == built.total
    report = client.get("/api/v1/reports/implementation", params={"format": "html", "group_by": "mechanism"})
    assert report.status_code == 200
    assert report.text.count("Ratify the Optional Protocol to the International Covenant") == 2  # 2 cycles


def test_the_leader_lists_its_sources_and_a_copy_names_its_leader(
    world: World, db: Connection, client: TestClient
) -> None:
    built = world
    detail = client.get(f"{LIST}/{built.leader_id}").json()
    assert [(ref["source"], ref["link"]) for ref in detail["sources"]] == [
        ("uhri", "leading"),
        ("upr-info", "linked"),
        ("manual", "linked"),
    ]
    assert detail["sources"][2] == {
        "recommendation_id": built.copy_id,
        "source": "manual",
        "external_id": "COPY-116-4",
        "link": "linked",
        "method": "matched",
        "score": 1.0,
    }
    # The copy is still there by id, and says which record leads.
    copy = client.get(f"{LIST}/{built.copy_id}").json()
    assert copy["sources"][0]["recommendation_id"] == built.leader_id
    assert client.get(f"{LIST}/{built.copy_id}/sources").json()["recommendation_id"] == built.leader_id


def test_a_reimport_keeps_the_links_and_writes_nothing(
    world: World, engine: Engine, settings: Settings
) -> None:
    built = world
    again = import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv")
    uhri_again = import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"))
    for run in (again, uhri_again):
        assert run.counts.created == run.counts.updated == 0
        assert run.linking is not None and not run.linking.changed
        assert run.linking.kept == LINKED_UPR_INFO + 1
    with engine.connect() as conn:
        assert conn.execute(select(SourceLink.member_id).where(SourceLink.leader_id == built.leader_id)).all()


def test_unlink_is_audited_and_kept_by_later_passes(
    world: World, engine: Engine, settings: Settings, tmp_path: Path, client: TestClient
) -> None:
    built = world
    before = client.get(LIST).json()["total"]
    answer = client.post(f"{LIST}/{built.copy_id}/sources/{built.leader_id}/unlink")
    assert answer.status_code == 200, answer.text
    refs = {ref["recommendation_id"]: ref for ref in answer.json()["items"]}
    assert (refs[built.copy_id]["link"], refs[built.leader_id]["link"]) == ("leading", "unlinked")
    assert client.get(LIST).json()["total"] == before + 1  # the copy is listed on its own again
    with engine.begin() as conn:
        assert not link_duplicates(conn, actor="test").changed
    import_csv_template(engine, settings, _write(tmp_path, MANUAL))
    assert client.get(LIST).json()["total"] == before + 1
    with Session(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "recommendation.source_unlinked")
        ).one()
        assert event.object_id == built.leader_id and event.after == {
            "leader_id": built.leader_id,
            "member_id": built.copy_id,
            "state": "unlinked",
            "method": "manual",
        }
    assert client.post(f"{LIST}/{built.copy_id}/sources/{built.leader_id}/unlink").status_code == 409
    # A coordinator may link the pair again by hand.
    relinked = client.post(f"{LIST}/{built.leader_id}/sources/{built.copy_id}/link")
    assert relinked.status_code == 200, relinked.text
    assert client.get(LIST).json()["total"] == before


def test_a_link_follows_the_texts(world: World, db: Connection, client: TestClient) -> None:
    """A pass re-evaluates the matched links: a copy whose text no longer matches is listed again."""
    built = world
    total = client.get(LIST).json()["total"]
    db.execute(
        update(RecommendationText)
        .where(RecommendationText.recommendation_id == built.copy_id)
        .values(text="Adopt a national plan against racial discrimination")
    )
    summary = link_duplicates(db, actor="test")
    assert summary.dropped == [(built.copy_id, built.leader_id)]
    assert client.get(LIST).json()["total"] == total + 1


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "again.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pass_that_only_rescores_links_moves_the_data_version(world: World, db: Connection) -> None:
    """The staff list shows each source's score: a pass that changes scores alone is a change."""
    built = world
    with Session(bind=db) as session:
        before = data_version(session)
    db.execute(update(SourceLink).where(SourceLink.member_id == built.copy_id).values(score=0.5))
    summary = link_duplicates(db, actor="test")
    assert (summary.changed, summary.rescored) == (False, 1)
    with Session(bind=db) as session:
        assert data_version(session) != before
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.action == "recommendation.sources_matched" and event.after is not None
    assert event.after["rescored"] == 1


def test_an_audit_event_records_each_pass_that_changed_links(world: World, db: Connection) -> None:
    with Session(bind=db) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "recommendation.sources_matched")
            .order_by(AuditEvent.id)
        ).all()
    assert [json.dumps(event.after["linked"]) for event in events if event.after] == ["9", "1"]
    assert all((event.actor or "").startswith("import run ") for event in events)


def test_a_cluster_says_how_many_of_its_members_are_copies_the_lists_leave_out(
    world: World, db: Connection, client: TestClient
) -> None:
    """A cluster holding a UHRI record and its manual copy: its counts add up to what the list gives.
    A copy is no longer added to a cluster (its record is, tests/clusters); one a cluster held before
    that rule is still counted as such."""
    built = world
    created = client.post("/api/v1/clusters", json={"name": "Economic, social and cultural rights"})
    assert created.status_code == 201, created.text
    cluster_id = created.json()["id"]
    added = client.post(f"/api/v1/clusters/{cluster_id}/recommendations", json={"ids": [built.leader_id]})
    assert added.status_code == 200, added.text
    db.execute(insert(ClusterRecommendation).values(cluster_id=cluster_id, recommendation_id=built.copy_id))
    counts = client.get(f"/api/v1/clusters/{cluster_id}").json()
    listed = client.get(LIST, params={"cluster": cluster_id}).json()["total"]
    assert listed == 1
    assert (
        counts["recommendation_count"] - counts["withdrawn_count"] - counts.get("linked_count", 0) == listed
    )


def test_a_copys_work_goes_with_it_to_its_record_and_back_if_that_is_withdrawn(
    world: World, db: Connection, client: TestClient
) -> None:
    """Work done on a copy before it was linked is not left where no list shows it: linked, its
    status, ministries, clusters and actions are its record's, where the record had none of them."""
    built, copy = world, world.copy_id
    db.execute(delete(SourceLink).where(SourceLink.member_id == copy))  # the copy worked on alone
    entity = accounts.create_entity(db, "Ministry of Foreign Affairs")
    etag = client.get(f"{LIST}/{copy}").headers["ETag"]
    body = {"status": "in_progress", "priority": "high", "lead_entity_id": entity}
    assert client.patch(f"{LIST}/{copy}", json=body, headers={"If-Match": etag}).status_code == 200
    cluster = client.post("/api/v1/clusters", json={"name": "Treaties"}).json()["id"]
    both = {"ids": [copy, built.leader_id]}  # the record is in it already: one membership
    assert client.post(f"/api/v1/clusters/{cluster}/recommendations", json=both).status_code == 200
    action = client.post("/api/v1/actions", json={"title": "Ratify", "recommendation_ids": [copy]})
    assert action.status_code == 201, action.text

    summary = link_duplicates(db, actor="test")
    assert [(member, leader) for member, leader, _ in summary.linked] == [(copy, built.leader_id)]
    assert summary.line().endswith("; copies' work carried: 1, left (their record has its own): 0")
    leader = client.get(f"{LIST}/{built.leader_id}").json()
    assert (leader["local"]["status"], leader["local"]["priority"]) == ("in_progress", "high")
    assert leader["local"]["lead_entity"]["id"] == entity
    assert [change["new_status"] for change in leader["status_history"]] == ["in_progress"]
    assert [item["id"] for item in client.get(LIST, params={"cluster": cluster}).json()["items"]] == [
        built.leader_id
    ]
    planned = client.get(f"/api/v1/actions/{action.json()['id']}").json()
    assert planned["recommendation_ids"] == [built.leader_id]
    assert client.get(LIST, params={"status": "in_progress"}).json()["total"] == 1
    assert client.get(f"{LIST}/{copy}").json()["local"]["status"] == "not_started"

    # The record withdrawn by its source: its only copy is listed again, with its work.
    others = delete(SourceLink).where(SourceLink.leader_id == built.leader_id, SourceLink.member_id != copy)
    db.execute(others)
    db.execute(update(Recommendation).where(Recommendation.id == built.leader_id).values(withdrawn=True))
    summary = link_duplicates(db, actor="test")
    assert summary.dropped == [(copy, built.leader_id)]
    mine = client.get(f"{LIST}/{copy}").json()
    assert (mine["local"]["status"], mine["local"]["lead_entity"]["id"]) == ("in_progress", entity)
    assert [item["id"] for item in client.get(LIST, params={"cluster": cluster}).json()["items"]] == [copy]


def test_a_copys_work_stays_on_it_where_its_record_has_its_own(
    world: World, db: Connection, client: TestClient
) -> None:
    built, copy = world, world.copy_id
    client.post(f"{LIST}/{copy}/sources/{built.leader_id}/unlink")
    mine, theirs = (
        accounts.create_entity(db, name) for name in ("Ministry of Justice", "Ministry of Health")
    )
    for rec_id, status, entity in ((copy, "in_progress", mine), (built.leader_id, "implemented", theirs)):
        etag = client.get(f"{LIST}/{rec_id}").headers["ETag"]
        body = {"status": status, "lead_entity_id": entity}
        assert client.patch(f"{LIST}/{rec_id}", json=body, headers={"If-Match": etag}).status_code == 200
    cluster = client.post("/api/v1/clusters", json={"name": "Treaties"}).json()["id"]
    assert client.post(f"/api/v1/clusters/{cluster}/recommendations", json={"ids": [copy]}).status_code == 200

    linked = client.post(f"{LIST}/{built.leader_id}/sources/{copy}/link")  # by hand, after the unlink
    assert linked.status_code == 200, linked.text
    assert client.get(f"{LIST}/{built.leader_id}").json()["local"]["status"] == "implemented"
    assert client.get(f"{LIST}/{copy}").json()["local"]["status"] == "in_progress"  # nothing overwritten
    assert client.get(LIST, params={"cluster": cluster}).json()["total"] == 1  # the membership moved
    with Session(bind=db) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "recommendation.source_linked")
        ).one()
    assert event.after is not None and event.after["work"] == {
        "moved": ["clusters"],
        "left": ["status", "entities"],
    }
    assert link_duplicates(db, actor="test").line().endswith("left (their record has its own): 1")

    # Settled by a coordinator, kind by kind: the copy's status taken, the record's ministry kept.
    listed = client.get(f"{LIST}/{built.leader_id}/sources").json()
    assert listed["work_on_copies"] == [{"recommendation_id": copy, "kinds": ["status", "entities"]}]
    settle = f"{LIST}/{copy}/sources/settle"
    taken = client.post(settle, json={"kind": "status", "keep": "copy"})
    assert taken.status_code == 200, taken.text
    assert taken.json()["work_on_copies"] == [{"recommendation_id": copy, "kinds": ["entities"]}]
    leader = client.get(f"{LIST}/{built.leader_id}").json()
    assert leader["local"]["status"] == "in_progress"
    assert [change["new_status"] for change in leader["status_history"]] == ["in_progress"]  # the copy's
    assert leader["local"]["lead_entity"]["id"] == theirs
    kept = client.post(settle, json={"kind": "entities", "keep": "record"})
    assert kept.status_code == 200 and kept.json()["work_on_copies"] == []
    assert client.get(f"{LIST}/{built.leader_id}").json()["local"]["lead_entity"]["id"] == theirs
    assert client.get(f"{LIST}/{copy}").json()["local"]["lead_entity"] is None
    assert link_duplicates(db, actor="test").carried == []  # nothing left to name
    again = client.post(settle, json={"kind": "entities", "keep": "record"})
    assert (again.status_code, again.json()["errors"][0]["field"]) == (409, "kind")
    assert (
        client.post(
            f"{LIST}/{built.leader_id}/sources/settle", json={"kind": "status", "keep": "copy"}
        ).status_code
        == 409
    )
    wrong = client.post(settle, json={"kind": "status", "keep": "both"})
    assert wrong.status_code == 422 and "keep" in wrong.text
    with Session(bind=db) as session:
        settled = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "recommendation.copy_work_settled")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.object_id, (e.after or {})["kind"], (e.after or {})["keep"]) for e in settled] == [
        (built.leader_id, "status", "copy"),
        (built.leader_id, "entities", "record"),
    ]
