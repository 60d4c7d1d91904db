"""The leak test: no public response carries a key outside its allowlist, or any internal value.

The routes come from the OpenAPI document, so a public route added later (exports, reports,
statistics...) is covered without touching this file: every GET under /api/v1/public without a
path parameter, plus those whose path parameter names an object of the world below. A `format`
parameter (or any required one with an enum) is tried with each of its values; zipped documents
(DOCX, XLSX) are searched member by member.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.public.leak_check import OWN_ROUTES, PREFIX, _check, _requests
from tests.public.world import SECRETS, World


def test_no_public_route_leaks(public: TestClient, world: World) -> None:
    document = public.get("/openapi.json").json()
    requests, skipped = _requests(document, world)
    reached = {route for route, _, _ in requests}
    assert reached >= OWN_ROUTES, f"not reached: {OWN_ROUTES - reached}; skipped: {skipped}"
    recommendations, actions, feed = (f"{PREFIX}/recommendations", f"{PREFIX}/actions", f"{PREFIX}/feed.atom")
    # Variants that reach the hidden objects through filters: they must come back empty, not leaky.
    requests += [
        (recommendations, recommendations, {"lang": "fr", "limit": "200"}),
        (recommendations, recommendations, {"cluster": str(world.hidden_cluster)}),
        (recommendations, recommendations, {"cluster": str(world.archived_cluster)}),
        (recommendations, recommendations, {"q": "withdrawn"}),
        (f"{recommendations}/{{recommendation_id}}", f"{recommendations}/{world.rec['P2']}", {}),
        (actions, actions, {"cluster": str(world.hidden_cluster)}),
        (actions, actions, {"recommendation": str(world.rec["P2"])}),
        (actions, actions, {"recommendation": str(world.rec["W"])}),
        (feed, feed, {"entity": str(world.labour)}),
        (feed, feed, {"theme": "Child labour"}),
    ]
    problems: list[str] = []
    for route, url, query in requests:
        response = public.get(url, params=query)
        assert response.status_code == 200, f"{url} {query}: {response.status_code} {response.text[:300]}"
        problems += _check(route, url, response, document)
    assert not problems, "\n".join(problems)


def test_every_public_json_route_documents_its_allowlist(public: TestClient) -> None:
    """Without a documented schema the leak test cannot check a JSON response's keys."""
    document = public.get("/openapi.json").json()
    undocumented = [
        path
        for path, item in document["paths"].items()
        if path.startswith(PREFIX) and "get" in item
        for media, content in item["get"]["responses"]["200"].get("content", {}).items()
        if media == "application/json" and not content.get("schema")
    ]
    assert not undocumented, f"public JSON responses without a schema: {undocumented}"


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/{W}",
        "/recommendations/999999",
        "/clusters/{hidden_cluster}",
        "/clusters/{archived_cluster}",
        "/clusters/999999",
        "/actions/{hidden_action}",
        "/actions/999999",
        "/evidence/{draft}",
        "/evidence/{submitted}",
        "/evidence/{returned}",
        "/evidence/{approved}",
        "/evidence/{hidden_action_file}",
        "/evidence/999999",
    ],
)
def test_hidden_objects_are_answered_as_missing(public: TestClient, world: World, path: str) -> None:
    ids = {"W": world.rec["W"], "hidden_cluster": world.hidden_cluster}
    ids |= {"archived_cluster": world.archived_cluster, "hidden_action": world.hidden_action}
    ids |= {state: world.evidence[state] for state in ("draft", "submitted", "returned", "approved")}
    ids["hidden_action_file"] = world.evidence["hidden_action"]
    response = public.get(PREFIX + path.format(**ids))
    assert response.status_code == 404
    assert public.get(PREFIX + path.format(**ids), headers=world.coordinator).status_code == 404
    # Exactly as a missing id: the same words, only the number differs.
    number = path.format(**ids).rsplit("/", 1)[-1]
    missing = public.get(PREFIX + path.rsplit("/", 1)[0] + "/999999").json()["detail"]
    assert response.json()["detail"] == missing.replace("999999", number)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert not [secret for secret in SECRETS if secret.encode() in response.content]


def test_staff_credentials_see_the_same_public_data(public: TestClient, world: World) -> None:
    """A coordinator reading the public API gets the public answer, not the internal one."""
    for path in (
        f"/recommendations/{world.rec['P1']}",
        "/recommendations",
        "/actions",
        "/clusters",
        "/feed.atom",
    ):
        anonymous = public.get(PREFIX + path)
        staff = public.get(PREFIX + path, headers=world.coordinator)
        assert staff.status_code == anonymous.status_code == 200
        assert staff.content == anonymous.content
        # Origin: the CORS answer depends on it (app/core/cors.py); the feed's words follow the
        # reader's language.
        language = "Accept-Language, " if path == "/feed.atom" else ""
        assert staff.headers["Vary"] == f"Authorization, X-API-Key, {language}Origin"


