"""A read that sends an ETag answers 304 Not Modified, with that ETag, to an If-None-Match naming it
(weakly compared, RFC 9110 13.1.2): the staff API's resources as the public answers do."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts import create_entity
from tests.factories import ids_by_external_id, import_records, record
from tests.plans.test_actions import make_action


def _paths(client: TestClient, engine: Engine) -> list[str]:
    entity = create_entity(engine, "Ministry of Justice")
    import_records(engine, [record("r1")])
    recommendation = ids_by_external_id(engine)["r1"]
    action = make_action(client, lead_entity_id=entity)
    indicator = client.post(
        f"/api/v1/actions/{action['id']}/indicators", json={"name": "Judges trained", "unit": "persons"}
    ).json()
    return [
        f"/api/v1/recommendations/{recommendation}",
        f"/api/v1/actions/{action['id']}",
        f"/api/v1/indicators/{indicator['id']}",
        f"/api/v1/entities/{entity}",
        "/static/portal.css",
    ]


def test_a_staff_read_answers_304_to_the_etag_it_sent(client: TestClient, engine: Engine) -> None:
    for path in _paths(client, engine):
        read = client.get(path)
        assert read.status_code == 200, (path, read.text)
        tag = read.headers["etag"]
        for held in (tag, f'"nope", {tag}', f"W/{tag}" if not tag.startswith("W/") else tag[2:], "*"):
            again = client.get(path, headers={"If-None-Match": held})
            assert again.status_code == 304, (path, held)
            assert again.content == b""
            assert again.headers["etag"] == tag
            assert "content-type" not in again.headers
            assert again.headers.get("cache-control") == read.headers.get("cache-control")
        assert client.head(path, headers={"If-None-Match": tag}).status_code == 304
        # Another version: the body, as before.
        other = client.get(path, headers={"If-None-Match": '"another-version"'})
        assert other.status_code == 200 and other.content == read.content


def test_a_changed_resource_is_sent_again(client: TestClient, engine: Engine) -> None:
    action = make_action(client)
    path = f"/api/v1/actions/{action['id']}"
    tag = client.get(path).headers["etag"]
    changed = client.patch(path, json={"title": "Train prosecutors"}, headers={"If-Match": tag})
    assert changed.status_code == 200, changed.text
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.json()["title"] == "Train prosecutors"
    assert again.headers["etag"] != tag


def test_a_refusal_is_never_turned_into_304(client: TestClient, engine: Engine) -> None:
    # A missing resource sends no ETag: If-None-Match: * still gets its 404.
    assert client.get("/api/v1/actions/999999", headers={"If-None-Match": "*"}).status_code == 404


STAFF_VARY = {"authorization", "x-api-key"}


def _vary(header: str | None) -> set[str]:
    return {name.strip().lower() for name in (header or "").split(",") if name.strip()}


def test_a_staff_answer_is_never_kept_by_a_shared_cache(client: TestClient, engine: Engine) -> None:
    """A staff answer is for its reader alone: a shared cache (a proxy) would hand it to the next
    caller (an API key is no Authorization header, which alone keeps a response out of it); a browser
    revalidates it, per caller, before reuse."""
    paths = _paths(client, engine)[:-1]  # the static file is public
    for path in [*paths, "/api/v1/recommendations", "/api/v1/taxonomies/themes", "/api/v1/actions/999999"]:
        answer = client.get(path)
        assert answer.headers.get("cache-control") == "private, no-cache", path
        assert _vary(answer.headers.get("vary")) >= STAFF_VARY, path
    # What a route says itself stands (an export is never stored at all).
    assert client.get("/api/v1/exports/recommendations.csv").headers["cache-control"] == "private, no-store"
    # A refusal without credentials too; the public API keeps its own caching.
    refused = client.get(paths[0], headers={"Authorization": ""})
    assert refused.status_code == 401 and refused.headers["cache-control"] == "private, no-cache"
    public = client.get("/api/v1/public/recommendations")
    assert public.headers["cache-control"] == "public, max-age=60"
