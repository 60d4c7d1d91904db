"""The "Sources" section of the recommendation page: the records of one recommendation in every source,
and a coordinator's unlink (the API's service: audited, kept by later imports)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import (
    AuditEvent,
    Cluster,
    ClusterRecommendation,
    Mechanism,
    Recommendation,
)
from app.models.base import utcnow
from app.models.local import RecommendationLocal
from app.models.source_link import SourceLink
from importers.csv_runs import import_upr_info
from importers.run import import_uhri
from tests import accounts
from tests.conftest import SAMPLE, ModuleWorld
from tests.staff.conftest import StaffLogin, assert_refusal_reaches_its_fields
from tests.staff.route_table import client_for

ROUTES = """
POST   /staff/recommendations/{id}/sources/unlink   303 303 403 403 303
POST   /staff/recommendations/{id}/sources/link     303 303 403 403 303
GET    /staff/recommendations/{id}/sources/settle   422 422 403 403 303
POST   /staff/recommendations/{id}/sources/settle   422 422 403 403 303
"""


@dataclass(frozen=True)
class World:
    leader: int  # a UHRI record
    copy: int  # the UPR Info row linked to it


def _build(engine: Engine, settings: Settings) -> World:
    import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"))
    import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv")
    with Session(engine) as session:
        link = session.scalars(select(SourceLink).order_by(SourceLink.member_id)).first()
        assert link is not None
        return World(link.leader_id, link.member_id)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, settings: Settings) -> World:
    return module_world(_build, migrated_engine, settings)


def _page(staff_login: StaffLogin, role: str, rec_id: int) -> str:
    staff = staff_login(role)
    answer = staff.get(f"/staff/recommendations/{rec_id}")
    assert answer.status_code == 200
    text: str = answer.text
    return text


def test_the_leading_record_lists_its_copy_with_an_unlink_button(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    page = _page(staff_login, "coordinator", world.leader)
    assert 'id="sources"' in page and "Leading record" in page and "Linked: texts" in page
    assert f'<a href="/staff/recommendations/{world.copy}">' in page
    assert f'name="other_id" value="{world.copy}"' in page
    # The copy's own page names the record lists show; a focal point sees no button.
    copy_page = _page(staff_login, "focal_point", world.copy)
    assert f'<a href="/staff/recommendations/{world.leader}">' in copy_page
    assert "/sources/unlink" not in copy_page


@pytest.mark.parametrize("role", ["fp", "reader", "anon"])
def test_only_coordinators_and_admins_unlink_or_link(
    role: str, world: World, staff_login: StaffLogin, db: Connection
) -> None:
    client, csrf = client_for(role, staff_login, accounts.create_entity(db, "Ministry of sources"))
    for action in ("unlink", "link"):
        answer = client.post(
            f"/staff/recommendations/{world.leader}/sources/{action}",
            data={"csrf_token": csrf, "other_id": str(world.copy)},
            follow_redirects=False,
        )
        assert answer.status_code == (303 if role == "anon" else 403)
    question = client.get(f"/staff/recommendations/{world.copy}/sources/settle?kind=status&keep=record")
    assert question.status_code == (303 if role == "anon" else 403)
    assert db.execute(select(SourceLink.state).where(SourceLink.member_id == world.copy)).scalar() == "linked"


def test_a_coordinator_unlinks_a_copy(world: World, staff_login: StaffLogin, db: Connection) -> None:
    staff = staff_login("coordinator")
    answer = staff.post(
        f"/staff/recommendations/{world.leader}/sources/unlink",
        {"other_id": str(world.copy)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(
        f"/staff/recommendations/{world.leader}?done=source-unlinked#sources"
    )
    assert (
        db.execute(select(SourceLink.state).where(SourceLink.member_id == world.copy)).scalar() == "unlinked"
    )
    assert db.execute(
        select(AuditEvent.id).where(
            AuditEvent.action == "recommendation.source_unlinked", AuditEvent.object_id == world.leader
        )
    ).scalar()
    page = staff.get(answer.headers["location"]).text
    assert "each is listed on its own again" in page
    # Not linked any more: a second unlink is refused and changes nothing.
    again = staff.post(
        f"/staff/recommendations/{world.leader}/sources/unlink",
        {"other_id": str(world.copy)},
        follow_redirects=False,
    )
    assert again.status_code == 409
    missing = staff.post(f"/staff/recommendations/{world.leader}/sources/unlink", {}, follow_redirects=False)
    assert missing.status_code == 422


def test_a_coordinator_links_a_copy_by_its_number_and_a_refusal_keeps_what_was_typed(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Linking by hand was the API's only: a coordinator who saw the same recommendation twice had no
    way to say so in the workspace."""
    staff = staff_login("coordinator")
    base = f"/staff/recommendations/{world.leader}"
    staff.post(f"{base}/sources/unlink", {"other_id": str(world.copy)})
    alone = staff.get(base).text  # a record on its own too: its number, and the form
    assert f"This record's number: #{world.leader}" in alone and 'action="' + base + '/sources/link"' in alone

    for typed, reason in (
        ("12a", "the number of a recommendation, as its page shows it under Sources (#123)"),
        (str(world.leader), "the same recommendation"),
        ("999999", "recommendation 999999 does not exist"),
    ):
        refused = staff.post(f"{base}/sources/link", {"other_id": typed})
        assert refused.status_code == 422, typed
        assert reason in refused.text and f'name="other_id" type="text" value="{typed}"' in refused.text
        assert_refusal_reaches_its_fields(refused.text)
    assert (
        db.execute(select(SourceLink.state).where(SourceLink.member_id == world.copy)).scalar() == "unlinked"
    )

    linked = staff.post(f"{base}/sources/link", {"other_id": f"#{world.copy}"})
    assert linked.status_code == 303
    assert linked.headers["location"].endswith(f"{base}?done=source-linked#sources")
    assert "the copy is listed under this record" in staff.get(linked.headers["location"]).text
    row = db.execute(select(SourceLink.state, SourceLink.method).where(SourceLink.member_id == world.copy))
    assert row.one() == ("linked", "manual")
    # The copy cannot lead: its page has no form, and a link to it is refused in the page's language.
    assert "/sources/link" not in staff.get(f"/staff/recommendations/{world.copy}").text
    # Its UHRI record given from the copy's page leads all the same (the pair stays as it is).
    kept = staff.post(f"/staff/recommendations/{world.copy}/sources/link", {"other_id": str(world.leader)})
    assert kept.status_code == 303  # shown on the record's page, which lists the copy under it
    assert kept.headers["location"].endswith(
        f"/staff/recommendations/{world.leader}?done=source-linked#sources"
    )
    pair = select(SourceLink.leader_id, SourceLink.state).where(SourceLink.member_id == world.copy)
    assert db.execute(pair).one() == (world.leader, "linked")
    french = staff.post(
        f"/staff/recommendations/{world.copy}/sources/link?lang=fr", {"other_id": str(world.copy)}
    )
    assert french.status_code == 422 and "la même recommandation" in french.text


