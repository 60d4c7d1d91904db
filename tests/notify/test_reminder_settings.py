"""One's reminder settings through the API: GET/PUT /api/v1/me/reminders (audited; a bad choice is
named and nothing changes). The workspace's page is tests/staff/test_account.py."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import AuditEvent


def test_the_api_reads_and_changes_ones_own_settings(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]], engine: Engine
) -> None:
    headers = headers_for("focal_point")
    assert anonymous_client.get("/api/v1/me/reminders", headers=headers).json() == {
        "digest": "weekly",
        "language": "en",
    }
    changed = anonymous_client.put(
        "/api/v1/me/reminders", headers=headers, json={"digest": "daily", "language": "es"}
    )
    assert changed.status_code == 200, changed.text
    assert anonymous_client.get("/api/v1/me/reminders", headers=headers).json() == {
        "digest": "daily",
        "language": "es",
    }
    with Session(engine) as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.reminders_changed")).one()
        assert (event.before, event.after) == (
            {"digest": "weekly", "language": "en"},
            {"digest": "daily", "language": "es"},
        )


def test_an_unknown_choice_is_named_and_changes_nothing(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]]
) -> None:
    headers = headers_for("coordinator")
    refused = anonymous_client.put(
        "/api/v1/me/reminders", headers=headers, json={"digest": "hourly", "language": "de"}
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in refused.json()["errors"]} == {"digest", "language"}
    assert anonymous_client.get("/api/v1/me/reminders", headers=headers).json()["digest"] == "weekly"
    assert anonymous_client.get("/api/v1/me/reminders").status_code == 401


def test_the_audit_names_only_the_setting_that_changed(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]], engine: Engine
) -> None:
    """Choosing another language (as a first sign-in in Spanish does) was audited as "digest: weekly ->
    weekly, language: en -> es", the audit log and a user's history listing a change that was none;
    every other change is audited with the fields that changed only."""
    headers = headers_for("focal_point")
    changed = anonymous_client.put(
        "/api/v1/me/reminders", headers=headers, json={"digest": "weekly", "language": "es"}
    )
    assert changed.status_code == 200, changed.text
    with Session(engine) as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.reminders_changed")).one()
        assert (event.before, event.after) == ({"language": "en"}, {"language": "es"})
