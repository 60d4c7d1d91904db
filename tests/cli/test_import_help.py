"""What `nrtd import ... -h` says of its options is what the imports do (README, "The nrtd command")."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli import cli


@pytest.mark.parametrize("command", ["uhri", "upr-info", "csv"])
def test_allow_empty_is_described_for_a_file_holding_no_record_too(command: str) -> None:
    """--allow-empty said only "Succeed even when no record of the file concerns the State": a file
    holding no record at all (a header row alone, an empty array), the refusal that names the option
    ("... `nrtd import ... --allow-empty` lets the run succeed"), was not said, nor was it for
    `nrtd import csv` without a State."""
    shown = CliRunner().invoke(cli, ["import", command, "-h"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    described = (
        "--allow-empty Succeed when the file holds no record, or none concerning the State (else exit 1)"
    )
    assert described in " ".join(shown.stdout.split()), shown.stdout


# `nrtd import --help` on an 80-column terminal: each import's summary line whole. They were cut
# mid-sentence ("Import a UPR Info database CSV export (never a full export:...", "Import manual
# recommendations (regional mechanisms and..."), and so was the import group's own in `nrtd --help`.
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


def _every_group(*argv: str) -> list[tuple[str, ...]]:
    """`nrtd --help`'s groups, the root with them, each named by its argv."""
    found = [argv]
    for name in _summary_lines(*argv):
        if "Commands:\n" in CliRunner().invoke(cli, [*argv, name, "--help"], terminal_width=80).stdout:
            found += _every_group(*argv, name)
    return found


def test_every_command_is_summed_up_whole() -> None:
    """`nrtd --help` on an 80-column terminal cut migrate's, dedupe's, followup's (and users unlock's,
    storage check's...) summaries mid-sentence with "...": every listed command's summary is whole."""
    groups = _every_group()
    assert ("storage",) in groups and ("users",) in groups
    cut = [
        f"{' '.join(argv)} {line.strip()}"
        for argv in groups
        for line in _summary_lines(*argv).values()
        if line.endswith("...")
    ]
    assert not cut, "\n".join(cut)
