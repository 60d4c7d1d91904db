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
    value = client.post(
        f"/api/v1/indicators/{indicator['id']}/values", json={"measured_on": "2026-06-30", "value": 120}
    ).json()
    return [
        f"/api/v1/recommendations/{recommendation}",
        f"/api/v1/actions/{action['id']}",
        f"/api/v1/indicators/{indicator['id']}",
        f"/api/v1/entities/{entity}",
        f"/api/v1/indicator-values/{value['id']}",
        "/static/portal.css",
    ]


# Reads whose ETag is the version alone while the body shows other rows too: sent again in full.
VERSION_ONLY = ("/api/v1/recommendations/", "/api/v1/actions/", "/api/v1/indicators/")


def test_a_staff_read_answers_304_to_the_etag_it_sent(client: TestClient, engine: Engine) -> None:
    paths = [path for path in _paths(client, engine) if not path.startswith(VERSION_ONLY)]
    for path in paths:
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


def test_a_read_whose_related_rows_changed_is_sent_again(client: TestClient, engine: Engine) -> None:
    """An action lists its indicators, an indicator its latest approved value, a progress update its
    evidence files, a recommendation its clusters, a cluster its lead entity, a follow-up its grades:
    none of these moves the version their ETag names (a write's If-Match), so a client holding that
    ETag (a browser revalidating, an HTTP cache) must get the new body, never a 304 for the old one."""
    entity = create_entity(engine, "Ministry of Justice")
    import_records(engine, [record("r1")])
    recommendation = ids_by_external_id(engine)["r1"]
    action = make_action(client, lead_entity_id=entity)
    cluster = client.post("/api/v1/clusters", json={"name": "Prisons", "lead_entity_id": entity}).json()
    update = client.post(
        f"/api/v1/actions/{action['id']}/progress", json={"reported_on": "2026-06-30", "narrative": "Done."}
    ).json()
    first_indicator = client.post(
        f"/api/v1/actions/{action['id']}/indicators", json={"name": "Judges"}
    ).json()
    paths = {
        "action": f"/api/v1/actions/{action['id']}",
        "indicator": f"/api/v1/indicators/{first_indicator['id']}",
        "progress": f"/api/v1/progress/{update['id']}",
        "recommendation": f"/api/v1/recommendations/{recommendation}",
        "cluster": f"/api/v1/clusters/{cluster['id']}",
        "follow-up": f"/api/v1/recommendations/{recommendation}/follow-up",
    }
    held = {name: client.get(path) for name, path in paths.items()}
    assert all(read.status_code == 200 for read in held.values()), held

    client.post(f"/api/v1/actions/{action['id']}/indicators", json={"name": "Prosecutors"})
    value = client.post(
        f"/api/v1/indicators/{first_indicator['id']}/values",
        json={"measured_on": "2026-06-30", "value": 120, "submit": True},
    ).json()
    assert client.post(f"/api/v1/indicator-values/{value['id']}/approve").status_code == 200
    attached = client.post(
        f"/api/v1/progress/{update['id']}/evidence", files={"file": ("list.csv", b"name\nAna\n", "text/csv")}
    )
    assert attached.status_code == 201, attached.text
    added = client.post(f"/api/v1/clusters/{cluster['id']}/recommendations", json={"ids": [recommendation]})
    assert added.status_code == 200, added.text
    entity_tag = client.get(f"/api/v1/entities/{entity}").headers["etag"]
    renamed = client.patch(
        f"/api/v1/entities/{entity}",
        json={"name": "Ministry of Justice and Human Rights"},
        headers={"If-Match": entity_tag},
    )
    assert renamed.status_code == 200, renamed.text
    graded = client.post(
        f"/api/v1/recommendations/{recommendation}/follow-up/grades",
        json={"grade": "B", "assessed_on": "2026-10-01", "source_symbol": "CRC/C/99/2"},
    )
    assert graded.status_code == 201, graded.text

    for name, path in paths.items():
        again = client.get(path, headers={"If-None-Match": held[name].headers["etag"]})
        assert again.status_code == 200, (name, again.status_code)
        assert again.content != held[name].content, name
        assert again.content == client.get(path).content, name
        assert not [header for header in again.headers if header.startswith("x-nrtd")], name


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