def test_a_record_of_another_mechanism_is_not_linked(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The page linked any two records: Peru's CRC recommendation hidden under its UPR one, from every
    list (the rule, the API's service, also wants one State under review and one UPR session)."""
    crc = (
        db.execute(
            select(Recommendation.id)
            .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
            .where(Mechanism.code == "CRC")
        )
        .scalars()
        .first()
    )
    base = f"/staff/recommendations/{world.leader}"
    refused = staff_login("coordinator").post(f"{base}/sources/link", {"other_id": f"#{crc}"})
    assert refused.status_code == 422
    assert f"recommendation {crc} is of another mechanism (CRC, not UPR)" in refused.text
    assert f'name="other_id" type="text" value="#{crc}"' in refused.text
    assert_refusal_reaches_its_fields(refused.text)
    assert db.execute(select(SourceLink.id).where(SourceLink.member_id == crc)).first() is None


def test_a_record_of_the_same_source_is_not_linked(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Two UHRI records of one mechanism, State and session are two recommendations of UHRI, never one
    across sources: the page refuses the link with the API's reason, beside the box."""
    leader = db.execute(select(Recommendation).where(Recommendation.id == world.leader)).one()
    other = db.execute(
        select(Recommendation.id).where(
            Recommendation.source == "uhri",
            Recommendation.mechanism_id == leader.mechanism_id,
            Recommendation.upr_session == leader.upr_session,
            Recommendation.id != world.leader,
        )
    ).scalar()
    assert other is not None
    base = f"/staff/recommendations/{world.leader}"
    refused = staff_login("coordinator").post(f"{base}/sources/link", {"other_id": str(other)})
    assert refused.status_code == 422
    assert (
        f"recommendation {other} is from the same source (UHRI): only records of different sources "
        "can be linked" in refused.text
    )
    assert_refusal_reaches_its_fields(refused.text)
    assert db.execute(select(SourceLink.id).where(SourceLink.member_id == other)).first() is None


def test_a_copys_work_left_is_named_on_both_pages_and_settled_on_the_copys(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Work a copy kept because its record had its own was named by the import's line only: nothing
    in the workspace showed it, and nothing could settle it."""
    now = utcnow()
    for rec_id, status in ((world.copy, "in_progress"), (world.leader, "implemented")):
        db.execute(
            insert(RecommendationLocal).values(
                recommendation_id=rec_id, status=status, version=1, updated_at=now
            )
        )
    cluster = db.execute(
        insert(Cluster).values(name="Treaties", created_at=now, updated_at=now).returning(Cluster.id)
    )
    db.execute(
        insert(ClusterRecommendation).values(
            cluster_id=cluster.scalar_one(), recommendation_id=world.copy, added_at=now
        )
    )
    staff = staff_login("coordinator")
    leader = staff.get(f"/staff/recommendations/{world.leader}").text
    assert f"Copy #{world.copy} still holds work of its own" in leader
    assert "<li>Clusters</li><li>Status, priority and notes, with their history</li>" in leader
    assert f'href="/staff/recommendations/{world.copy}#copy-work"' in leader
    assert 'id="copy-work"' in _page(staff_login, "focal_point", world.copy)
    assert "/sources/settle" not in _page(staff_login, "focal_point", world.copy)  # read only

    settle = f"/staff/recommendations/{world.copy}/sources/settle"
    moved = staff.post(settle, {"kind": "clusters", "keep": "copy"}, follow_redirects=False)  # nothing lost
    assert moved.status_code == 303
    members = select(ClusterRecommendation.recommendation_id)
    assert db.execute(members).scalars().all() == [world.leader]
    # The question is a page of its own (a GET), so that Back after settling never sends the form again.
    sent = staff.post(settle, {"kind": "status", "keep": "record"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{settle}?kind=status&keep=record"
    asked = staff.get(sent.headers["location"])
    assert (
        asked.status_code == 200 and "Keep the leading record&#39;s and remove this copy&#39;s?" in asked.text
    )
    assert (
        f"recommendation #{world.leader} keeps its own, and the copy #{world.copy}&#39;s is removed"
        in asked.text
    )
    assert 'name="confirmed" value="yes"' in asked.text and 'name="keep" value="record"' in asked.text
    assert (
        db.execute(
            select(RecommendationLocal.status).where(RecommendationLocal.recommendation_id == world.copy)
        ).scalar()
        == "in_progress"
    )
    done = staff.post(
        settle, {"kind": "status", "keep": "record", "confirmed": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=copy-work-settled#sources")
    statuses = select(RecommendationLocal.recommendation_id, RecommendationLocal.status)
    assert db.execute(statuses).all() == [(world.leader, "implemented")]
    page = staff.get(done.headers["location"]).text
    assert "Settled: the leading record shows the work you kept." in page and 'id="copy-work"' not in page
    back = staff.get(f"{settle}?kind=status&keep=record")  # Back: nothing left to settle of that kind
    assert (
        back.status_code == 303 and back.headers["location"] == f"/staff/recommendations/{world.copy}#sources"
    )
    assert staff.get(f"{settle}?kind=everything&keep=copy").status_code == 422
    assert "still holds work" not in staff.get(f"/staff/recommendations/{world.leader}").text
    forged = staff.post(settle, {"kind": "everything", "keep": "copy", "confirmed": "yes"})
    assert forged.status_code == 422
