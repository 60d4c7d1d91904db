"""What the exports say about themselves: the publisher, contact, licence, and when the data last
changed and was last imported (an XLSX about sheet, Link headers, the metadata document)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from app.exports.schemas import PublicExportRow
from tests.exports.files import PUBLIC, STAFF, csv_header, rows_of
from tests.factories import ids_by_external_id, import_records, record
from tests.public.conftest import MakeClient
from tests.public.world import World

PUBLISHER = {
    "site_name": "Lesotho — Recommendations Tracking",
    "publisher": "Ministry of Justice, Human Rights Unit",
    "contact_email": "nrtd@justice.example.org",
    "data_licence": "CC BY 4.0",
}
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
METADATA = "/api/v1/public/exports/metadata.json"


@pytest.fixture
def site(make_client: MakeClient) -> TestClient:
    return make_client(**PUBLISHER)


def _about(body: bytes) -> dict[str, str | None]:
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["recommendations", "about"]
    assert workbook.properties.creator == PUBLISHER["publisher"]
    assert workbook.properties.title == PUBLISHER["site_name"]
    rows = list(workbook["about"].iter_rows(values_only=True))
    assert rows[0] == ("field", "value")
    return {str(name): value for name, value in rows[1:]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_export_links_its_metadata_and_licence(site: TestClient, world: World, fmt: str) -> None:
    for url in (f"{PUBLIC}.{fmt}", f"{PUBLIC}.{fmt}?status=in_progress"):
        response = site.get(url)
        assert response.status_code == 200, response.text
        link = response.headers["link"]
        assert f'<http://testserver{METADATA}>; rel="describedby"; type="application/json"' in link
        assert f'<{LICENCE}>; rel="license"' in link
    # The rows are the same as ever: the CSV has its one header row, the JSON stays an array.
    rows = rows_of(fmt, response.content)
    assert [list(row) for row in rows] == [list(PublicExportRow.model_fields)] * len(rows)
    if fmt == "csv":
        assert csv_header(response.content) == list(PublicExportRow.model_fields)


def test_the_xlsx_export_has_an_about_sheet(site: TestClient, world: World) -> None:
    # Twice: the full export is built for the first request and served from the cache to the second.
    for _ in range(2):
        about = _about(site.get(f"{PUBLIC}.xlsx").content)
        assert about["title"] == PUBLISHER["site_name"]
        assert about["publisher"] == PUBLISHER["publisher"]
        assert about["contact_email"] == PUBLISHER["contact_email"]
        assert about["licence"] == "CC BY 4.0" and about["licence_url"] == LICENCE
        for name in ("last_published_change", "last_import", "exported_at"):
            assert datetime.fromisoformat(str(about[name])).tzinfo is not None, name


def test_the_cached_file_follows_the_publisher_settings(make_client: MakeClient, world: World) -> None:
    first = _about(make_client(**PUBLISHER).get(f"{PUBLIC}.xlsx").content)
    assert first["publisher"] == PUBLISHER["publisher"]
    renamed = make_client(**{**PUBLISHER, "publisher": "Office of the Prime Minister"})
    workbook = load_workbook(io.BytesIO(renamed.get(f"{PUBLIC}.xlsx").content))
    assert workbook.properties.creator == "Office of the Prime Minister"


def test_the_metadata_document(site: TestClient, world: World) -> None:
    response = site.get(METADATA)
    assert response.status_code == 200
    assert response.headers["etag"]
    document = response.json()
    assert document["title"] == PUBLISHER["site_name"]
    assert document["publisher"] == PUBLISHER["publisher"]
    assert document["contact_email"] == PUBLISHER["contact_email"]
    assert document["licence"] == "CC BY 4.0" and document["licence_url"] == LICENCE
    changed = datetime.fromisoformat(document["last_published_change"])
    imported = datetime.fromisoformat(document["last_import"])
    assert changed.tzinfo is not None and imported.tzinfo is not None
    # The world was imported and published a moment ago.
    now = datetime.now(UTC)
    assert now - timedelta(hours=1) < imported <= now and now - timedelta(hours=1) < changed <= now
    assert [d["url"] for d in document["distributions"]] == [
        f"http://testserver{PUBLIC}.{fmt}" for fmt in ("csv", "xlsx", "json")
    ]
    again = site.get(METADATA, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_the_defaults_name_the_national_mechanism(make_client: MakeClient, world: World) -> None:
    document = make_client(country="Lesotho").get(METADATA).json()
    assert document["title"] == "Recommendation tracker"
    assert document["publisher"] == "National mechanism for implementation, reporting and follow-up (Lesotho)"
    assert document["contact_email"] is None


def test_staff_exports_carry_the_metadata_too(site: TestClient, world: World) -> None:
    response = site.get(f"{STAFF}.xlsx", headers=world.coordinator)
    assert response.status_code == 200
    assert 'rel="describedby"' in response.headers["link"]
    assert _about(response.content)["publisher"] == PUBLISHER["publisher"]
    assert 'rel="license"' in site.get(f"{STAFF}.csv", headers=world.coordinator).headers["link"]


def test_the_links_start_with_the_sites_address_when_it_is_set(make_client: MakeClient, world: World) -> None:
    # NRTD_BASE_URL, the address people open the service at, rather than the Host a proxy passed on.
    site = "https://data.justice.example.org"
    client = make_client(**PUBLISHER, base_url=site)
    assert f'<{site}{METADATA}>; rel="describedby"' in client.get(f"{PUBLIC}.csv").headers["link"]
    urls = [item["url"] for item in client.get(METADATA).json()["distributions"]]
    assert urls and all(url.startswith(f"{site}/api/v1/public/exports/") for url in urls), urls
    feed = client.get("/api/v1/public/feed.atom").text
    assert f'href="{site}/api/v1/public/feed.atom"' in feed


def test_a_working_status_change_is_not_a_published_change(make_client: MakeClient, world: World) -> None:
    """A coordinator's status or priority change is not public until published: the time it was made
    is not either (the open-data page and the metadata said a change was published at that moment)."""
    site = make_client(**PUBLISHER)
    url = f"/api/v1/recommendations/{world.rec['P1']}"

    def last_change() -> tuple[str, str]:
        page = site.get("/exports").text
        shown = page.split("Last published change", 1)[1].split("</time>", 1)[0]
        return site.get(METADATA).json()["last_published_change"], shown

    before = last_change()
    etag = site.get(url, headers=world.coordinator).headers["ETag"]
    working = {"status": "not_applicable", "priority": "low", "status_note": "Not ours"}
    changed = site.patch(url, json=working, headers={**world.coordinator, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert last_change() == before

    assert site.post(f"{url}/publish", headers=world.coordinator).status_code == 200
    assert last_change()[0] > before[0]


def test_progress_published_under_an_unpublished_action_is_not_a_published_change(
    make_client: MakeClient, world: World
) -> None:
    """The update stays hidden with its action (docs/publishing.md): so does the time it was published."""
    site = make_client(**PUBLISHER)
    before = site.get(METADATA).json()["last_published_change"]
    body = {"reported_on": "2025-06-30", "narrative": "Hidden with its action", "submit": True}
    url = f"/api/v1/actions/{world.hidden_action}/progress"
    created = site.post(url, json=body, headers=world.coordinator)
    assert created.status_code == 201, created.text
    approve = f"/api/v1/progress/{created.json()['id']}/approve"
    approved = site.post(approve, json={"publish": True}, headers=world.coordinator)
    assert approved.status_code == 200 and approved.json()["public"] is False, approved.text
    assert site.get(METADATA).json()["last_published_change"] == before


def test_an_approved_indicator_value_of_a_published_action_is_a_published_change(
    make_client: MakeClient, world: World
) -> None:
    """The portal's action page shows it at once: the open data's last change says so (a value of an
    action the public does not see changes nothing)."""
    site = make_client(**PUBLISHER)

    def approve_value(action_id: int) -> str:
        indicators = site.get(f"/api/v1/actions/{action_id}/indicators", headers=world.coordinator).json()
        url = f"/api/v1/indicators/{indicators['items'][0]['id']}/values"
        body = {"measured_on": "2025-07-31", "value": 21, "submit": True}
        value = site.post(url, json=body, headers=world.coordinator)
        assert value.status_code == 201, value.text
        approved = site.post(
            f"/api/v1/indicator-values/{value.json()['id']}/approve", headers=world.coordinator
        )
        assert approved.status_code == 200, approved.text
        return str(site.get(METADATA).json()["last_published_change"])

    before = site.get(METADATA).json()["last_published_change"]
    assert approve_value(world.hidden_action) == before
    shown = approve_value(world.action)
    assert shown > before
    assert datetime.fromisoformat(shown) > datetime.now(UTC) - timedelta(minutes=1)


def test_the_xlsx_about_sheet_names_the_filters_the_language_and_the_count(
    site: TestClient, world: World
) -> None:
    """A filtered workbook said nothing of its filters: opened later, or passed on, nobody could tell
    a file of one theme's in-progress recommendations from the whole list."""
    query = "?status=in_progress&status=implemented&theme=Right to education&sdg=4&lang=fr"
    response = site.get(f"{PUBLIC}.xlsx{query}")
    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content))
    about = {str(name): value for name, value in workbook["about"].iter_rows(min_row=2, values_only=True)}
    # In the list's order of parameters, as the query string takes them (spaces and accents as typed).
    assert about["filters"] == "theme=Right to education&sdg=4&status=in_progress&status=implemented"
    assert about["lang"] == "fr"
    listed = site.get(f"/api/v1/public/recommendations{query}").json()["total"]
    assert listed > 0
    assert about["recommendations"] == listed == workbook["recommendations"].max_row - 1  # a number cell
    # Unfiltered (the cached full export): "none"; a character that would change the query is escaped.
    full = _about(site.get(f"{PUBLIC}.xlsx").content)
    assert full["filters"] == "none" and full["lang"] == "en"
    staff = site.get(f"{STAFF}.xlsx?withdrawn=true&q=a%26b+%3D", headers=world.coordinator)
    assert _about(staff.content)["filters"] == "q=a%26b %3D&withdrawn=true"


