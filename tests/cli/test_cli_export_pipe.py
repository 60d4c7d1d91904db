"""``nrtd export csv -`` into a program that stops reading early (``| head``), as a process of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import nrtd
from tests.cli_runner import NRTD
from tests.conftest import ROOT
from tests.uhri_records import uhri_record, write_export


@pytest.mark.slow
def test_export_to_a_reader_that_stops_early_ends_quietly(
    engine: object, database_url: str, tmp_path: Path
) -> None:
    # Before: `nrtd export csv - | head` printed "export failed: BrokenPipeError: [Errno 32] Broken pipe"
    # (exit 1) under head's lines: nothing had failed, the reader had had what it wanted.
    export = write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, 1500)])
    assert nrtd(database_url, "import", "uhri", str(export)).returncode == 0
    process = subprocess.Popen(
        [*NRTD, "export", "csv", "-"],
        cwd=ROOT,
        env={**os.environ, "NRTD_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("external_id,")  # no BOM on a pipe
    process.stdout.close()  # as head does once it has its lines
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert stderr == "", stderr
    assert process.returncode == 141  # 128 + SIGPIPE, as a shell reports `cat` stopped by `head`
