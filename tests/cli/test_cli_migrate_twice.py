"""Two ``nrtd migrate`` at once on one database: a deploy script run twice, or an operator's retry
while the first still runs. The second read the schema's revision before the first had changed it,
ran the same migrations and failed on what the first had made (PostgreSQL: a duplicate key in
pg_type; SQLite: "database is locked"), exit 1, saying the schema "stays" where it no longer was."""

from __future__ import annotations

import subprocess
import threading
from typing import Any

import pytest
from alembic import command

from app.health.service import head_revision
from tests.cli_runner import nrtd_process, run_cli


@pytest.mark.slow
def test_a_second_migrate_waits_for_the_first_then_finds_the_schema_made(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first migrate (here, in a thread) has read the empty schema and is about to migrate it.
    run_migrations = command.upgrade
    started, go_on = threading.Event(), threading.Event()

    def held_before_migrating(config: Any, revision: str, **kwargs: Any) -> None:
        started.set()
        assert go_on.wait(120)
        run_migrations(config, revision, **kwargs)

    monkeypatch.setattr(command, "upgrade", held_before_migrating)
    first: list[subprocess.CompletedProcess[str]] = []

    def migrate_first() -> None:
        first.append(run_cli(["migrate"], env={"NRTD_DATABASE_URL": empty_database}))

    thread = threading.Thread(target=migrate_first)
    thread.start()
    try:
        assert started.wait(120)
        second = nrtd_process(["migrate"], {"NRTD_DATABASE_URL": empty_database})
        try:
            assert second.stderr is not None
            said_first = second.stderr.readline()  # while the first still holds the schema
        finally:
            go_on.set()
            thread.join(120)
        _, said_then = second.communicate(timeout=120)
    finally:
        go_on.set()
    head = head_revision()
    assert len(first) == 1 and first[0].returncode == 0, first
    assert first[0].stderr.startswith("upgraded ")
    assert first[0].stderr.strip().endswith(f"(from an empty database to {head})")
    assert second.returncode == 0, said_first + said_then
    assert [said_first.strip(), *said_then.strip().splitlines()] == [
        "another nrtd migrate is running on this database: waiting for it to finish",
        f"already at the newest schema ({head})",
    ]


def test_ctrl_c_while_waiting_for_the_other_migrate_changes_nothing(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.cli as cli_module
    from app.cli.migration_lock import one_migration_at_a_time
    from app.core.db import make_engine

    def pressed_ctrl_c() -> None:
        raise KeyboardInterrupt  # what the operator does while it waits

    monkeypatch.setattr(cli_module, "_waiting_for_migrate", pressed_ctrl_c)
    holder = make_engine(empty_database)
    try:
        with one_migration_at_a_time(holder, lambda: None):  # the other migrate
            result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": empty_database})
    finally:
        holder.dispose()
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == [
        "interrupted while waiting for the other nrtd migrate: this one changed nothing"
    ]
