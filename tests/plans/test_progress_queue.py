"""The work queues: GET /api/v1/progress across actions (filters, order, keyset pages, who sees
what), submitting in the create call audited as a submit, and returning or approving several updates
at once (all or nothing, one audit event per update)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.pagination import ORDERS, encode_cursor
from tests.accounts import create_entity
from tests.plans.test_actions import audit_actions, make_action, problem_fields

Headers = Callable[..., dict[str, str]]
URL = "/api/v1/progress"


class World:
    """Entities A and B; actions led by A, by B, and led by B with A supporting; their focal points."""

    def __init__(self, client: TestClient, engine: Engine, headers_for: Headers) -> None:
        self.client = client
        self.a = create_entity(engine, "Ministry of Justice")
        self.b = create_entity(engine, "Ministry of Labour")
        self.action_a = make_action(client, title="Train judges", lead_entity_id=self.a)["id"]
        self.action_b = make_action(client, title="Inspect workplaces", lead_entity_id=self.b)["id"]
        self.shared = make_action(
            client, title="Fund legal aid", lead_entity_id=self.b, supporting_entity_ids=[self.a]
        )["id"]
        self.focal_a = headers_for("focal_point", entity_id=self.a)
        self.focal_a2 = headers_for("focal_point", entity_id=self.a)
        self.focal_b = headers_for("focal_point", entity_id=self.b)
        self.no_entity = headers_for("focal_point")
        self.reader = headers_for("reader")

    def report(self, action_id: int, headers: dict[str, str], **fields: Any) -> int:
        body = {"reported_on": "2025-06-30", "narrative": "Work done.", **fields}
        response = self.client.post(f"/api/v1/actions/{action_id}/progress", json=body, headers=headers)
        assert response.status_code == 201, response.text
        progress_id: int = response.json()["id"]
        return progress_id

    def ids(self, query: str = "", headers: dict[str, str] | None = None) -> list[int]:
        response = self.client.get(f"{URL}?{query}", headers=headers or {})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def world(client: TestClient, engine: Engine, headers_for: Headers) -> World:
    return World(client, engine, headers_for)


def _return(client: TestClient, progress_id: int, comment: str) -> None:
    response = client.post(f"{URL}/{progress_id}/return", json={"comment": comment})
    assert response.status_code == 200, response.text


def test_the_approval_queue_oldest_first_in_pages(world: World, client: TestClient) -> None:
    first = world.report(world.action_a, world.focal_a, submit=True)
    world.report(world.action_a, world.focal_a)  # a draft: not in the queue
    second = world.report(world.action_b, world.focal_b, submit=True, reported_on="2025-01-15")
    third = world.report(world.shared, world.focal_b, submit=True, new_status="in_progress")
    assert world.ids("state=submitted") == [first, second, third]
    assert world.ids("state=submitted&order=recent") == [third, second, first]

    page = client.get(f"{URL}?state=submitted").json()
    assert page["total"] == 3 and page["next_cursor"] is None
    item = page["items"][2]
    assert item["action"] == {"id": world.shared, "title": "Fund legal aid"}
    assert item["entity"] == {"id": world.b, "name": "Ministry of Labour", "acronym": None}
    assert item["author"]["entity_id"] == world.b and "@" in item["author"]["name"]
    assert item["state"] == "submitted" and item["reported_on"] == "2025-06-30"
    assert item["new_status"] == "in_progress" and item["review_comment"] is None
    assert item["version"] == 1 and item["updated_at"].endswith("Z")

    # Keyset pages of one: the same order, every update once, the total on each page.
    seen, cursor = [], None
    while True:
        query = "state=submitted&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"{URL}?{query}").json()
        assert page["total"] == 3
        seen += [entry["id"] for entry in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [first, second, third]
    recent = client.get(f"{URL}?state=submitted&order=recent&limit=2").json()
    assert [entry["id"] for entry in recent["items"]] == [third, second]
    rest = client.get(f"{URL}?state=submitted&order=recent&limit=2&cursor={recent['next_cursor']}").json()
    assert [entry["id"] for entry in rest["items"]] == [first] and rest["next_cursor"] is None


def test_filters(world: World, client: TestClient) -> None:
    draft = world.report(world.action_a, world.focal_a, reported_on="2025-03-01")
    mine = world.report(world.action_a, world.focal_a, submit=True, reported_on="2025-04-01")
    colleague = world.report(world.action_a, world.focal_a2, submit=True, reported_on="2025-05-01")
    other = world.report(world.action_b, world.focal_b, submit=True, reported_on="2025-06-01")
    supported = world.report(world.shared, world.focal_b, submit=True, reported_on="2025-07-01")
    _return(client, colleague, "Give the figures.")

    assert world.ids("state=draft&state=returned") == [draft, colleague]
    assert world.ids(f"entity_id={world.a}") == [draft, mine, supported, colleague]
    assert world.ids(f"entity_id={world.b}") == [other, supported]
    assert world.ids(f"action_id={world.action_b}") == [other]
    assert world.ids("reported_from=2025-04-01&reported_to=2025-06-01") == [mine, other, colleague]
    assert world.ids("author=mine&state=submitted", world.focal_a) == [mine]
    assert world.ids("author=mine&state=returned", world.focal_a2) == [colleague]
    assert world.ids("author=mine") == []  # the coordinator wrote none
    changed_at = client.get(f"{URL}/{colleague}").json()["updated_at"]
    assert world.ids(f"updated_since={changed_at.replace('Z', '%2B00:00')}") == [colleague]
    assert world.ids("updated_since=2999-01-01T00:00:00") == []

    waiting = ORDERS["progress-updates:order=waiting"]
    for query, field in (
        ("state=published", "state"),
        ("state=submitted&state=bogus", "state"),
        ("author=theirs", "author"),
        ("entity_id=0", "entity_id"),
        ("reported_from=2025-02-30", "reported_from"),
        ("reported_from=2025-06-01&reported_to=2025-05-01", "reported_to"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
        (f"cursor={encode_cursor(waiting, '0001-01-01T00:00:00+05:00', 1)}", "cursor"),
        (f"cursor={encode_cursor(waiting, 'yesterday', 1)}", "cursor"),
        ("limit=201", "limit"),
        ("updated_since=0001-01-01T00:00:00%2B05:00", "updated_since"),
        ("colour=red", "colour"),
    ):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 422, query
        # A repeated parameter is named as sent (state), not by the item's position (state.1).
        assert problem_fields(response) == [field], (query, response.text)


def test_who_sees_what(world: World, client: TestClient) -> None:
    draft_a = world.report(world.action_a, world.focal_a)
    submitted_a = world.report(world.action_a, world.focal_a, submit=True)
    draft_b_shared = world.report(world.shared, world.focal_b)
    submitted_b_shared = world.report(world.shared, world.focal_b, submit=True)
    draft_b = world.report(world.action_b, world.focal_b)
    approved_b = world.report(world.action_b, world.focal_b, submit=True)
    assert client.post(f"{URL}/{approved_b}/approve").status_code == 200

    everything = [draft_a, submitted_a, draft_b_shared, submitted_b_shared, draft_b, approved_b]
    assert sorted(world.ids()) == sorted(everything)
    # A: its own actions, and the action it supports, but not B's draft there.
    assert sorted(world.ids("", world.focal_a)) == sorted([draft_a, submitted_a, submitted_b_shared])
    assert sorted(world.ids("", world.focal_b)) == sorted(
        [draft_b_shared, submitted_b_shared, draft_b, approved_b]
    )
    assert world.ids("", world.no_entity) == []
    # Filtering on A's actions shows B its own draft on the shared action, never A's.
    assert world.ids(f"entity_id={world.a}&state=draft", world.focal_b) == [draft_b_shared]
    assert client.get(URL, headers=world.reader).status_code == 403
    assert client.get(URL, headers={"Authorization": ""}).status_code == 401


def test_returned_with_the_comment_the_focal_point_sees(world: World, client: TestClient) -> None:
    update = world.report(world.action_a, world.focal_a, submit=True)
    blank = client.post(f"{URL}/{update}/return", json={"comment": "   "})
    assert blank.status_code == 422 and problem_fields(blank) == ["comment"]
    _return(client, update, "Say how many judges were trained.")
    page = client.get(f"{URL}?state=returned&author=mine", headers=world.focal_a).json()
    assert [(item["id"], item["review_comment"]) for item in page["items"]] == [
        (update, "Say how many judges were trained.")
    ]
    assert client.get(f"{URL}/{update}", headers=world.focal_a).json()["review_comment"] == (
        "Say how many judges were trained."
    )


def test_submitting_in_the_create_call_is_audited_as_a_submit(
    world: World, engine: Engine, client: TestClient
) -> None:
    submitted = world.report(world.action_a, world.focal_a, submit=True)
    draft = world.report(world.action_a, world.focal_a)
    assert audit_actions(engine, "progress_update", submitted) == ["progress.create", "progress.submit"]
    assert audit_actions(engine, "progress_update", draft) == ["progress.create"]


def test_return_many_all_or_nothing(world: World, engine: Engine, client: TestClient) -> None:
    first = world.report(world.action_a, world.focal_a, submit=True)
    second = world.report(world.action_b, world.focal_b, submit=True)
    draft = world.report(world.action_b, world.focal_b)
    body = {"ids": [first, draft, second], "comment": "Add the sources."}

    refused = client.post(f"{URL}/return", json=body)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert f"progress update {draft}" in problem["detail"] and "nothing was changed" in problem["detail"]
    assert problem["errors"] == [
        {
            "field": "ids",
            "reason": f"progress update {draft}: only a progress update that is submitted can be returned; "
            "this one is draft",
        }
    ]
    assert world.ids("state=submitted") == [first, second]
    assert audit_actions(engine, "progress_update", first) == ["progress.create", "progress.submit"]

    unknown = client.post(f"{URL}/return", json={**body, "ids": [first, 2_000_000]})
    assert unknown.status_code == 422 and "progress update 2000000" in unknown.json()["errors"][0]["reason"]
    for wrong, field in (
        ({"ids": [first, first], "comment": "x"}, "ids"),
        ({"ids": [], "comment": "x"}, "ids"),
        ({"ids": [first], "comment": ""}, "comment"),
        ({"ids": [first]}, "comment"),
        ({"ids": [first], "comment": "x", "publish": True}, "publish"),
    ):
        response = client.post(f"{URL}/return", json=wrong)
        assert response.status_code == 422 and field in problem_fields(response), wrong
    assert client.post(f"{URL}/return", json=body, headers=world.focal_a).status_code == 403

    done = client.post(f"{URL}/return", json={"ids": [second, first], "comment": "Add the sources."})
    assert done.status_code == 200, done.text
    assert [(item["id"], item["state"]) for item in done.json()["items"]] == [
        (second, "returned"),
        (first, "returned"),
    ]
    for update in (first, second):
        assert audit_actions(engine, "progress_update", update) == [
            "progress.create",
            "progress.submit",
            "progress.return",
        ]
    page = client.get(f"{URL}?state=returned", headers=world.focal_a).json()
    assert [(item["id"], item["review_comment"]) for item in page["items"]] == [(first, "Add the sources.")]


def test_approve_many(world: World, engine: Engine, client: TestClient) -> None:
    first = world.report(world.action_a, world.focal_a, submit=True, new_status="in_progress")
    second = world.report(world.action_b, world.focal_b, submit=True)
    approved = client.post(f"{URL}/approve", json={"ids": [first, second]})
    assert approved.status_code == 200, approved.text
    assert {item["state"] for item in approved.json()["items"]} == {"approved"}
    assert {item["published"] for item in approved.json()["items"]} == {False}
    # Each answer says what keeps it from the public, as one approval's does (not published; its action?).
    for item in approved.json()["items"]:
        action = client.get(f"/api/v1/actions/{item['action_id']}").json()
        hidden = [(p["kind"], p["id"]) for p in item["not_public_parents"]]
        assert item["public"] is False and hidden == (
            [] if action["published"] else [("action", action["id"])]
        )
        assert item["published_parents"] == []
    assert client.get(f"/api/v1/actions/{world.action_a}").json()["status"] == "in_progress"
    assert audit_actions(engine, "progress_update", second)[-1] == "progress.approve"
    again = client.post(f"{URL}/approve", json={"ids": [second]})
    assert again.status_code == 409 and f"progress update {second}" in again.json()["detail"]
    assert client.post(f"{URL}/approve", json={"ids": [first]}, headers=world.focal_a).status_code == 403
