"""``nrtd demo load --country``: checked before anything else. ``--country Bolivia`` on a demo of Peru
(NRTD_COUNTRY=Peru) loaded Bolivia's sample records into it, and ``--country Narnia`` on a database
holding records said that it already held them, not that no State is called so."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.cli.test_cli import nrtd
from tests.uhri_records import snapshot, uhri_record, write_export


def test_another_state_than_the_instances_is_not_loaded(engine: Engine, database_url: str) -> None:
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", "--country", "Bolivia", NRTD_DEMO="true")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--country Bolivia: this instance tracks Peru (NRTD_COUNTRY)" in result.stderr
    assert snapshot(engine) == before


def test_an_unknown_state_is_named_so_on_a_database_with_records(own_database: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "real.json", [uhri_record(1)])
    assert nrtd(own_database, "import", "uhri", str(export)).returncode == 0
    result = nrtd(own_database, "demo", "load", "--country", "Narnia", NRTD_DEMO="true", NRTD_COUNTRY="")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("--country: ")
    assert "already holds" not in result.stderr
