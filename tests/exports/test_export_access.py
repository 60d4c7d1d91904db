"""Who may call the exports (staff, public by NRTD_PUBLIC_ACCESS, the rate limit) and the public
exports' revalidation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.exports.files import PUBLIC, STAFF
from tests.factories import import_records, record
from tests.public.conftest import MakeClient

FORMATS = ["csv", "xlsx", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_staff_exports_are_for_staff(
    anonymous_client: TestClient, headers_for: Callable[..., dict[str, str]], fmt: str
) -> None:
    url = f"{STAFF}.{fmt}"
    assert anonymous_client.get(url).status_code == 401
    assert anonymous_client.get(url, headers=headers_for("reader")).status_code == 403
    for role in ("admin", "coordinator", "focal_point"):
        assert anonymous_client.get(url, headers=headers_for(role)).status_code == 200, role


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_exports_follow_the_public_access_setting(
    make_client: MakeClient, headers_for: Callable[..., dict[str, str]], fmt: str
) -> None:
    url = f"{PUBLIC}.{fmt}"
    assert make_client().get(url).status_code == 200  # open (the default): anonymous

    keyed = make_client(public_access="key")
    assert keyed.get(url).status_code == 401
    assert keyed.get(url, headers=headers_for("reader")).status_code == 200

    assert make_client(public_access="off").get(url).status_code == 404


def test_public_exports_count_against_the_rate_limit(make_client: MakeClient) -> None:
    limited = make_client(public_rate_limit=2, export_rate_cost=1)  # each weighs one (see test_limits.py)
    assert [limited.get(f"{PUBLIC}.csv").status_code for _ in range(2)] == [200, 200]
    refused = limited.get(f"{PUBLIC}.json")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_public_exports_are_revalidated_with_a_weak_etag(public: TestClient, engine: Engine) -> None:
    import_records(engine, [record("etag-1", "<p>1. Ratify the protocol.</p>")])
    url = "/api/v1/public/exports/recommendations.csv?q=x"
    first = public.get(url)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    again = public.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    # The 304 carries what the 200 would (RFC 9110, 15.4.5): a shared cache keys it the same way.
    assert again.headers["Vary"] == first.headers["Vary"] and again.headers["ETag"] == tag
    # If-None-Match compares weakly: the tag without its W/ (as some caches send it back), or *.
    for held in (tag.removeprefix("W/"), f'"other", {tag}', "*"):
        assert public.get(url, headers={"If-None-Match": held}).status_code == 304, held
    assert public.get("/api/v1/public/exports/recommendations.csv?q=y").headers["ETag"] != tag
    import_records(engine, [record("etag-2", "<p>1. Adopt a plan.</p>")])  # new data: a new tag
    changed = public.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
