"""GET /api/v1/import-runs and /api/v1/import-runs/{id}."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.feed.records import Rejection
from app.feed.row_problems import joined
from app.models import ImportRun
from tests.factories import failed_run, import_records, record, stored_runs

URL = "/api/v1/import-runs"


@pytest.fixture
def runs(engine: Engine) -> dict[str, int]:
    first = import_records(
        engine,
        [
            record("A"),
            Rejection("record 2", "Body: missing", "bad-1"),
            record("B"),
            Rejection("record 4", "PublicationDate: not an ISO date: 'soon'", "bad-2"),
            Rejection("record 5", "not an object"),
        ],
    )
    failed = failed_run(engine, "truncated JSON at byte 1234")
    upr_info = import_records(engine, [record("U", source="upr-info", mechanism="UPR")], source="upr-info")
    return {"first": first.run_id, "failed": failed.run_id, "upr_info": upr_info.run_id}


def _ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_list_newest_first_with_filters(client: TestClient, runs: dict[str, int]) -> None:
    body = client.get(URL).json()
    assert _ids(body) == [runs["upr_info"], runs["failed"], runs["first"]]
    assert body["total"] == 3 and body["next_cursor"] is None
    assert _ids(client.get(f"{URL}?source=uhri").json()) == [runs["failed"], runs["first"]]
    assert _ids(client.get(f"{URL}?outcome=failed").json()) == [runs["failed"]]
    assert _ids(client.get(f"{URL}?outcome=succeeded&source=upr-info").json()) == [runs["upr_info"]]
    assert _ids(client.get(f"{URL}?outcome=not_modified").json()) == []

    item = body["items"][2]
    assert item["outcome"] == "succeeded" and item["source"] == "uhri" and item["languages"] == ["en"]
    assert item["counts"] == {
        "read": 5,
        "skipped": 0,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 3,
    }
    assert item["started_at"] <= item["finished_at"]
    failed = body["items"][1]
    assert failed["outcome"] == "failed" and "truncated JSON" in failed["message"]


def test_keyset_pagination(client: TestClient, runs: dict[str, int]) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = client.get(URL, params=params).json()
        assert body["total"] == 3
        seen += _ids(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [runs["upr_info"], runs["failed"], runs["first"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=%%%", "cursor"),
        ("outcome=exploded", "outcome"),
        ("limit=1000", "limit"),
        ("source=ftp", "source"),
    ],
)
def test_invalid_parameters(client: TestClient, engine: Engine, query: str, field: str) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


def test_detail_with_rejections(client: TestClient, runs: dict[str, int]) -> None:
    body = client.get(f"{URL}/{runs['first']}").json()
    assert body["rejections"] == [
        {
            "position": "record 2",
            "external_id": "bad-1",
            "reason": "Body: missing",
            "problems": ["Body: missing"],
        },
        {
            "position": "record 4",
            "external_id": "bad-2",
            "reason": "PublicationDate: not an ISO date: 'soon'",
            "problems": ["PublicationDate: not an ISO date: 'soon'"],
        },
        {
            "position": "record 5",
            "external_id": None,
            "reason": "not an object",
            "problems": ["not an object"],
        },
    ]
    assert (body["rejected_total"], body["rejections_offset"], body["next_rejections_offset"]) == (3, 0, None)
    assert body["counts"]["rejected"] == 3
    clean = client.get(f"{URL}/{runs['upr_info']}").json()
    assert clean["rejections"] == [] and clean["rejected_total"] == 0


def test_rejections_come_in_batches_of_500(client: TestClient, engine: Engine) -> None:
    run = import_records(
        engine, [record("A"), *(Rejection(f"record {n}", f"reason {n}", f"x{n}") for n in range(620))]
    )
    first = client.get(f"{URL}/{run.run_id}").json()
    assert len(first["rejections"]) == 500 and first["rejected_total"] == 620
    assert first["rejections"][0]["position"] == "record 0"
    assert first["next_rejections_offset"] == 500
    rest = client.get(f"{URL}/{run.run_id}", params={"rejections_offset": 500}).json()
    assert [r["position"] for r in rest["rejections"]] == [f"record {n}" for n in range(500, 620)]
    assert rest["next_rejections_offset"] is None
    assert client.get(f"{URL}/{run.run_id}", params={"rejections_offset": -1}).status_code == 422


def test_missing_run_is_a_404_problem(client: TestClient, engine: Engine) -> None:
    response = client.get(f"{URL}/424242")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "import run 424242 does not exist"


RUN_FORMATS = (("manual", "xlsx"), ("uhri", "xlsx"), ("manual", "csv"), ("manual", "template-xlsx"))


def test_a_template_workbook_run_is_told_from_other_workbooks(client: TestClient, engine: Engine) -> None:
    """The template saved as an Excel workbook was recorded "xlsx", as the UHRI search export is: its
    runs are "template-xlsx", and those stored before read so too (the row itself is left as stored)."""
    with engine.begin() as conn:
        ids = stored_runs(conn, RUN_FORMATS)
    formats = {item["id"]: item["format"] for item in client.get(URL).json()["items"]}
    assert [formats[run_id] for run_id in ids] == ["template-xlsx", "xlsx", "csv", "template-xlsx"]
    assert client.get(f"{URL}/{ids[0]}").json()["format"] == "template-xlsx"
    with engine.connect() as conn:
        assert conn.execute(select(ImportRun.format).where(ImportRun.id == ids[0])).scalar_one() == "xlsx"


def test_a_rejection_lists_each_problem_of_its_record(client: TestClient, engine: Engine) -> None:
    """A record with several faults: each is named, field and reason, not only the first."""
    problems = [
        "Body: missing",
        "PublicationDate: not an ISO date: 'soon'",
        "Sdgs: no goal or target code in 'X'",
    ]
    run = import_records(engine, [record("A"), Rejection("record 2", joined(problems), "bad-1")])
    (rejection,) = client.get(f"{URL}/{run.run_id}").json()["rejections"]
    assert rejection["problems"] == problems
    assert rejection["reason"] == "\n".join(problems)
