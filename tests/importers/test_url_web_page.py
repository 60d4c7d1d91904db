"""A feed URL that answers with a web page instead of the export: a sign-in, maintenance or error page
served with 200, or the address of the UHRI page rather than of its file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

import importers.run
from app.core.config import Settings
from tests.fake_uhri import FakeUhri
from tests.importers.test_url_import import stored_validators
from tests.uhri_records import snapshot, uhri_record

PAGE = b"<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>Back soon</body></html>\n"


@pytest.mark.parametrize("name", ["export-full-en.json", "export-full-en.xlsx"])
def test_a_web_page_fails_the_download_naming_the_url(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, name: str
) -> None:
    """It was refused as "input rejected: export-en: this is a web page (HTML), not the UHRI JSON
    export ...; a UPR Info file is imported with `nrtd import upr-info`": named after a temporary file
    the operator never saw, and told about local files. The download is what failed: the URL is
    named, with what to look at."""
    fake_uhri_server.put(name, PAGE)
    url = fake_uhri_server.url(name)
    before = snapshot(engine, skip=("import_leases", "import_runs"))

    run = importers.run.import_uhri(engine, settings, url)

    assert run.outcome == "failed"
    assert run.message == (
        f"download failed: {url} sent a web page (HTML), not the export: a sign-in, maintenance or "
        "error page, or the address of a page rather than of the file; open the URL in a browser to see "
        "it, and check NRTD_UHRI_URL (or the URL given); not retried"
    )
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before
    assert stored_validators(engine) == {}


@pytest.mark.parametrize(
    ("name", "url_tail"),
    [("export-full-en.json", "export-full-en.json"), ("export-full-en.json", "export-full-en.json?v=2")],
)
def test_a_downloaded_file_is_named_as_the_url_names_it(
    engine: Engine, settings: Settings, fake_uhri_server: FakeUhri, name: str, url_tail: str
) -> None:
    """A download cut short (a proxy that dropped it, with a 200): the refusal named the file
    "export-en", the importer's own name for it, which neither the URL nor anything the operator
    sees holds; it is named as the URL's last part."""
    whole = json.dumps([uhri_record(n) for n in range(1, 4)]).encode()
    fake_uhri_server.put(name, whole[: len(whole) - 100])
    url = fake_uhri_server.url(name).replace(name, url_tail)

    run = importers.run.import_uhri(engine, settings, url, partial=True)

    assert run.outcome == "failed"
    assert (run.message or "").startswith(
        f"input rejected: {name}: invalid JSON at record 3: the file ends inside it"
    ), run.message
