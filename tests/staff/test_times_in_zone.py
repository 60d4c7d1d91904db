"""Times the staff pages showed in UTC where the instance has NRTD_TIME_ZONE: the State's Word
template's upload and an API key's expiry are shown in the instance's zone, the zone named."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.models.report_template import STATE_TEMPLATE_ID, ReportTemplate
from tests import accounts
from tests.conftest import MakeApp
from tests.staff.conftest import StaffClient

LIMA = "America/Lima"  # UTC-5, no summer time


def _signed_in(make_app: MakeApp, db: Connection, role: str) -> StaffClient:
    user_id = accounts.create_user(db, f"{role}-zone@example.org", role)
    secret, csrf = accounts.issue_session(db, user_id)
    return StaffClient(TestClient(make_app(time_zone=LIMA), follow_redirects=False), secret, csrf, user_id)


def test_the_word_template_upload_time_is_the_instance_time(make_app: MakeApp, db: Connection) -> None:
    with Session(db, join_transaction_mode="create_savepoint") as session, session.begin():
        session.add(
            ReportTemplate(
                id=STATE_TEMPLATE_ID,
                filename="lesotho.docx",
                content=b"stored",
                size=6,
                sha256="0" * 64,
                uploaded_at=datetime(2026, 12, 7, 3, 31, tzinfo=UTC),  # 22:31 on the 6th in Lima
            )
        )
    page = _signed_in(make_app, db, "coordinator").get("/staff/reports").text
    assert "<strong>lesotho.docx</strong>" in page
    assert "uploaded Dec 6, 2026, 10:31:00" in page and f"PM {LIMA})" in page
    assert "2026-12-07 03:31 UTC" not in page


def test_an_api_key_expiry_is_the_instance_time(make_app: MakeApp, db: Connection) -> None:
    admin = _signed_in(make_app, db, "admin")
    form = {"name": "stats dashboard", "role": "reader", "scope": "read", "expires_at": "2030-01-01"}
    created = admin.post("/staff/api-keys", form)
    assert created.status_code == 201, created.text
    # The day typed begins in Lima: it was read as midnight UTC, shown as 19:00 on the eve there.
    for page in (created.text, admin.get("/staff/api-keys").text):
        assert "Jan 1, 2030, 12:00:00" in page and f"AM ({LIMA})" in page
        assert "Dec 31, 2029" not in page
