"""The full public export kept on disk (app/exports/cache.py) is made by one release of the
application: a release that changes what an export holds (a new column, a corrected label) kept
serving the file the previous release wrote, and telling clients their copy was current, until the
data changed."""

from __future__ import annotations

import pathlib

import pytest
from fastapi import FastAPI

from tests.exports.files import PUBLIC, rows_of
from tests.public.conftest import MakeClient
from tests.public.world import World


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_new_release_builds_the_export_afresh(
    make_client: MakeClient, world: World, fmt: str, tmp_path: pathlib.Path
) -> None:
    client = make_client(export_cache_dir=str(tmp_path))
    app = client.app
    assert isinstance(app, FastAPI)
    first = client.get(f"{PUBLIC}.{fmt}")
    assert first.status_code == 200 and rows_of(fmt, first.content)
    [kept] = tmp_path.glob(f"*.{fmt}")
    # The same release, the same data: served from the kept file, the client's copy current.
    assert client.get(f"{PUBLIC}.{fmt}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert list(tmp_path.glob(f"*.{fmt}")) == [kept]

    app.version = f"{app.version}.next"  # the package's version, as the app read it at its start
    again = client.get(f"{PUBLIC}.{fmt}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert rows_of(fmt, again.content) == rows_of(fmt, first.content)
    [fresh] = tmp_path.glob(f"*.{fmt}")  # built by this release, the previous one's file removed
    assert fresh != kept