def test_a_shared_cache_keeps_an_evidence_file_apart_per_credential(public: TestClient, world: World) -> None:
    """A published file answered `Cache-Control: public` with `Vary: Origin` alone, where every other
    public answer varies on the credentials: on an instance with NRTD_PUBLIC_ACCESS=key, a proxy or CDN
    could hand the file a key holder downloaded to anyone without a key. Its 200 and its 304 vary on
    `Authorization` and `X-API-Key` as the rest of the public API does."""
    url = f"{PREFIX}/evidence/{world.evidence['published']}"
    response = public.get(url, headers=world.coordinator)
    assert response.status_code == 200 and response.content == public.get(url).content
    assert response.headers["Vary"] == "Authorization, X-API-Key, Origin"
    held = {**world.coordinator, "If-None-Match": response.headers["ETag"]}
    again = public.get(url, headers=held)
    assert again.status_code == 304
    assert again.headers["Vary"] == "Authorization, X-API-Key, Origin"


def test_the_world_has_public_data_to_show(public: TestClient, world: World) -> None:
    """An empty answer would pass the leak test: the public side of the world is really shown."""
    detail = public.get(f"{PREFIX}/recommendations/{world.rec['P1']}").json()
    assert detail["priority"] == "high" and detail["status"] == "in_progress"
    assert detail["lead_entity"] == {"id": world.justice, "name": "Ministry of Justice", "acronym": "MOJ"}
    assert [c["name"] for c in detail["clusters"]] == ["Education"]
    assert [a["id"] for a in detail["actions"]] == [world.action]
    assert [p["id"] for p in detail["actions"][0]["progress"]] == [world.progress["published"]]
    shown = detail["actions"][0]["progress"][0]["evidence"]
    url = f"{PREFIX}/evidence/{world.evidence['published']}"
    assert shown == [
        {
            "id": world.evidence["published"],
            "filename": "school-openings.txt",
            "media_type": "text/plain",
            "size": len(b"Attendance list school-openings\n"),
            "url": url,
        }
    ]
    download = public.get(url)
    assert download.status_code == 200 and download.content == b"Attendance list school-openings\n"
    assert download.headers["content-disposition"].startswith('attachment; filename="school-openings.txt"')
    assert download.headers["x-content-type-options"] == "nosniff"
    action = public.get(f"{PREFIX}/actions/{world.action}").json()
    assert action["recommendation_ids"] == [world.rec["P1"]]  # the withdrawn one is left out
    assert [c["id"] for c in action["clusters"]] == [world.cluster]
    # What it serves through its public cluster, the cluster's current recommendations (the withdrawn
    # one and the hidden cluster's left out): the cluster's recommendations list the action too.
    assert action["recommendations_through_clusters"] == [
        {"cluster_id": world.cluster, "recommendation_ids": sorted([world.rec["P1"], world.rec["P2"]])}
    ]
    # The approved values in force: drafts, submitted, returned and replaced ones are left out.
    assert action["indicators"][0]["values"] == [
        {"measured_on": "2025-03-31", "value": 7},
        {"measured_on": "2025-06-30", "value": 12.5},
    ]
    assert action["overdue"] is True and [s["code"] for s in action["sdgs"]] == ["4.1"]
    assert date.fromisoformat(action["due_date"]) < datetime.now().date()


