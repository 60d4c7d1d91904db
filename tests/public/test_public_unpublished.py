"""The leak test of unpublished statuses and priorities: a coordinator's working change is invisible.

A recommendation's status and priority reach the public only when a coordinator publishes them
(docs/publishing.md). So every public answer — each GET of the public API the leak test reaches
(recommendations, clusters, actions, exports, reports, statistics, the Atom feed), the portal's pages,
and the reader role's staff routes — is taken before and after a working change of P1 that is not
published: the bodies must be the same, byte for byte once the time of generation is blanked. Filters
on the working values are among them, so a count or a filter cannot give the change away either.
Publishing the change then changes them, which proves the snapshot can see it.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.public.conftest import MakeClient
from tests.public.leak_check import PREFIX, _requests, _searchable
from tests.public.world import World

# Generation times (ISO ones, and the reports' "Generated Dec 5, 2026 07:20 UTC") and zip entry times
# vary between two reads.
_TIMES = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?|\b\d{2}:\d{2} UTC"
)
WORKING = {"status": "not_applicable", "priority": "low"}
# The world publishes P1 as in_progress / high.
PUBLISHED = ("in_progress", "high")


def _urls(public: TestClient, world: World) -> list[tuple[str, dict[str, str]]]:
    document = public.get("/openapi.json").json()
    requests, _ = _requests(document, world)
    urls = [(url, query) for _, url, query in requests]
    p1 = world.rec["P1"]
    for path in (
        "/recommendations",
        "/exports/recommendations.csv",
        "/exports/recommendations.json",
        "/stats",
    ):
        for query in (
            {"status": WORKING["status"]},
            {"priority": WORKING["priority"]},
            {"status": PUBLISHED[0]},
        ):
            urls.append((f"{PREFIX}{path}", query))
    urls += [
        (f"{PREFIX}/reports/implementation", {"format": "html", "status": WORKING["status"]}),
        ("/", {}),
        ("/", {"status": WORKING["status"]}),
        (f"/recommendations/{p1}", {}),
        (f"/clusters/{world.cluster}", {}),
        ("/stats", {}),
        ("/stats", {"status": WORKING["status"]}),
    ]
    return urls


def _snapshot(public: TestClient, world: World) -> dict[str, bytes]:
    bodies: dict[str, bytes] = {}
    for url, query in [*_urls(public, world), *_reader_urls(world)]:
        headers = world.reader if url.startswith("/api/v1/recommendations") else {}
        response = public.get(url, params=query, headers=headers)
        assert response.status_code == 200, f"{url} {query}: {response.status_code} {response.text[:300]}"
        bodies[f"{url}?{sorted(query.items())}"] = _TIMES.sub(b"<time>", _searchable(response.content))
    return bodies


def _reader_urls(world: World) -> list[tuple[str, dict[str, str]]]:
    """The reader role's staff routes: the public answer, with a login."""
    return [
        (f"/api/v1/recommendations/{world.rec['P1']}", {}),
        ("/api/v1/recommendations", {}),
        ("/api/v1/recommendations", {"status": WORKING["status"]}),
    ]


def test_an_unpublished_status_or_priority_shows_nowhere(
    make_client: MakeClient, world: World, engine: Engine
) -> None:
    # Committed: the exports stream on connections of their own, which see committed data only.
    public = make_client(public_rate_limit=100_000)  # three snapshots of every route
    url = f"/api/v1/recommendations/{world.rec['P1']}"
    before = _snapshot(public, world)
    assert len(before) > 30  # the public API, exports, reports, feed, statistics and portal pages

    etag = public.get(url, headers=world.coordinator).headers["ETag"]
    changed = public.patch(url, json=WORKING, headers={**world.coordinator, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    local = changed.json()["local"]
    assert (local["status"], local["priority"]) == (WORKING["status"], WORKING["priority"])
    assert (local["published_status"], local["published_priority"]) == PUBLISHED
    assert local["unpublished_changes"] is True

    after = _snapshot(public, world)
    differ = sorted(key for key in before if before[key] != after[key])
    assert not differ, f"an unpublished status or priority changed what the public sees: {differ}"

    published = public.post(f"{url}/publish", headers=world.coordinator)
    assert published.status_code == 200, published.text
    shown = _snapshot(public, world)
    moved = {key for key in before if before[key] != shown[key]}
    detail = public.get(f"{PREFIX}/recommendations/{world.rec['P1']}").json()
    assert (detail["status"], detail["priority"]) == (WORKING["status"], WORKING["priority"])
    # The snapshot sees a published change on every kind of route: the test could fail.
    for part in (
        f"{PREFIX}/recommendations/",
        f"{PREFIX}/exports/",
        f"{PREFIX}/stats",
        f"{PREFIX}/reports/",
        f"/recommendations/{world.rec['P1']}",
        "/stats",
        "/api/v1/recommendations/",
    ):
        assert any(key.startswith(part) for key in moved), (part, sorted(moved))
