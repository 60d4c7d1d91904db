"""The full public export kept on disk (app/exports/cache.py) at each address it is asked at: without
NRTD_BASE_URL its rows link to the address the request names (its Host header), so each address has a
file of its own; a request naming a new address must not add a file beside the others for good."""

from __future__ import annotations

import pathlib

import pytest

from tests.exports.files import PUBLIC, rows_of
from tests.public.conftest import MakeClient
from tests.public.world import World


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_full_export_is_kept_once_whatever_addresses_it_is_asked_at(
    make_client: MakeClient, world: World, fmt: str, tmp_path: pathlib.Path
) -> None:
    # Each Host a client makes up (one request each: a.example, b.example ...) left a full export in
    # the directory for ever, which a script filled the disk with (337 MB of CSV at 360,000 records).
    client = make_client(export_cache_dir=str(tmp_path))
    for host in ("a.example", "b.example", "c.example", "testserver"):
        rows = rows_of(fmt, client.get(f"{PUBLIC}.{fmt}", headers={"Host": host}).content)
        assert rows and all(row["portal_url"].startswith(f"http://{host}/") for row in rows), host
        assert len(list(tmp_path.glob(f"*.{fmt}"))) == 1, host
    # Served from the kept file, or built again, each address still gets its own links.
    for host in ("testserver", "a.example", "testserver"):
        rows = rows_of(fmt, client.get(f"{PUBLIC}.{fmt}", headers={"Host": host}).content)
        assert all(row["portal_url"].startswith(f"http://{host}/") for row in rows), host
    assert len(list(tmp_path.glob(f"*.{fmt}"))) == 1
