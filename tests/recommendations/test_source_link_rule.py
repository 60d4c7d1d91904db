"""A link by hand joins records of one recommendation only: made by one mechanism to one State under
review (for the UPR, in one session), as the pass compares them; others are refused naming other_id."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

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
