"""An import's lines, as a cron job appends them to its log (``>> /var/log/nrtd-import.log 2>&1``),
start with their time in UTC, as ``nrtd serve``'s log lines do: without it nobody could tell which
night's run a summary or a rejection belonged to."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.cli.test_cli import nrtd
from tests.cli.test_cli_all_rejected import EMPTY_TEXT, GOOD_ROW, HEADER

STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3} ")


@pytest.fixture
def lima(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server set to its country's zone, five hours behind UTC."""
    monkeypatch.setenv("TZ", "America/Lima")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _utc(line: str) -> datetime:
    found = STAMP.match(line)
    assert found, line
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def test_the_summary_and_the_rejections_are_stamped_in_utc(
    engine: Engine, database_url: str, tmp_path: Path, lima: None
) -> None:
    path = tmp_path / "upr.csv"
    path.write_text(HEADER + GOOD_ROW + EMPTY_TEXT, encoding="utf-8")
    before = datetime.now(UTC).replace(microsecond=0)
    result = nrtd(database_url, "import", "upr-info", str(path))
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stdout + result.stderr
    [summary] = result.stdout.splitlines()
    assert " import run " in summary and " succeeded: read 2," in summary
    assert before <= _utc(summary) <= after
    rejected = [line for line in result.stderr.splitlines() if line.endswith("1 record rejected:")]
    assert len(rejected) == 1 and before <= _utc(rejected[0]) <= after


def test_a_failure_is_stamped_too(engine: Engine, database_url: str, tmp_path: Path, lima: None) -> None:
    path = tmp_path / "upr.csv"
    path.write_text(HEADER + EMPTY_TEXT, encoding="utf-8")
    before = datetime.now(UTC).replace(microsecond=0)
    result = nrtd(database_url, "import", "upr-info", str(path))
    after = datetime.now(UTC)
    assert result.returncode == 3
    [line] = [line for line in result.stderr.splitlines() if "nothing was imported" in line]
    assert before <= _utc(line) <= after
