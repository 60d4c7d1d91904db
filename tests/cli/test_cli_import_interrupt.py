"""Ctrl-C during ``nrtd import``: what it says matches the run's record, before and after the commit
(a real Ctrl-C in the middle of a download: test_cli_interrupt.py)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import importers.csv_runs as csv_runs
import importers.run_record as run_record
from app.models import ImportRun, Recommendation
from tests.cli_runner import run_cli, unstamped
from tests.importers.file_samples import UPR_INFO

STOPPED = "interrupted: the import stopped before it finished and nothing of it was written; run it again"


def _import(database_url: str, path: Path) -> Any:
    return run_cli(
        ["import", "upr-info", str(path)], env={"NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": "Peru"}
    )


def _ctrl_c_after(run: Callable[..., Any]) -> Callable[..., Any]:
    """``run``, then Ctrl-C in the instant after it returned (its transaction over)."""

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        run(*args, **kwargs)
        raise KeyboardInterrupt

    return interrupted


def _stored(engine: Engine) -> tuple[list[tuple[str, int]], int]:
    with engine.connect() as conn:
        runs = [tuple(row) for row in conn.execute(select(ImportRun.outcome, ImportRun.created))]
        return runs, conn.execute(select(func.count()).select_from(Recommendation)).scalar_one()  # type: ignore[return-value]


def test_ctrl_c_after_the_commit_says_what_was_kept(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: "nothing of it was written; run it again", while the run had committed its 11 records.
    monkeypatch.setattr(csv_runs, "execute_run", _ctrl_c_after(run_record.execute_run))
    result = _import(database_url, UPR_INFO)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    [(run_id, outcome)] = _runs(engine)
    last = unstamped(result.stderr.strip().splitlines()[-1])
    assert last.startswith(
        f"interrupted after the import was committed: import run {run_id} succeeded: read 11, skipped 0, "
        "created 11, updated 0, unchanged 0, withdrawn 0, rejected 0 ("
    ), last
    assert last.endswith("; what it wrote is kept, nothing to run again"), last
    assert outcome == "succeeded"
    assert _stored(engine) == ([("succeeded", 11)], 11)


def test_ctrl_c_after_a_failed_run_was_recorded_says_so(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "upr-info.csv"
    bad.write_text("To,Text\nPeru,Ratify the OPCAT\n", encoding="utf-8")
    monkeypatch.setattr(csv_runs, "execute_run", _ctrl_c_after(run_record.execute_run))
    result = _import(database_url, bad)
    assert result.returncode == 130, result.stderr
    [(run_id, outcome)] = _runs(engine)
    assert outcome == "failed"
    last = unstamped(result.stderr.strip().splitlines()[-1])
    assert last.startswith(f"interrupted after the run was recorded: import run {run_id} failed: read 0"), (
        last
    )
    assert last.endswith("; nothing of it was written"), last
    assert _stored(engine)[1] == 0


def test_ctrl_c_before_the_commit_says_nothing_was_written(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run was started (its id known) but its transaction is rolled back with its record.
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_record, "finish_run", interrupted)
    result = _import(database_url, UPR_INFO)
    assert result.returncode == 130, result.stderr
    assert unstamped(result.stderr.strip().splitlines()[-1]) == STOPPED
    assert _stored(engine) == ([], 0)


def _runs(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (run_id, outcome) for run_id, outcome in conn.execute(select(ImportRun.id, ImportRun.outcome))
        ]


def test_sigterm_before_the_commit_says_nothing_was_written(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kill, docker stop, systemd or a Kubernetes Job's deadline send SIGTERM: the import died at once,
    # exit 143 and not a word in the cron log of what it left. (Here the test's own handler stands for
    # that death: the command must put its own in place while it runs.)
    def killed(signum: int, frame: object) -> None:
        raise AssertionError("SIGTERM was not handled by the import")

    def terminated(*args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, killed)
    try:
        monkeypatch.setattr(run_record, "finish_run", terminated)
        result = _import(database_url, UPR_INFO)
        assert signal.getsignal(signal.SIGTERM) is killed  # given back when the import ends
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.returncode == 143, result.stderr
    assert "Traceback" not in result.stderr
    assert unstamped(result.stderr.strip().splitlines()[-1]) == (
        "terminated (SIGTERM): the import stopped before it finished and nothing of it was written; run it "
        "again"
    )
    assert _stored(engine) == ([], 0)
