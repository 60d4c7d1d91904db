"""An archived cluster is not published: it left the portal, and unarchiving it must not bring it back
unasked."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.clusters.api import URL, audit_events, create, read_etag


def test_an_archived_cluster_is_not_published(client: TestClient, engine: Engine) -> None:
    cluster = create(client)
    url = f"{URL}/{cluster['id']}"
    client.patch(url, json={"archived": True}, headers={"If-Match": read_etag(client, cluster["id"])})
    tag = read_etag(client, cluster["id"])
    response = client.patch(url, json={"published": True}, headers={"If-Match": tag})
    assert response.status_code == 409, response.text
    assert response.json()["errors"] == [
        {"field": "published", "reason": "the cluster is archived; unarchive it before publishing it"}
    ]
    # Nor archived and published in one request; unarchived and published at once is what was meant.
    fresh = create(client, "Children")
    both = client.patch(
        f"{URL}/{fresh['id']}",
        json={"archived": True, "published": True},
        headers={"If-Match": read_etag(client, fresh["id"])},
    )
    assert both.status_code == 409 and both.json()["errors"][0]["field"] == "published"
    assert client.get(url).json()["published"] is False
    assert read_etag(client, cluster["id"]) == tag
    assert [e.after for e in audit_events(engine, "cluster.update", cluster["id"])] == [{"archived": True}]
    response = client.patch(url, json={"archived": False, "published": True}, headers={"If-Match": tag})
    assert response.status_code == 200 and response.json()["published"] is True


def test_an_archived_cluster_is_not_renamed_until_unarchived(client: TestClient, engine: Engine) -> None:
    """Its page says "An archived cluster cannot be changed"; a PATCH renamed it, described it, led it."""
    cluster = create(client)
    url = f"{URL}/{cluster['id']}"
    client.patch(url, json={"archived": True}, headers={"If-Match": read_etag(client, cluster["id"])})
    tag = read_etag(client, cluster["id"])
    for body in (
        {"name": "Renamed"},
        {"description": "New"},
        {"name": "Torture prevention", "description": "New"},
    ):
        response = client.patch(url, json=body, headers={"If-Match": tag})
        assert response.status_code == 409, body
        assert response.json()["errors"] == [{"field": "archived", "reason": "the cluster is archived"}]
    assert (
        client.patch(url, json={"name": "Torture prevention"}, headers={"If-Match": tag}).status_code == 200
    )
    both = client.patch(url, json={"archived": False, "name": "Renamed"}, headers={"If-Match": tag})
    assert both.status_code == 200 and both.json()["name"] == "Renamed"


def test_archiving_a_published_cluster_withdraws_its_publication(
    client: TestClient, anonymous_client: TestClient, engine: Engine
) -> None:
    """It stayed `published: true` (hidden from the portal by its archive only): unarchived, it was
    back on the portal unasked. The withdrawal is part of the archive's own audit event."""
    cluster = create(client, "Published then archived", published=True)
    url = f"{URL}/{cluster['id']}"
    public = f"/api/v1/public/clusters/{cluster['id']}"
    assert anonymous_client.get(public).status_code == 200
    archived = client.patch(
        url, json={"archived": True}, headers={"If-Match": read_etag(client, cluster["id"])}
    )
    assert archived.status_code == 200 and archived.json()["published"] is False
    assert anonymous_client.get(public).status_code == 404
    assert cluster["id"] not in [
        c["id"] for c in anonymous_client.get("/api/v1/public/clusters").json()["items"]
    ]
    (event,) = audit_events(engine, "cluster.update", cluster["id"])
    assert (event.before, event.after) == (
        {"archived": False, "published": True},
        {"archived": True, "published": False},
    )
    back = client.patch(url, json={"archived": False}, headers={"If-Match": read_etag(client, cluster["id"])})
    assert back.status_code == 200 and back.json()["published"] is False
    assert anonymous_client.get(public).status_code == 404
