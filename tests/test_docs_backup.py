"""The SQLite backup commands of docs/deployment.md, run as an operator copies them: in the service's
folder they copy what was written (the writes still in the WAL included); run in another folder (a
cron job's home, a typo) they fail rather than make an empty nrtd.db there and back it up."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _backup_commands() -> list[str]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = re.search(r"SQLite: copy the database.*?```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None
    commands = [line for line in block[1].splitlines() if line.startswith(("sqlite3 ", "python3 "))]
    assert len(commands) == 2, commands
    return commands


@pytest.mark.parametrize("command", _backup_commands(), ids=["sqlite3", "python3"])
def test_the_sqlite_backup_commands_copy_the_database_or_fail_where_it_is_not(
    command: str, tmp_path: Path
) -> None:
    if command.startswith("sqlite3 ") and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 program here")
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    wrong = subprocess.run(["bash", "-c", command], cwd=elsewhere, capture_output=True, text=True)
    # Before: exit 0, an empty nrtd.db made there, and a backup of it that holds nothing.
    assert wrong.returncode != 0
    assert not (elsewhere / "nrtd.db").exists()
    assert not [path for path in elsewhere.iterdir() if path.stat().st_size]

    service = tmp_path / "srv"
    service.mkdir()
    writer = sqlite3.connect(service / "nrtd.db")
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the row stays in nrtd.db-wal, as under a server
    writer.execute("CREATE TABLE kept (value TEXT)")
    writer.execute("INSERT INTO kept VALUES ('written last')")
    writer.commit()
    try:
        done = subprocess.run(["bash", "-c", command], cwd=service, capture_output=True, text=True)
    finally:
        writer.close()
    assert done.returncode == 0, done.stderr
    (backup,) = service.glob("nrtd-*.db")
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT value FROM kept").fetchall() == [("written last",)]
    copy.close()