def test_a_reader_sees_exactly_the_public_data(public: TestClient, world: World) -> None:
    """The `reader` role's recommendation routes answer what the public API answers, byte for byte
    in content: no notes, status history, review flags, revisions, withdrawn or unpublished data."""
    variants: list[tuple[str, dict[str, str]]] = [
        ("/recommendations", {}),
        ("/recommendations", {"lang": "fr", "limit": "200"}),
        ("/recommendations", {"cluster": str(world.hidden_cluster)}),
        ("/recommendations", {"cluster": str(world.archived_cluster)}),
        ("/recommendations", {"q": "withdrawn"}),
        ("/recommendations", {"status": "in_progress", "priority": "high"}),
        ("/recommendations/facets", {}),
        ("/recommendations/facets", {"q": "withdrawn"}),
        (f"/recommendations/{world.rec['P1']}", {}),
        (f"/recommendations/{world.rec['P2']}", {"lang": "es"}),
    ]
    for path, query in variants:
        as_reader = public.get(f"/api/v1{path}", params=query, headers=world.reader)
        anonymous = public.get(PREFIX + path, params=query)
        assert as_reader.status_code == anonymous.status_code == 200, (path, as_reader.text[:300])
        assert as_reader.json() == anonymous.json(), path
        leaked = [SECRETS[s] for s in SECRETS if s.encode() in as_reader.content]
        assert not leaked, f"{path} {query}: {leaked}"
        for staff_only in ("internal_notes", "status_history", "revisions", "needs_review", "withdrawn"):
            assert f'"{staff_only}"'.encode() not in as_reader.content, (path, staff_only)
    listed = public.get("/api/v1/recommendations", headers=world.reader).json()
    assert sorted(item["id"] for item in listed["items"]) == sorted([world.rec["P1"], world.rec["P2"]])
    # The withdrawn recommendation is missing to a reader, as to the public.
    withdrawn = public.get(f"/api/v1/recommendations/{world.rec['W']}", headers=world.reader)
    assert withdrawn.status_code == 404
    assert not [s for s in SECRETS if s.encode() in withdrawn.content]
    # Asking for internal state by filter is refused, not answered with something else.
    for query in ({"withdrawn": "true"}, {"needs_review": "true"}, {"needs_review": "false"}):
        refused = public.get("/api/v1/recommendations", params=query, headers=world.reader)
        assert refused.status_code == 403, (query, refused.text)
        assert next(iter(query)) in refused.json()["detail"]
        assert [error["field"] for error in refused.json()["errors"]] == [next(iter(query))], refused.text
    # withdrawn=false is the default: the same answer.
    same = public.get("/api/v1/recommendations", params={"withdrawn": "false"}, headers=world.reader)
    assert same.status_code == 200 and same.json() == listed
    # Staff still get the internal fields on the same routes.
    staff = public.get(f"/api/v1/recommendations/{world.rec['P1']}", headers=world.coordinator).json()
    assert staff["local"]["internal_notes"] == "Call the minister qz-internal-notes"


def test_a_reader_reaches_no_other_internal_route(public: TestClient, world: World) -> None:
    """Every other GET of the staff API is refused to a reader (the matrix has the full table)."""
    document = public.get("/openapi.json").json()
    allowed = {"/api/v1/me", "/api/v1/taxonomies/{kind}", "/api/v1/recommendations"}
    allowed |= {"/api/v1/recommendations/{recommendation_id}", "/api/v1/recommendations/facets"}
    # Their own calendar feed's token, and the feed (its token is the credential: tests/deadlines).
    allowed |= {"/api/v1/me/calendar-token", "/api/v1/calendar.ics"}
    # Their own reminder settings (tests/notify).
    allowed |= {"/api/v1/me/reminders"}
    ids = {
        "recommendation_id": world.rec["P1"],
        "cluster_id": world.cluster,
        "action_id": world.action,
        "entity_id": world.justice,
        "kind": "themes",
    }
    for path, item in document["paths"].items():
        if "get" not in item or path.startswith(PREFIX) or not path.startswith("/api/v1") or path in allowed:
            continue
        try:
            url = path.format(**ids)
        except KeyError:
            names = (
                "indicator_id",
                "progress_id",
                "run_id",
                "user_id",
                "deadline_id",
                "value_id",
                "evidence_id",
            )
            url = path.format_map(dict.fromkeys(names, 1))
        response = public.get(url, headers=world.reader)
        assert response.status_code == 403, (url, response.status_code)
        assert not [s for s in SECRETS if s.encode() in response.content]


def test_logins_do_not_change_the_public_export_etag(
    public: TestClient, world: World, engine: Engine
) -> None:
    """The export's ETag is a version of published data: a failed login (anonymous, from anywhere)
    or a refused request is no change of it, and must not be observable through it.
    Committed mode: logins and the export's stream use connections of their own."""
    url = "/api/v1/public/exports/recommendations.csv"
    tag = public.get(url).headers["ETag"]
    failed = public.post("/api/v1/auth/token", data={"username": "nobody@example.org", "password": "wrong!"})
    assert failed.status_code in (400, 401), failed.text
    assert public.get("/api/v1/clusters", headers=world.reader).status_code == 403  # authz.denied
    public.post("/api/v1/auth/logout", headers=world.reader)
    assert public.get(url).headers["ETag"] == tag
    assert public.get(url, headers={"If-None-Match": tag}).status_code == 304
    # A change of published data still gives a new tag.
    cluster = f"/api/v1/clusters/{world.cluster}"
    version = public.get(cluster, headers=world.coordinator).headers["ETag"]
    renamed = public.patch(
        cluster, json={"name": "Schooling"}, headers={**world.coordinator, "If-Match": version}
    )
    assert renamed.status_code == 200, renamed.text
    assert public.get(url).headers["ETag"] != tag
