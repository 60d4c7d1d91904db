"""A cluster's page: editing its name, description and lead with the ETag round trip (a conflict
keeps what was typed), publishing, archiving, and the page in French."""

from __future__ import annotations

from sqlalchemy import Connection

from tests.builder import building
from tests.staff.cluster_world import (
    World,
    cluster_row,
    coordinator,
    etag,
    members_of,
    world,
)
from tests.staff.conftest import StaffLogin

__all__ = ["world"]  # the fixture


def test_rename_describe_and_change_the_lead(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}")
    response = staff.post(
        f"/staff/clusters/{world.cluster}",
        {
            "name": "Places of detention",
            "description": "Prisons.",
            "lead_entity_id": "",
            "etag": etag(page.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/clusters/{world.cluster}?done=saved"
    stored = cluster_row(db, world.cluster)
    assert (stored.name, stored.description, stored.lead_entity_id) == (
        "Places of detention",
        "Prisons.",
        None,
    )
    assert "Your changes are saved." in staff.get(response.headers["location"]).text


def test_rename_with_a_stale_etag_shows_the_conflict_and_overwrites_nothing(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    first, second = coordinator(staff_login), staff_login("admin", email="other-admin@example.org")
    stale = etag(first.get(f"/staff/clusters/{world.cluster}").text)
    fresh = etag(second.get(f"/staff/clusters/{world.cluster}").text)
    assert stale == fresh
    saved = second.post(
        f"/staff/clusters/{world.cluster}",
        {"name": "Detention (second)", "description": "", "lead_entity_id": "", "etag": fresh},
    )
    assert saved.status_code == 303
    conflict = first.post(
        f"/staff/clusters/{world.cluster}",
        {
            "name": "Detention (first)",
            "description": "",
            "lead_entity_id": str(world.other_entity),
            "etag": stale,
        },
    )
    assert conflict.status_code == 412
    assert "Someone else changed this first" in conflict.text
    assert "other-admin@example.org" in conflict.text and "Changed: Name, Lead entity</p>" in conflict.text
    # What this user typed, to copy: as the form names the fields, the entity by its name.
    assert "<dt>Name</dt><dd>Detention (first)</dd>" in conflict.text
    assert "<dt>Lead entity</dt><dd>Ministry of Education</dd>" in conflict.text
    assert f'href="/staff/clusters/{world.cluster}"' in conflict.text
    assert cluster_row(db, world.cluster).name == "Detention (second)"


def test_edit_refused_keeps_what_was_typed(staff_login: StaffLogin, db: Connection, world: World) -> None:
    with building(db) as build:
        build.cluster("Education")
    staff = coordinator(staff_login)
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    duplicate = staff.post(
        f"/staff/clusters/{world.cluster}",
        {"name": "education", "description": "New words", "lead_entity_id": "", "etag": tag},
    )
    assert duplicate.status_code == 409
    assert '<a href="#field-name">Name: already used by another cluster' in duplicate.text
    assert 'value="education"' in duplicate.text and "New words</textarea>" in duplicate.text
    assert etag(duplicate.text) == tag  # a second try still says which version it started from
    empty = staff.post(
        f"/staff/clusters/{world.cluster}", {"name": "", "description": "", "lead_entity_id": "", "etag": tag}
    )
    assert empty.status_code == 422 and 'href="#field-name"' in empty.text
    assert cluster_row(db, world.cluster).name == "Detention"


def test_publish_and_unpublish(staff_login: StaffLogin, db: Connection, world: World) -> None:
    staff = coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Not published" in page.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": etag(page.text)}
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?done=cluster-published")
    assert cluster_row(db, world.cluster).published is True
    page = staff.get(response.headers["location"])
    assert "The cluster is published." in page.text and "Unpublish" in page.text
    stale = staff.post(f"/staff/clusters/{world.cluster}/publish", {"published": "false", "etag": '"1"'})
    assert stale.status_code == 412 and cluster_row(db, world.cluster).published is True
    # A button was pressed, nothing typed: the page shows no raw "false" as what was typed.
    assert "What you typed" not in stale.text and "<dd>false</dd>" not in stale.text
    response = staff.post(
        f"/staff/clusters/{world.cluster}/publish", {"published": "false", "etag": etag(page.text)}
    )
    assert response.status_code == 303 and cluster_row(db, world.cluster).published is False


def test_archive_freezes_the_cluster_until_unarchived(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    assert (
        staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "true", "etag": tag}).status_code
        == 303
    )
    page = staff.get(f"/staff/clusters/{world.cluster}")
    assert "Archived" in page.text and "Unarchive" in page.text
    assert 'name="ids"' not in page.text and "Save changes" not in page.text
    assert "Detention" not in staff.get("/staff/clusters").text
    assert "Detention" in staff.get("/staff/clusters?archived=true").text
    refused = staff.post(f"/staff/clusters/{world.cluster}/recommendations/add", {"ids": world.ids["twin"]})
    assert refused.status_code == 409 and "archived" in refused.text
    assert world.ids["twin"] not in members_of(db, world.cluster)
    tag = etag(page.text)
    assert (
        staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "false", "etag": tag}).status_code
        == 303
    )
    assert cluster_row(db, world.cluster).archived is False


def test_archiving_a_published_cluster_withdraws_it_from_the_portal(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    staff.post(f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": tag})
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    response = staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "true", "etag": tag})
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=cluster-archived-unpublished")
    row = cluster_row(db, world.cluster)
    assert row.archived is True and row.published is False
    page = staff.get(response.headers["location"]).text
    assert "The cluster is archived, and no longer published: it has left the public portal." in page
    assert "Not published" in page


def test_an_archived_cluster_is_not_published_by_a_hand_made_post(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    tag = etag(staff.get(f"/staff/clusters/{world.cluster}").text)
    staff.post(f"/staff/clusters/{world.cluster}/archive", {"archived": "true", "etag": tag})
    page = staff.get(f"/staff/clusters/{world.cluster}")
    assert "/publish" not in page.text  # no button offers it
    refused = staff.post(
        f"/staff/clusters/{world.cluster}/publish", {"published": "true", "etag": etag(page.text)}
    )
    assert refused.status_code == 409
    assert "Publication: the cluster is archived; unarchive it before publishing it" in refused.text
    assert 'href="#field-published"' in refused.text and 'id="field-published"' in refused.text
    assert cluster_row(db, world.cluster).published is False
    renamed = staff.post(
        f"/staff/clusters/{world.cluster}",
        {"name": "Renamed", "description": "", "lead_entity_id": "", "etag": etag(page.text)},
    )
    assert renamed.status_code == 409 and "Archive: the cluster is archived" in renamed.text
    assert 'href="#field-archived"' in renamed.text and 'id="field-archived"' in renamed.text
    assert cluster_row(db, world.cluster).name == "Detention"


def test_the_pages_speak_french(staff_login: StaffLogin, world: World) -> None:
    staff = coordinator(staff_login)
    page = staff.get(f"/staff/clusters/{world.cluster}?lang=fr")
    assert page.headers["content-language"] == "fr"
    assert '<html lang="fr">' in page.text
    assert 'aria-current="page">Groupes</a>' in page.text
