"""``nrtd dedupe`` as a user runs it: links the copies already stored, then finds nothing new; waits
for no import (exit 75 while one runs)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, func, select

from app.core.config import Settings
from app.import_runs.lock import import_lock
from app.models.source_link import SourceLink
from importers.csv_runs import import_upr_info
from importers.run import import_uhri
from tests.cli.test_cli import nrtd
from tests.conftest import SAMPLE


@pytest.mark.slow
def test_dedupe_links_what_is_stored_and_says_so(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"))
    import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv")
    with engine.begin() as conn:  # as if imported before linking existed
        conn.execute(delete(SourceLink))
    first = nrtd(database_url, "dedupe")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "source links: 9 linked, 0 dropped, 0 kept"
    again = nrtd(database_url, "dedupe")
    assert again.stdout.strip() == "source links: 0 linked, 0 dropped, 9 kept"
    strict = nrtd(database_url, "dedupe", "--threshold", "1.0")  # the inexact copies' links are dropped
    assert strict.returncode == 0 and ", 0 linked, " not in f", {strict.stdout}"
    assert " dropped, " in strict.stdout and "0 dropped" not in strict.stdout
    with import_lock(engine, ttl_seconds=60):
        locked = nrtd(database_url, "dedupe")
    assert locked.returncode == 75 and "not started" in locked.stderr
    assert nrtd(database_url, "dedupe", "--threshold", "0.2").returncode == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SourceLink)).scalar_one() < 9
