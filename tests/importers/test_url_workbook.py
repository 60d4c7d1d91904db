"""A UHRI search export (XLSX) read from a source whose name says nothing of it: a URL
(``.../download``, ``.../export?id=3``, one ending in .json) or a local path with ``{lang}``
(``export-{lang}``). It was read as the JSON full export and refused as "an Excel workbook (XLSX) ...,
not the UHRI JSON export; the UHRI search page's export is an .xlsx file", which it is. The bytes
decide, as they do for a local file named without {lang}."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import importers.run
from app.core.config import Settings
from app.models import ImportRun
from tests.fake_uhri import FakeUhri
from tests.importers.test_uhri_xlsx import UPR_ID, upr_row, write_xlsx
from tests.uhri_records import snapshot


def _source(where: str, server: FakeUhri, tmp_path: Path, name: str, content: bytes) -> str:
    """Where ``content`` is read from: the fake UHRI's URL for ``name``, or a local file of that name."""
    if where == "url":
        server.put(name.replace("{lang}", "en"), content)
        server.put(name.replace("{lang}", "fr"), content)
        return server.url(name)
    folder = tmp_path / "local"
    folder.mkdir()
    for lang in ("en", "fr"):
        (folder / name.replace("{lang}", lang)).write_bytes(content)
    return str(folder / name)


@pytest.mark.parametrize(
    ("where", "name"), [("url", "download"), ("url", "export-full-en.json"), ("local", "export-{lang}")]
)
def test_a_workbook_is_read_as_the_xlsx_whatever_its_name_says(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path, where: str, name: str
) -> None:
    content = write_xlsx(tmp_path / "export.xlsx", [upr_row()]).read_bytes()
    source = _source(where, fake_uhri_server, tmp_path, name, content)

    run = importers.run.import_uhri(engine, settings, source)

    assert (run.outcome, run.counts.created) == ("succeeded", 1), run.message
    with engine.connect() as conn:
        stored = conn.execute(select(ImportRun.format, ImportRun.full_export, ImportRun.languages)).one()
    # Recorded as what it is: the search page's XLSX, never a full export (it withdraws nothing).
    assert tuple(stored) == ("xlsx", False, "en")
    assert UPR_ID in str(snapshot(engine))


@pytest.mark.parametrize("where", ["url", "local"])
def test_a_workbook_asked_for_in_several_languages_is_refused_saying_why(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path, where: str
) -> None:
    """Read as English only, the French asked for would be silently missing."""
    content = write_xlsx(tmp_path / "export.xlsx", [upr_row()]).read_bytes()
    source = _source(where, fake_uhri_server, tmp_path, "export-{lang}", content)
    before = snapshot(engine, skip=("import_leases", "import_runs"))

    run = importers.run.import_uhri(engine, settings, source, languages=["en", "fr"])

    assert run.outcome == "failed"
    assert run.message == (
        "input rejected: export-en: this is an XLSX workbook (the UHRI search page's export), whose texts "
        "are read as English, not the JSON full export in en, fr: import it in English alone (--languages "
        "en, or NRTD_UHRI_LANGUAGES=en), or give the URL of the JSON full export"
    )
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before


def test_a_zip_archive_of_the_json_export_is_named_as_such(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path
) -> None:
    """A ZIP archive starts as a workbook does: one holding the JSON export (zipped to be sent on) was
    refused as 'an XLSX workbook (the UHRI search page's export)' when several languages were asked."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("export-full-en.json", "[]")
    source = _source("url", fake_uhri_server, tmp_path, "export-{lang}", archive.read_bytes())

    run = importers.run.import_uhri(engine, settings, source, languages=["en", "fr"])

    assert run.outcome == "failed"
    assert run.message is not None and "XLSX workbook (the UHRI search page's export)" not in run.message
    assert "this is a ZIP archive holding 'export-full-en.json', not a workbook" in run.message
