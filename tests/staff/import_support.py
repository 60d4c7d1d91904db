"""Uploading a file on the Imports page, and reading the runs it leaves: for the tests of
tests/staff/test_import*.py."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from app.models import ImportRun
from tests.importers.test_uhri_xlsx import write_xlsx
from tests.staff.conftest import StaffClient

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What an upload may change besides the import's rows: the session's last use.
NOT_DATA = ("import_leases", "auth_tokens")


def workbook(tmp_path: Path, rows: list[dict[str, Any] | None]) -> bytes:
    return write_xlsx(tmp_path / "export.xlsx", rows).read_bytes()


def upload(
    staff: StaffClient, content: bytes, kind: str = "uhri-xlsx", name: str = "export.xlsx", **kwargs: Any
) -> Any:
    return staff.post(
        "/staff/imports/upload", {"kind": kind}, files={"file": (name, BytesIO(content), XLSX)}, **kwargs
    )


def runs(engine: Engine) -> list[tuple[str, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ImportRun.outcome, ImportRun.created, ImportRun.rejected).order_by(ImportRun.id)
        )
        return [(outcome, created, rejected) for outcome, created, rejected in rows]
