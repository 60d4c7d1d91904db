"""The commands count in English: one recommendation, two recommendations ("exported 1
recommendations" read as a slip, and made an operator look again at what had been exported)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.models import LoginFailure
from tests.accounts import create_user
from tests.builder import building
from tests.cli.test_cli import nrtd
from tests.cli.test_cli_users import users_unlock
from tests.cli_runner import run_cli
from tests.uhri_records import uhri_record, write_export


@pytest.mark.slow
def test_one_recommendation_is_counted_as_one(engine: Engine, database_url: str, tmp_path: Path) -> None:
    one = write_export(tmp_path / "one.json", [uhri_record(1)])
    assert nrtd(database_url, "import", "uhri", str(one)).returncode == 0
    exported = nrtd(database_url, "export", "csv", str(tmp_path / "one.csv"))
    assert exported.returncode == 0, exported.stderr
    assert f"exported 1 recommendation: 1 row in {tmp_path / 'one.csv'}" in exported.stderr
    demo = nrtd(database_url, "demo", "load", NRTD_DEMO="true")
    assert "already holds 1 recommendation: the sample is not loaded" in demo.stderr, demo.stderr


@pytest.mark.slow
def test_one_evidence_file_is_counted_as_one(engine: Engine, database_url: str, tmp_path: Path) -> None:
    with building(engine) as build:
        action = build.action("Train judges")
        update = build.progress(action.id, "draft", "Trained.")
        build.evidence(update.id, "attendance.pdf", "application/pdf", 1024)
    env = {"NRTD_DATABASE_URL": database_url, "NRTD_STORAGE_DIR": str(tmp_path)}
    found = run_cli(["storage", "check"], env=env)
    assert f"storage {tmp_path}: 1 evidence row, 0 stored files\n" in found.stderr, found.stderr
    refused = run_cli(["storage", "check", "--repair"], env=env)
    assert f"not repaired: the one evidence file is not in {tmp_path}." in refused.stderr, refused.stderr


@pytest.mark.slow
def test_one_failed_login_is_counted_as_one(engine: Engine, database_url: str) -> None:
    create_user(engine, "mistyped@example.org", "coordinator")
    with Session(engine) as session, session.begin():
        session.add(
            LoginFailure(
                account="mistyped@example.org",
                address="192.0.2.1",
                failed_at=datetime.now(UTC),
                detail="wrong password",
            )
        )
    result = users_unlock(database_url, "mistyped@example.org")
    assert result.returncode == 0, result.stderr
    assert "unlocked mistyped@example.org: forgot 1 failed login\n" in result.stderr
