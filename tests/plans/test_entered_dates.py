"""Every date a person records on a plan or in the calendar lies between 1945-01-01 and 2100-12-31
(app.core.dates.EnteredDate): a year typed wrong (0202-05-01, 20255-05-01) was stored as written, and
the action showed as due in year 202 or an indicator as measured 18,000 years ahead."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine

from app.deadlines.schemas import DeadlineCreate, DeadlinePatch, DeadlineSent
from app.followup.schemas import FollowUpCorrectionIn, GradeIn
from app.plans.actions.schemas import ActionCreate, ActionPatch
from app.plans.indicators.schemas import IndicatorCreate, ValueCreate, ValuePatch
from app.plans.progress.schemas import ProgressCreate, ProgressPatch
from tests.plans.test_actions import make_action, patch

REASON = "must be between 1945-01-01 and 2100-12-31"
TYPOS = ("0202-05-01", "1944-12-31", "2101-01-01", "9999-12-31")


def _refused(response: Any, field: str, typed: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"field": field, "reason": REASON} in response.json()["errors"]


@pytest.mark.parametrize("typed", TYPOS)
def test_the_api_refuses_a_plan_date_outside_the_years_naming_the_field(
    client: TestClient, engine: Engine, typed: str
) -> None:
    action = make_action(client, start_date="2025-01-01")
    url = f"/api/v1/actions/{action['id']}"
    for field in ("start_date", "due_date"):
        _refused(client.post("/api/v1/actions", json={"title": "An action", field: typed}), field, typed)
        _refused(patch(client, url, {field: typed}), field, typed)
    for measure in ("baseline", "target"):
        body = {"name": "Judges trained", measure: {"value": 1, "date": typed}}
        _refused(client.post(f"{url}/indicators", json=body), f"{measure}.date", typed)
    indicator = client.post(f"{url}/indicators", json={"name": "Judges trained"}).json()
    values = f"/api/v1/indicators/{indicator['id']}/values"
    _refused(client.post(values, json={"measured_on": typed, "value": 1}), "measured_on", typed)
    value = client.post(values, json={"measured_on": "2025-01-01", "value": 1}).json()
    _refused(
        patch(client, f"/api/v1/indicator-values/{value['id']}", {"measured_on": typed}), "measured_on", typed
    )
    report = {"reported_on": typed, "narrative": "Two workshops held."}
    _refused(client.post(f"{url}/progress", json=report), "reported_on", typed)
    update = client.post(f"{url}/progress", json={**report, "reported_on": "2025-01-01"}).json()
    progress = f"/api/v1/progress/{update['id']}"
    _refused(patch(client, progress, {"reported_on": typed}), "reported_on", typed)
    for field in ("due_on", "last_review_on", "midterm_on"):
        body = {"kind": "upr_review", "title": "Next review", "due_on": "2029-05-01", field: typed}
        _refused(client.post("/api/v1/deadlines", json=body), field, typed)
    # Nothing was stored: the action keeps its date, the value and the update theirs.
    assert client.get(url).json()["start_date"] == "2025-01-01"
    assert client.get(f"/api/v1/indicator-values/{value['id']}").json()["measured_on"] == "2025-01-01"
    assert client.get(progress).json()["reported_on"] == "2025-01-01"


@pytest.mark.parametrize(
    ("schema", "field", "body"),
    [
        (ActionCreate, "start_date", {"title": "t"}),
        (ActionCreate, "due_date", {"title": "t"}),
        (ActionPatch, "start_date", {}),
        (ActionPatch, "due_date", {}),
        (IndicatorCreate, "baseline", {"name": "n"}),
        (IndicatorCreate, "target", {"name": "n"}),
        (ValueCreate, "measured_on", {"value": 1}),
        (ValuePatch, "measured_on", {}),
        (ProgressCreate, "reported_on", {"narrative": "n"}),
        (ProgressPatch, "reported_on", {}),
        (DeadlineCreate, "due_on", {"title": "t"}),
        (DeadlineCreate, "last_review_on", {"title": "t", "due_on": "2029-01-01"}),
        (DeadlineCreate, "midterm_on", {"title": "t", "due_on": "2029-01-01"}),
        (DeadlinePatch, "due_on", {}),
        (DeadlinePatch, "last_review_on", {}),
        (DeadlinePatch, "midterm_on", {}),
        (DeadlineSent, "sent_on", {"kind": "periodic_report", "object_id": 1}),
        (FollowUpCorrectionIn, "due", {}),
        (GradeIn, "assessed_on", {"grade": "B", "source_symbol": "CRC/C/99/2"}),
    ],
)
def test_every_recorded_date_has_the_one_rule(
    schema: type[BaseModel], field: str, body: dict[str, Any]
) -> None:
    measure = field in ("baseline", "target")
    for typed, kept in (
        ("1945-01-01", True),
        ("2100-12-31", True),
        ("1944-12-31", False),
        ("2101-01-01", False),
    ):
        sent = {**body, field: {"value": 1, "date": typed} if measure else typed}
        if kept:
            schema.model_validate(sent)
            continue
        with pytest.raises(ValidationError) as refused:
            schema.model_validate(sent)
        assert [error["type"] for error in refused.value.errors()] == ["date_out_of_range"]