@pytest.mark.parametrize("withdrawn", ["progress", "action", "cluster", "archived cluster"])
def test_taking_something_out_of_public_view_is_a_published_change(
    make_client: MakeClient, world: World, withdrawn: str
) -> None:
    """A coordinator unpublishes a progress update, an action or a cluster (or archives the cluster):
    the public no longer sees it, yet the last published change stayed put, or went back to the time
    of an older change when the withdrawn object held the newest, so a reader who compares it with
    their last download concluded nothing had changed."""
    site = make_client(**PUBLISHER)
    before = site.get(METADATA).json()["last_published_change"]
    if withdrawn == "progress":
        url = f"/api/v1/progress/{world.progress['published']}/unpublish"
        response = site.post(url, json={}, headers=world.coordinator)
    else:
        url = (
            f"/api/v1/clusters/{world.cluster}"
            if "cluster" in withdrawn
            else f"/api/v1/actions/{world.action}"
        )
        etag = site.get(url, headers=world.coordinator).headers["ETag"]
        body = {"archived": True} if withdrawn == "archived cluster" else {"published": False}
        response = site.patch(url, json=body, headers={**world.coordinator, "If-Match": etag})
    assert response.status_code == 200, response.text
    after = site.get(METADATA).json()["last_published_change"]
    assert after > before
    assert datetime.fromisoformat(after) > datetime.now(UTC) - timedelta(minutes=1)


