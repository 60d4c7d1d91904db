"""Evidence files through the API: attached to a draft, listed on the update, downloaded as
attachments by who may read the update, removed while it may change, stored once per content."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.evidence.service import MAX_FILES_PER_UPDATE
from app.evidence.storage import BlobStore
from tests.evidence import samples
from tests.evidence.conftest import REPORT, Setup, upload
from tests.plans.test_actions import audit_actions, audit_events, problem_fields


def test_attach_list_download_remove(
    client: TestClient, engine: Engine, setup: Setup, store: BlobStore
) -> None:
    response = upload(client, setup.upload_url, samples.PDF, "Informe año 2025.pdf", setup.focal_a)
    assert response.status_code == 201, response.text
    pdf = response.json()
    assert response.headers["Location"] == f"/api/v1/evidence/{pdf['id']}"
    assert pdf["filename"] == "Informe año 2025.pdf" and pdf["media_type"] == "application/pdf"
    assert pdf["size"] == len(samples.PDF) and pdf["sha256"] == hashlib.sha256(samples.PDF).hexdigest()
    assert pdf["url"] == f"/api/v1/evidence/{pdf['id']}/content"
    assert store.path_of(pdf["sha256"]).read_bytes() == samples.PDF
    text = upload(client, setup.upload_url, samples.TEXT, "notes.txt", setup.focal_a).json()

    # Listed on the update, oldest first, and on its own route.
    progress = client.get(f"/api/v1/progress/{setup.progress['id']}", headers=setup.focal_a).json()
    assert [item["id"] for item in progress["evidence"]] == [pdf["id"], text["id"]]
    listed = client.get(setup.upload_url, headers=setup.supporting).json()
    assert listed["total"] == 2 and listed["items"][1]["media_type"] == "text/plain"
    action_list = client.get(f"/api/v1/actions/{setup.action['id']}/progress").json()
    assert [item["filename"] for item in action_list["items"][0]["evidence"]] == [
        "Informe año 2025.pdf",
        "notes.txt",
    ]

    # Downloaded as an attachment, never sniffed, never a page.
    download = client.get(pdf["url"], headers=setup.supporting)
    assert download.status_code == 200 and download.content == samples.PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"Informe ano 2025.pdf\"; filename*=UTF-8''Informe%20a%C3%B1o%202025.pdf"
    )
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert download.headers["cache-control"] == "private, no-store"
    assert client.get(text["url"]).headers["content-type"] == "text/plain; charset=utf-8"

    # Removed while a draft; the row goes, audited; the update lists one file.
    assert client.delete(f"/api/v1/evidence/{text['id']}", headers=setup.focal_a).status_code == 204
    assert client.get(f"/api/v1/evidence/{text['id']}").status_code == 404
    assert [item["id"] for item in client.get(setup.upload_url).json()["items"]] == [pdf["id"]]
    assert audit_actions(engine, "evidence_file", pdf["id"]) == ["evidence.add"]
    assert audit_actions(engine, "evidence_file", text["id"]) == ["evidence.add", "evidence.remove"]
    removal = audit_events(engine, "evidence_file", text["id"])[1]
    assert removal.before is not None and removal.before["filename"] == "notes.txt"


def test_the_same_content_is_stored_once(client: TestClient, setup: Setup, store: BlobStore) -> None:
    """Two updates holding the same file share its stored content."""
    content = samples.CSV + b"# once\n"
    other = client.post(f"/api/v1/actions/{setup.action['id']}/progress", json=REPORT, headers=setup.focal_a)
    first = upload(client, setup.upload_url, content, "judges.csv", setup.focal_a).json()
    other_url = f"/api/v1/progress/{other.json()['id']}/evidence"
    second = upload(client, other_url, content, "copy.csv", setup.focal_a).json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert [sha for sha, _ in store.stored()].count(first["sha256"]) == 1
    assert not list(store.temporaries())
    # Removing one row keeps the content the other still names.
    assert client.delete(f"/api/v1/evidence/{first['id']}").status_code == 204
    assert client.get(second["url"]).content == content


def test_the_same_file_twice_on_one_update_is_refused(
    client: TestClient, engine: Engine, setup: Setup, store: BlobStore
) -> None:
    """The same bytes attached again to the same update, under any name: 409 naming ``file`` and the
    file it repeats; nothing stored for it, nothing audited."""
    first = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    again = upload(client, setup.upload_url, samples.PDF, "report (copy).pdf", setup.focal_a)
    assert again.status_code == 409 and problem_fields(again) == ["file"]
    problem = again.json()
    assert "report (copy).pdf" in problem["detail"] and "same file as report.pdf" in problem["detail"]
    assert (
        problem["errors"][0]["reason"]
        == "is the same file as report.pdf, already attached to this progress update"
    )
    assert client.get(setup.upload_url).json()["total"] == 1 and not list(store.temporaries())
    assert audit_actions(engine, "evidence_file", first["id"]) == ["evidence.add"]


def test_files_only_while_the_update_may_change(client: TestClient, setup: Setup) -> None:
    pdf = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    progress_url = f"/api/v1/progress/{setup.progress['id']}"
    assert client.post(f"{progress_url}/submit", headers=setup.focal_a).status_code == 200
    late = upload(client, setup.upload_url, samples.PNG, "photo.png", setup.focal_a)
    assert late.status_code == 409 and problem_fields(late) == ["state"]
    assert client.delete(f"/api/v1/evidence/{pdf['id']}", headers=setup.focal_a).status_code == 409
    # Returned: the author's entity may change the files again.
    assert client.post(f"{progress_url}/return", json={"comment": "Add the photo."}).status_code == 200
    assert upload(client, setup.upload_url, samples.PNG, "photo.png", setup.focal_a).status_code == 201


def test_who_may_read_and_change(client: TestClient, setup: Setup) -> None:
    pdf = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    progress_url = f"/api/v1/progress/{setup.progress['id']}"
    # A focal point of another entity, and a reader: neither the update, nor its files, nor the content.
    # The focal point is answered as for ids that do not exist (404: the draft is not revealed), the
    # reader refused (403).
    for headers, status in ((setup.focal_b, 404), (setup.reader, 403)):
        for url in (progress_url, setup.upload_url, f"/api/v1/evidence/{pdf['id']}", pdf["url"]):
            assert client.get(url, headers=headers).status_code == status, url
        assert upload(client, setup.upload_url, samples.PNG, "x.png", headers).status_code == status
        assert client.delete(f"/api/v1/evidence/{pdf['id']}", headers=headers).status_code == status
    assert (
        client.get(f"/api/v1/actions/{setup.action['id']}/progress", headers=setup.focal_b).status_code == 403
    )
    # A supporting entity's focal point reads the lead entity's draft and its files, but changes neither.
    assert client.get(pdf["url"], headers=setup.supporting).status_code == 200
    assert upload(client, setup.upload_url, samples.PNG, "x.png", setup.supporting).status_code == 403
    assert client.delete(f"/api/v1/evidence/{pdf['id']}", headers=setup.supporting).status_code == 403
    # No credentials at all.
    assert client.get(pdf["url"], headers={"Authorization": ""}).status_code == 401
    assert client.get("/api/v1/evidence/999999/content").status_code == 404


def test_a_limited_number_of_files_per_update(client: TestClient, setup: Setup) -> None:
    for number in range(MAX_FILES_PER_UPDATE):
        data = samples.TEXT + str(number).encode()
        assert upload(client, setup.upload_url, data, f"{number}.txt", setup.focal_a).status_code == 201
    refused = upload(client, setup.upload_url, samples.PDF, "one-more.pdf", setup.focal_a)
    assert refused.status_code == 409 and problem_fields(refused) == ["file"]


def test_public_only_while_the_update_is_public(client: TestClient, setup: Setup) -> None:
    """Approved, published, on a published action: then, and only then, the public file URL serves it."""
    pdf = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    public_url = f"/api/v1/public/evidence/{pdf['id']}"
    progress_url = f"/api/v1/progress/{setup.progress['id']}"
    action_url = f"/api/v1/actions/{setup.action['id']}"

    def public_status() -> int:
        return int(client.get(public_url, headers={"Authorization": ""}).status_code)

    assert public_status() == 404
    assert client.post(f"{progress_url}/submit", headers=setup.focal_a).status_code == 200
    assert public_status() == 404
    assert client.post(f"{progress_url}/approve", json={"publish": True}).status_code == 200
    assert public_status() == 404  # the action is not published
    tag = client.get(action_url).headers["ETag"]
    assert client.patch(action_url, json={"published": True}, headers={"If-Match": tag}).status_code == 200
    served = client.get(public_url, headers={"Authorization": ""})
    assert served.status_code == 200 and served.content == samples.PDF
    assert served.headers["content-disposition"].startswith('attachment; filename="report.pdf"')
    # Its ETag is its content's hash, as every public answer's: sent back, a 304 without the body.
    etag = served.headers["etag"]
    assert etag == '"' + hashlib.sha256(samples.PDF).hexdigest()[:32] + '"'
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(public_url, headers={"Authorization": "", "If-None-Match": held})
        assert again.status_code == 304 and again.content == b"", held
        assert again.headers["etag"] == etag and again.headers["cache-control"] == "public, max-age=60"
    stale = client.get(public_url, headers={"Authorization": "", "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.content == samples.PDF
    listed = client.get(f"/api/v1/public/actions/{setup.action['id']}").json()["progress"][0]["evidence"]
    assert listed == [
        {
            "id": pdf["id"],
            "filename": "report.pdf",
            "media_type": "application/pdf",
            "size": len(samples.PDF),
            "url": public_url,
        }
    ]
    assert client.post(f"{progress_url}/unpublish").status_code == 200
    assert public_status() == 404


def test_a_draft_is_deleted_with_its_files(client: TestClient, engine: Engine, setup: Setup) -> None:
    """A draft started by mistake is deleted by its author's entity, its files with it; a submitted
    (or returned, approved) update never: the coordinators saw it."""
    pdf = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    progress_url = f"/api/v1/progress/{setup.progress['id']}"
    for headers, status in ((setup.focal_b, 404), (setup.reader, 403), (setup.supporting, 403)):
        assert client.delete(progress_url, headers=headers).status_code == status
    stale = client.delete(progress_url, headers={**setup.focal_a, "If-Match": '"99"'})
    assert stale.status_code == 412
    deleted = client.delete(progress_url, headers={**setup.focal_a, "If-Match": '"1"'})
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(progress_url).status_code == 404
    assert client.get(f"/api/v1/evidence/{pdf['id']}").status_code == 404
    assert client.get(f"/api/v1/actions/{setup.action['id']}/progress").json()["total"] == 0
    assert audit_actions(engine, "progress_update", setup.progress["id"])[-1] == "progress.delete"
    assert audit_actions(engine, "evidence_file", pdf["id"]) == ["evidence.add", "evidence.remove"]
    gone = audit_events(engine, "progress_update", setup.progress["id"])[-1]
    assert gone.before is not None and gone.before["narrative"] == "Two workshops held."
    assert client.delete(progress_url, headers=setup.focal_a).status_code == 404
    # Submitted: no longer the author's alone to take back.
    sent = client.post(
        f"/api/v1/actions/{setup.action['id']}/progress",
        json={"reported_on": "2025-06-30", "narrative": "Sent.", "submit": True},
        headers=setup.focal_a,
    ).json()
    refused = client.delete(f"/api/v1/progress/{sent['id']}", headers=setup.focal_a)
    assert refused.status_code == 409 and problem_fields(refused) == ["state"]


def test_a_file_attached_after_one_was_removed_never_takes_its_id(client: TestClient, setup: Setup) -> None:
    # SQLite gives a new row the id of the last one deleted: a removal sent again for a removed file
    # (a retried request, a second tab) removed the file attached next, and its old address served it.
    removed = upload(client, setup.upload_url, samples.TEXT, "draft-notes.txt", setup.focal_a).json()
    address = f"/api/v1/evidence/{removed['id']}"
    assert client.delete(address, headers=setup.focal_a).status_code == 204
    kept = upload(client, setup.upload_url, samples.PDF, "signed-report.pdf", setup.focal_a).json()
    assert kept["id"] != removed["id"]
    assert client.delete(address, headers=setup.focal_a).status_code == 404
    assert client.get(address).status_code == 404
    assert client.get(f"/api/v1/evidence/{kept['id']}/content").content == samples.PDF


def test_a_name_with_double_quotes_is_kept_as_typed_not_as_its_form_escape(
    client: TestClient, setup: Setup
) -> None:
    """Browsers (and curl, and httpx) send a double quote of a file's name as ``%22`` in the form's
    header (and a line break as ``%0D``/``%0A``): ``Décret "n° 12".pdf`` was stored, listed on the
    public pages and downloaded as ``Décret %22n° 12%22.pdf``."""
    sent = upload(client, setup.upload_url, samples.PDF, 'Décret "n° 12".pdf', setup.focal_a)
    assert sent.status_code == 201, sent.text
    assert sent.json()["filename"] == "Décret _n° 12_.pdf"
    download = client.get(sent.json()["url"], headers=setup.focal_a)
    assert download.headers["content-disposition"].endswith("''D%C3%A9cret%20_n%C2%B0%2012_.pdf")
    # A line break in a name (one macOS allows) is a space.
    broken = upload(client, setup.upload_url, samples.TEXT, "Minutes\nLima.txt", setup.focal_a)
    assert broken.json()["filename"] == "Minutes Lima.txt"
