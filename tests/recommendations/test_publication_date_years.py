"""A manual recommendation's publication date lies between 1945-01-01 and 2100-12-31, the years of every
date a person records (app.core.dates.EnteredDate): a year typed wrong (0201, 9999) was stored as
written, through the API, the workspace's form and the template (CSV or Excel) alike."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.feed.records import Rejection, SourceRecord
from importers.template_xlsx import read_template
from tests.feed.template_support import write_rows
from tests.importers.test_template_xlsx import write_template_xlsx

URL = "/api/v1/recommendations"
REASON = "must be between 1945-01-01 and 2100-12-31"
TYPOS = ("0201-05-10", "1944-12-31", "2101-01-01", "9999-12-31")
BODY = {
    "text": "1. Adopt the plan.",
    "mechanism": "ACHPR",
    "mechanism_name": "ACHPR",
    "mechanism_family": "regional",
}


@pytest.mark.parametrize("typed", TYPOS)
def test_the_api_refuses_a_publication_date_outside_the_years_naming_the_field(
    client: TestClient, typed: str
) -> None:
    refused = client.post(URL, json={**BODY, "publication_date": typed})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert {"field": "publication_date", "reason": REASON} in refused.json()["errors"]
    created = client.post(URL, json={**BODY, "publication_date": "2024-03-08"})
    assert created.status_code == 201, created.text
    url = f"{URL}/{created.json()['id']}"
    edit = client.patch(url, json={"publication_date": typed}, headers={"If-Match": created.headers["ETag"]})
    assert edit.status_code == 422, edit.text
    assert {"field": "publication_date", "reason": REASON} in edit.json()["errors"]
    assert client.get(url).json()["publication_date"] == "2024-03-08"


def test_the_first_and_last_days_are_taken(client: TestClient) -> None:
    for day in ("1945-01-01", "2100-12-31"):
        created = client.post(URL, json={**BODY, "publication_date": day})
        assert created.status_code == 201, created.text
        assert created.json()["publication_date"] == day


def _reasons(results: list[SourceRecord | Rejection]) -> dict[str, str | None]:
    return {item.input_position: item.reason if isinstance(item, Rejection) else None for item in results}


def test_a_template_row_with_a_year_outside_is_rejected_naming_the_field(tmp_path: Path) -> None:
    rows = [
        {"external_id": f"Y-{n}", "mechanism": "ACHPR", "text": "T", "publication_date": typed}
        for n, typed in enumerate(("0201-05-10", "9999-12-31", "1945-01-01", "2100-12-31"))
    ]
    csv_rows = list(read_template(write_rows(tmp_path / "years.csv", rows)))
    assert _reasons(csv_rows) == {
        "row 2": "publication_date: '0201-05-10' is not between 1945-01-01 and 2100-12-31",
        "row 3": "publication_date: '9999-12-31' is not between 1945-01-01 and 2100-12-31",
        "row 4": None,
        "row 5": None,
    }
    # The workbook: a year typed as text, and a real date cell beyond 2100.
    book = write_template_xlsx(
        tmp_path / "years.xlsx",
        [
            ["external_id", "mechanism", "text", "publication_date"],
            ["Y-1", "ACHPR", "T", "0201-05-10"],
            ["Y-2", "ACHPR", "T", datetime(2101, 1, 1)],
            ["Y-3", "ACHPR", "T", datetime(2024, 2, 1)],
        ],
    )
    reasons = _reasons(list(read_template(book)))
    assert reasons["row 2"] == "publication_date: '0201-05-10' is not between 1945-01-01 and 2100-12-31"
    assert reasons["row 3"] is not None and reasons["row 3"].startswith("publication_date: '2101-01-01")
    assert reasons["row 4"] is None