@pytest.mark.parametrize("change", ["entity renamed", "lead entity changed", "supporting entities changed"])
def test_a_change_of_the_responsible_entities_the_public_reads_is_a_published_change(
    make_client: MakeClient, world: World, change: str
) -> None:
    """The public files name each recommendation's lead and supporting entities, public as soon as a
    coordinator assigns them, and every entity by its name: renaming a ministry or reassigning a
    recommendation changed the open data (its ETag moved) while its last published change stayed put,
    so a reader comparing it with their last download concluded nothing had changed. A change of an
    entity's contact details, which the public never reads, still leaves it where it is."""
    site = make_client(**PUBLISHER)
    before = site.get(METADATA).json()["last_published_change"]
    entity = f"/api/v1/entities/{world.justice}"
    internal = {"contact_phone": "+51-999-000-222"}
    etag = site.get(entity, headers=world.coordinator).headers["ETag"]
    answer = site.patch(entity, json=internal, headers={**world.coordinator, "If-Match": etag})
    assert answer.status_code == 200, answer.text
    assert site.get(METADATA).json()["last_published_change"] == before
    body: dict[str, object]
    if change == "entity renamed":
        url, body = entity, {"name": "Ministry of Justice and Human Rights"}
    else:
        url = f"/api/v1/recommendations/{world.rec['P1']}"
        key = "lead_entity_id" if change == "lead entity changed" else "supporting_entity_ids"
        body = {key: world.labour if key == "lead_entity_id" else []}
    etag = site.get(url, headers=world.coordinator).headers["ETag"]
    answer = site.patch(url, json=body, headers={**world.coordinator, "If-Match": etag})
    assert answer.status_code == 200, answer.text
    after = site.get(METADATA).json()["last_published_change"]
    assert after > before
    assert datetime.fromisoformat(after) > datetime.now(UTC) - timedelta(minutes=1)


