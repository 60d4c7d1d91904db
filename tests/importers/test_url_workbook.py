"""A UHRI search export (XLSX) downloaded from a URL whose name says nothing of it (``.../download``,
``.../export?id=3``) or says JSON: it was read as the JSON full export and refused as "an Excel
workbook (XLSX) ..., not the UHRI JSON export; the UHRI search page's export is an .xlsx file", which
it is. The downloaded bytes decide, as they do for a local file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import importers.run
from app.core.config import Settings
from app.models import ImportRun
from tests.fake_uhri import FakeUhri
from tests.importers.test_uhri_xlsx import UPR_ID, upr_row, write_xlsx
from tests.uhri_records import snapshot


@pytest.mark.parametrize("name", ["download", "export-full-en.json"])
def test_a_downloaded_workbook_is_read_as_the_xlsx_whatever_the_url_says(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path, name: str
) -> None:
    fake_uhri_server.put(name, write_xlsx(tmp_path / "export.xlsx", [upr_row()]).read_bytes())

    run = importers.run.import_uhri(engine, settings, fake_uhri_server.url(name))

    assert (run.outcome, run.counts.created) == ("succeeded", 1), run.message
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.format, ImportRun.full_export, ImportRun.languages)).one()
    # Recorded as what it is: the search page's XLSX, never a full export (it withdraws nothing).
    assert tuple(stored) == ("xlsx", False, "en")
    assert UPR_ID in str(snapshot(engine))


def test_a_downloaded_workbook_asked_for_in_several_languages_is_refused_saying_why(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path
) -> None:
    """Read as English only, the French asked for would be silently missing."""
    content = write_xlsx(tmp_path / "export.xlsx", [upr_row()]).read_bytes()
    for lang in ("en", "fr"):
        fake_uhri_server.put(f"export-{lang}", content)
    before = snapshot(engine, skip=("import_leases", "import_runs"))

    run = importers.run.import_uhri(
        engine, settings, fake_uhri_server.url("export-{lang}"), languages=["en", "fr"]
    )

    assert run.outcome == "failed"
    assert run.message == (
        "input rejected: export-en: this is an XLSX workbook (the UHRI search page's export), whose texts "
        "are read as English, not the JSON full export in en, fr: import it in English alone (--languages "
        "en, or NRTD_UHRI_LANGUAGES=en), or give the URL of the JSON full export"
    )
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
