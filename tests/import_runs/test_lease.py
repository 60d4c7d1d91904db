"""SQLite's import lease after its holder was killed: the next run takes it over, even when the
holder's pid now belongs to another live process (a server restarted in its container is pid 1
again, on the same host name, as its killed predecessor was)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import Engine, select, update

from app.models import ImportLease
from tests.cli.test_cli import nrtd
from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow


def _lease_left_by_a_killed_holder(database_url: str) -> str:
    """Take the import lease in a process of its own, kill it with SIGKILL; the lease's holder."""
    script = textwrap.dedent(
        f"""
        import time
        from app.core.db import make_engine
        from app.import_runs.lock import import_lock
        with import_lock(make_engine({database_url!r}), ttl_seconds=6 * 3600):
            print("held", flush=True)
            time.sleep(120)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
    return str(holder.pid)


def test_a_lease_whose_pid_now_names_another_process_is_taken_over(engine: Engine, database_url: str) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's advisory lock is freed with its holder's connection")
    dead_pid = _lease_left_by_a_killed_holder(database_url)
    with engine.begin() as conn:
        (holder,) = conn.execute(select(ImportLease.holder)).one()
        host, pid, *started = holder.split(":")
        assert pid == dead_pid
        # The pid is taken again, by a live process on this host (this one) that is not the holder.
        reused = ":".join([host, str(os.getpid()), *started])
        conn.execute(update(ImportLease).values(holder=reused))
    result = nrtd(database_url, "import", "uhri", str(SAMPLE / "export-full-en.json"))
    assert result.returncode == 0, result.stderr
    assert "another import is running" not in result.stderr