def test_withdrawing_a_recommendation_or_restoring_it_is_a_published_change(
    client: TestClient, engine: Engine
) -> None:
    """A coordinator archives a manual recommendation (an import withdraws the feed's the same way):
    it leaves every public file, yet the last published change stayed put, the recommendation's own
    time no longer counting once withdrawn; restoring it did not move it either."""
    import_records(engine, [record("M-QZ", "<p>9. qz manual recommendation.</p>")], source="manual")
    rec_id = client.get("/api/v1/recommendations").json()["items"][0]["id"]
    times = [client.get(METADATA).json()["last_published_change"]]
    for step in ("archive", "unarchive"):
        answer = client.post(f"/api/v1/recommendations/{rec_id}/{step}")
        assert answer.status_code == 200, answer.text
        times.append(client.get(METADATA).json()["last_published_change"])
    assert None not in times and times[0] < times[1] < times[2], times


def test_linking_a_copy_to_its_uhri_record_or_unlinking_it_is_a_published_change(
    client: TestClient, engine: Engine
) -> None:
    """A coordinator links a manual copy to its UHRI record (the copy leaves every public file: the
    record stands for both) or unlinks it (it is a public recommendation of its own again): the
    public files changed, the last published change did not."""
    import_records(engine, [record("crc-peru", "Adopt a law on child labour", countries=["Peru"])])
    copy = record("manual-crc", "Protect children from hazardous work", source="manual", countries=["Peru"])
    import_records(engine, [copy], source="manual")
    ids = ids_by_external_id(engine)
    times = [client.get(METADATA).json()["last_published_change"]]
    for step in ("link", "unlink"):
        answer = client.post(f"/api/v1/recommendations/{ids['crc-peru']}/sources/{ids['manual-crc']}/{step}")
        assert answer.status_code == 200, answer.text
        times.append(client.get(METADATA).json()["last_published_change"])
    assert None not in times and times[0] < times[1] < times[2], times


def test_an_export_under_a_new_licence_or_publisher_is_not_answered_not_modified(
    make_client: MakeClient, world: World
) -> None:
    """The public exports' ETag was the data and the query alone: once the instance named another
    licence or publisher, a reader (or a cache) revalidating its file got 304 and kept the one whose
    about sheet and Link header named the old licence. The tag now covers the publisher settings,
    as the public report's does."""
    url = f"{PUBLIC}.xlsx?q=qz"
    tag = make_client(**PUBLISHER).get(url).headers["ETag"]
    assert make_client(**PUBLISHER).get(url, headers={"If-None-Match": tag}).status_code == 304
    relicensed = make_client(**{**PUBLISHER, "data_licence": "CC BY-SA 4.0"})
    answer = relicensed.get(url, headers={"If-None-Match": tag})
    assert answer.status_code == 200 and answer.headers["ETag"] != tag
    assert _about(answer.content)["licence"] == "CC BY-SA 4.0"
    assert relicensed.head(url, headers={"If-None-Match": tag}).headers["ETag"] == answer.headers["ETag"]
