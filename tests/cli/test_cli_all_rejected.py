"""A run every record or row of which was rejected stored nothing, yet ``nrtd import`` exited 0: a
cron job stayed green night after night. It now exits 3 saying so; a run that stored something,
some rows rejected beside, still exits 0."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.cli.test_cli import nrtd
from tests.uhri_records import uhri_record, write_export

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
GOOD_ROW = "Peru,GRULAC,OAS,Ratify the Optional Protocol,Portugal,WEOG,EU,Accepted,5,Women,14\n"
EMPTY_TEXT = "Peru,GRULAC,OAS,,Portugal,WEOG,EU,Accepted,5,Women,14\n"


def test_a_run_that_rejected_every_row_exits_3(engine: Engine, database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "upr.csv"
    path.write_text(HEADER + EMPTY_TEXT + EMPTY_TEXT.replace("14", "15"), encoding="utf-8")
    result = nrtd(database_url, "import", "upr-info", str(path))
    assert result.returncode == 3, result.stdout + result.stderr
    assert " succeeded: read 2," in result.stdout
    assert "nothing was imported: all 2 records to import were rejected" in result.stderr


def test_a_uhri_export_every_record_of_which_was_rejected_exits_3(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # Peru's two records rejected, Chile's passed over: nothing of Peru's was stored.
    rejected = [uhri_record(n, Text="<p></p>") for n in range(2)]
    export = write_export(tmp_path / "export-full-en.json", [*rejected, uhri_record(5, Countries=["Chile"])])
    result = nrtd(database_url, "import", "uhri", str(export))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "read 3, skipped 1," in result.stdout
    assert "nothing was imported: all 2 records to import were rejected" in result.stderr


def test_a_run_that_stored_rows_beside_rejected_ones_exits_0(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "upr.csv"
    path.write_text(HEADER + GOOD_ROW + EMPTY_TEXT, encoding="utf-8")
    result = nrtd(database_url, "import", "upr-info", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "created 1" in result.stdout and "rejected 1" in result.stdout
