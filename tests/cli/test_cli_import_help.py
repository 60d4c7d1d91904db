"""``nrtd import --help`` as a newcomer reads it on an 80-column terminal: each import's summary line
whole. They were cut mid-sentence ("Import a UPR Info database CSV export (never a full export:...",
"Import manual recommendations (regional mechanisms and..."), and so was the import group's own line
in ``nrtd --help``."""

from __future__ import annotations

from typer.testing import CliRunner

from app.cli import cli


def _summary_lines(*argv: str) -> dict[str, str]:
    """The "Commands:" section's lines, by command."""
    shown = CliRunner().invoke(cli, [*argv, "--help"], terminal_width=80)
    assert shown.exit_code == 0, shown.output
    listed = shown.stdout.split("Commands:\n", 1)[1]
    return {line.split()[0]: line for line in listed.splitlines() if line.startswith("  ") and line.split()}


def test_each_import_is_summed_up_whole() -> None:
    imports = _summary_lines("import")
    assert set(imports) == {"uhri", "upr-info", "csv"}
    for line in imports.values():
        assert not line.endswith("..."), line
    assert "UPR Info" in imports["upr-info"] and "template" in imports["csv"]
    assert not _summary_lines()["import"].endswith("..."), _summary_lines()["import"]
