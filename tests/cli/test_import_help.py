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
