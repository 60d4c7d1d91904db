"""A UHRI import from a file between two downloads of the export (docs/uhri-formats.md): the stored
validators said that the records are what the URL's export held, which the file changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import importers.run
from app.core.config import Settings
from importers.download import DownloadResult, download
from tests.fake_uhri import FakeUhri
from tests.importers.test_url_import import EN, stored_validators, texts
from tests.uhri_records import uhri_record, write_export


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    def fast(*args: Any, **kwargs: Any) -> DownloadResult:
        return download(*args, **kwargs, backoff=0.01)

    monkeypatch.setattr(importers.run, "download", fast)


@pytest.mark.slow
def test_a_download_after_a_file_changed_the_records_is_read_in_full(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, tmp_path: Path
) -> None:
    """An older export (or the search page's XLSX) imported from a file changed a text; the next
    scheduled import sent the validators of the download before it, was answered 304 and said "not
    modified", leaving the file's text stored until UHRI next changed its export."""
    records = [uhri_record(1), uhri_record(2), uhri_record(3)]
    write_export(fake_uhri_server.directory / EN, records)
    url = fake_uhri_server.url(EN)
    assert importers.run.import_uhri(engine, settings, url).outcome == "succeeded"
    older = [uhri_record(1, Text="<p>1. An older text.</p>"), *records[1:]]
    older_file = write_export(tmp_path / "older-export.json", older)
    from_file = importers.run.import_uhri(engine, settings, str(older_file))
    assert (from_file.outcome, from_file.counts.updated) == ("succeeded", 1)
    assert stored_validators(engine) == {}  # what they vouched for is no longer what is stored

    again = importers.run.import_uhri(engine, settings, url)

    assert (again.outcome, again.counts.updated) == ("succeeded", 1), again.message
    assert fake_uhri_server.requests[-1].header("If-None-Match") is None
    assert texts(engine, "en")[records[0]["AnnotationId"]].startswith("Children's rights")
    assert set(stored_validators(engine)) == {url}
    # A file that changes nothing keeps them: the next download is conditional again.
    same = write_export(tmp_path / "same-export.json", records)
    assert importers.run.import_uhri(engine, settings, str(same)).counts.unchanged == 3
    assert importers.run.import_uhri(engine, settings, url).outcome == "not_modified"
