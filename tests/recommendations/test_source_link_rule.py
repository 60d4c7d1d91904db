"""A link by hand joins records of one recommendation only: made by one mechanism to one State under
review (for the UPR, in one session), from two sources, as the pass compares them; others are refused
naming other_id."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Recommendation
from app.recommendations.source_links import link_duplicates
from importers.csv_runs import import_upr_info
from tests import accounts
from tests.conftest import SAMPLE
from tests.factories import ids_by_external_id, import_records, record

LIST = "/api/v1/recommendations"


def test_a_link_by_hand_joins_one_states_records_of_one_mechanism(client: TestClient, engine: Engine) -> None:
    import_records(
        engine,
        [
            record("crc-peru", "Adopt a law on child labour", countries=["Peru"]),
            record("upr-peru-43", "Adopt a law", mechanism="UPR", countries=["Peru"], upr_session=43),
        ],
    )
    import_records(
        engine,
        [
            record("manual-crc-chile", "Adopt a law on child labour", source="manual", countries=["Chile"]),
            record(
                "manual-crc-pe", "Protect children from hazardous work", source="manual", countries=["PE"]
            ),
            record("manual-iachr", "Adopt a law", source="manual", mechanism="IACHR", countries=["Peru"]),
            record(
                "manual-upr-29",
                "Adopt a law",
                source="manual",
                mechanism="UPR",
                countries=["Peru"],
                upr_session=29,
            ),
        ],
        source="manual",
    )
    ids = ids_by_external_id(engine)

    def link(leader: str, member: str) -> tuple[int, list[dict[str, str]]]:
        response = client.post(f"{LIST}/{ids[leader]}/sources/{ids[member]}/link")
        return response.status_code, response.json().get("errors", [])

    assert link("crc-peru", "manual-crc-chile") == (
        422,
        [
            {
                "field": "other_id",
                "reason": f"recommendation {ids['manual-crc-chile']} concerns another State under review"
                " (Chile, not Peru)",
            }
        ],
    )
    assert link("crc-peru", "manual-iachr") == (
        422,
        [
            {
                "field": "other_id",
                "reason": f"recommendation {ids['manual-iachr']} is of another mechanism (IACHR, not CRC)",
            }
        ],
    )
    status, errors = link("upr-peru-43", "manual-upr-29")
    assert status == 422 and errors[0]["reason"].endswith("is of another UPR session (29, not 43)")
    # Nothing was linked: each is still listed on its own.
    assert len(client.get(f"{LIST}/{ids['crc-peru']}/sources").json()["items"]) == 1
    # The State named by its code is the same State (its text differs: the pass did not link it).
    assert link("crc-peru", "manual-crc-pe")[0] == 200


def _source_ids(engine: Engine, source: str) -> list[int]:
    with Session(engine) as session:
        query = select(Recommendation.id).where(Recommendation.source == source)
        return list(session.scalars(query.order_by(Recommendation.id)))


def test_links_by_hand_and_refusals(client: TestClient, engine: Engine, settings: Settings) -> None:
    """Link by hand: itself, an unknown record, a record of the same source (two UPR Info rows are two
    of its recommendations) and a record linked elsewhere are refused."""
    import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv")
    first, second = _source_ids(engine, "upr-info")[:2]
    with Session(engine) as session:
        session_of_first = session.get_one(Recommendation, first).upr_session
    copy = record(
        "typed", "A copy typed by hand", source="manual", mechanism="UPR", upr_session=session_of_first
    )
    import_records(engine, [copy], source="manual")
    (manual,) = _source_ids(engine, "manual")
    assert client.post(f"{LIST}/{first}/sources/{first}/link").status_code == 422
    assert client.post(f"{LIST}/{first}/sources/999999/link").status_code == 404
    same_source = client.post(f"{LIST}/{first}/sources/{second}/link")
    assert same_source.status_code == 422
    assert same_source.json()["errors"] == [
        {
            "field": "other_id",
            "reason": f"recommendation {second} is from the same source (UPR Info): only records of "
            "different sources can be linked",
        }
    ]
    focal_point = accounts.headers_for(
        engine, "focal_point", entity_id=accounts.create_entity(engine, "Health")
    )
    assert client.post(f"{LIST}/{first}/sources/{manual}/link", headers=focal_point).status_code == 403
    assert client.post(f"{LIST}/{first}/sources/{manual}/link").status_code == 200
    assert client.post(f"{LIST}/{first}/sources/{manual}/unlink", headers=focal_point).status_code == 403
    assert client.post(f"{LIST}/{second}/sources/{manual}/link").status_code == 409  # linked to first
    assert client.post(f"{LIST}/{manual}/sources/{second}/link").status_code == 409  # manual is a copy
    assert client.post(f"{LIST}/{first}/sources/{second}/unlink").status_code == 409  # not linked
    sources = client.get(f"{LIST}/{manual}/sources").json()
    assert [ref["link"] for ref in sources["items"]] == ["leading", "linked"]
    # A manual link is kept by the pass, which finds nothing else to link (no UHRI records).
    with engine.begin() as conn:
        assert not link_duplicates(conn, actor="test").changed
    assert client.get(LIST).json()["total"] == len(_source_ids(engine, "upr-info"))


def test_a_uhri_record_linked_by_hand_under_a_copy_still_leads(client: TestClient, engine: Engine) -> None:
    """Linking a UHRI record "under" a manual copy (POST /{copy}/sources/{uhri}/link, as from the copy's
    page) made the copy lead: the UHRI record left every list, its work moved to the copy, and the
    public API named the copy as its leading record. The UHRI record leads whichever way the pair is
    given: the copy is linked under it."""
    import_records(engine, [record("uhri-crc", "Adopt a law on child labour", countries=["Peru"])])
    import_records(
        engine,
        [record("manual-crc", "Protect children from hazardous work", source="manual", countries=["Peru"])],
        source="manual",
    )
    ids = ids_by_external_id(engine)
    linked = client.post(f"{LIST}/{ids['manual-crc']}/sources/{ids['uhri-crc']}/link")
    assert linked.status_code == 200
    assert [(ref["recommendation_id"], ref["link"]) for ref in linked.json()["items"]] == [
        (ids["uhri-crc"], "leading"),
        (ids["manual-crc"], "linked"),
    ]
    assert [item["id"] for item in client.get(LIST).json()["items"]] == [ids["uhri-crc"]]
