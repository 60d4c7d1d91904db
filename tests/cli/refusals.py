"""What the settings tests share: a command run with one setting, refused at once."""

from __future__ import annotations

from tests.cli_runner import run_cli


def refused(own_database: str, name: str, value: str) -> str:
    """The one line a command run with ``name`` set to ``value`` stops on (exit 2, no traceback)."""
    result = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, name: value})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines: list[str] = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
