"""A progress update in the workspace: writing one (draft or submitted), its page, editing with the
ETag round trip, attaching several files (refusals naming the field), downloading and removing them,
submitting, and the coordinators' approve / return with a comment / publish / unpublish. Focal points
of another entity are refused the page and the files, as by the API."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.evidence.content import ContentCheck
from app.evidence.storage import BlobStore
from app.models import EvidenceFile, ProgressUpdate
from tests.builder import building
from tests.conftest import MakeApp, ModuleWorld
from tests.evidence import samples
from tests.staff.conftest import StaffClient, StaffLogin, _signer, assert_refusal_reaches_its_fields
from tests.staff.route_table import check_object_routes

ACTION_ROUTES = """
GET    /staff/actions/{id}/progress/new          200 200 200 403 303
POST   /staff/actions/{id}/progress              422 422 422 403 303
"""
PROGRESS_ROUTES = """
GET    /staff/progress/{id}                      200 200 200 403 303
POST   /staff/progress/{id}                      422 422 422 403 303
POST   /staff/progress/{id}/evidence             422 422 422 403 303
POST   /staff/progress/{id}/approve              409 409 403 403 303
POST   /staff/progress/{id}/return               422 422 403 403 303
POST   /staff/progress/{id}/publish              409 409 403 403 303
POST   /staff/progress/{id}/unpublish            409 409 403 403 303
POST   /staff/progress/{id}/submit               303 303 303 403 303
POST   /staff/progress/{id}/delete               200 200 200 403 303
"""
EVIDENCE_ROUTES = """
GET    /staff/evidence/{id}                      200 200 200 403 303
POST   /staff/evidence/{id}/remove               200 200 200 403 303
"""
ROUTES = "\n".join(table.strip() for table in (ACTION_ROUTES, PROGRESS_ROUTES, EVIDENCE_ROUTES))


@dataclass(frozen=True)
class World:
    justice: int
    labour: int
    action: int
    draft: int  # written in Justice, with one PDF attached
    pdf: int


def build_world(engine: Engine, storage: Path) -> World:
    store = BlobStore(storage)
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        labour = build.entity("Ministry of Labour").id
        action = build.action("Train judges", lead_entity_id=justice).id
        author = build.author("author@justice.example", entity_id=justice)
        draft = build.progress(action, "draft", "Two workshops held.", author_id=author.id)
        received = store.receive(io.BytesIO(samples.PDF), 10**6, ContentCheck())
        store.keep(received)
        pdf = EvidenceFile(
            progress_update_id=draft.id,
            filename="report.pdf",
            media_type="application/pdf",
            size=len(samples.PDF),
            sha256=received.sha256,
        )
        build.session.add(pdf)
        build.session.flush()
        return World(justice, labour, action, draft.id, pdf.id)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, storage_dir: Path) -> World:
    return module_world(build_world, migrated_engine, storage_dir)


@pytest.mark.parametrize("role", ["admin", "coord", "fp", "reader", "anon"])
def test_routes_answer_each_role(role: str, world: World, staff_login: StaffLogin) -> None:
    failures = check_object_routes(ACTION_ROUTES, role, world.action, staff_login, world.justice)
    failures += check_object_routes(EVIDENCE_ROUTES, role, world.pdf, staff_login, world.justice)
    failures += check_object_routes(PROGRESS_ROUTES, role, world.draft, staff_login, world.justice)
    assert failures == []


def _focal(staff_login: StaffLogin, world: World) -> StaffClient:
    return staff_login("focal_point", entity_id=world.justice)


def _etag(html: str) -> str:
    match = re.search(r'name="etag" value="([^"]*)"', html)
    assert match, "the page has no etag field"
    return match.group(1).replace("&#34;", '"')


def _state(db: Connection, progress_id: int) -> tuple[str, bool, str | None]:
    with Session(db) as session:
        update = session.get(ProgressUpdate, progress_id)
        assert update is not None
        return update.state, update.published, update.review_comment


def _progress_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.fullmatch(r"/staff/progress/(\d+)\?done=[a-z-]+", location)
    assert match, location
    return int(match.group(1))


def test_write_a_draft_then_submit_it(world: World, staff_login: StaffLogin, db: Connection) -> None:
    focal = _focal(staff_login, world)
    form = focal.get(f"/staff/actions/{world.action}/progress/new")
    assert form.status_code == 200 and "Train judges" in form.text
    fields = {"reported_on": "2025-06-30", "narrative": "Forty judges.", "new_status": "in_progress"}
    saved = focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "false"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=progress-created")
    draft = _progress_id(saved)
    assert _state(db, draft)[0] == "draft"
    page = focal.get(saved.headers["location"])
    assert "The progress update is saved as a draft." in page.text and "Forty judges." in page.text
    # The link's hint says where files are attached: on this page, below (not "on the update's page").
    assert re.search(r"Files are attached on the update(&#39;|')s page\.", form.text)
    assert "Files are attached below, under “Attach files”." in page.text
    assert "Files are attached on the update" not in page.text
    submitted = focal.post(f"/staff/progress/{draft}/submit", {"etag": _etag(page.text)})
    assert submitted.status_code == 303 and _state(db, draft)[0] == "submitted"
    at_once = focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "true"})
    assert at_once.headers["location"].endswith("?done=progress-submitted")
    assert _state(db, _progress_id(at_once))[0] == "submitted"


def test_refused_values_are_shown_with_what_was_typed(world: World, staff_login: StaffLogin) -> None:
    focal = _focal(staff_login, world)
    typed = {"reported_on": "2999-01-01", "narrative": "Typed <b>text</b>", "evidence_url": "javascript:x"}
    page = focal.post(f"/staff/actions/{world.action}/progress", {**typed, "submit": "false"})
    assert page.status_code == 422
    assert 'href="#field-evidence_url"' in page.text and "Link to evidence" in page.text
    assert "Typed &lt;b&gt;text&lt;/b&gt;" in page.text and 'value="javascript:x"' in page.text
    assert_refusal_reaches_its_fields(page.text)
    future = focal.post(f"/staff/actions/{world.action}/progress", {**typed, "evidence_url": ""})
    assert future.status_code == 422 and 'href="#field-reported_on"' in future.text


def test_refusals_read_in_the_page_s_language(world: World, staff_login: StaffLogin) -> None:
    focal = _focal(staff_login, world)
    typed = {"reported_on": "2026-01-01", "narrative": "Done.", "evidence_url": "ftp://example.org/x"}
    link = focal.post(f"/staff/actions/{world.action}/progress?lang=fr", {**typed, "submit": "false"})
    assert link.status_code == 422
    assert "doit être une adresse web commençant par http:// ou https://" in link.text
    files = [("file", ("impl-bad.pdf", samples.EXE_AS_PDF, "application/pdf"))]
    page = focal.post(f"/staff/progress/{world.draft}/evidence?lang=fr", files=files)
    assert page.status_code == 422
    # The file's name, then the reason translated with its list of accepted kinds filled in.
    assert "impl-bad.pdf : le fichier est un programme Windows, ce qui n" in page.text
    assert "(PDF, PNG, JPEG" in page.text and "Windows program" not in page.text
    assert "CSV ou texte brut)" in page.text and "plain text" not in page.text


def test_a_file_the_storage_cannot_take_is_named_on_the_page(
    world: World, make_app: MakeApp, db: Connection, tmp_path: Path
) -> None:
    """A full or read-only disk: the page says so beside the file's name (was a 500 page)."""
    (tmp_path / "tmp").write_bytes(b"a file where the uploads' directory should be")
    focal = _signer(lambda: make_app(storage_dir=str(tmp_path)), db)("focal_point", entity_id=world.justice)
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    page = focal.post(f"/staff/progress/{world.draft}/evidence", files=files)
    assert page.status_code == 507
    assert (
        "minutes.txt: could not be stored: the server&#39;s storage is full or cannot be written."
        in page.text
    )


def test_attach_several_files_download_and_remove(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    focal = _focal(staff_login, world)
    files = [
        ("file", ("minutes.txt", samples.TEXT, "text/plain")),
        ("file", ("photo.png", samples.PNG, "image/png")),
    ]
    attached = focal.post(f"/staff/progress/{world.draft}/evidence", files=files)
    assert attached.status_code == 303 and attached.headers["location"].endswith("?done=evidence-added")
    with Session(db) as session:
        rows = list(
            session.scalars(select(EvidenceFile).where(EvidenceFile.progress_update_id == world.draft))
        )
    assert [row.filename for row in rows] == ["report.pdf", "minutes.txt", "photo.png"]
    page = focal.get(f"/staff/progress/{world.draft}")
    for row in rows:
        assert f'href="/staff/evidence/{row.id}"' in page.text
    # Sizes the page's way: "1 KB", "1 Ko" in French.
    assert "<td>1 KB</td>" in page.text
    french = focal.get(f"/staff/progress/{world.draft}?lang=fr").text
    assert "<td>1 Ko</td>" in french and " KB<" not in french
    focal.get(f"/staff/progress/{world.draft}?lang=en")  # the language chosen is remembered: back to English
    download = focal.get(f"/staff/evidence/{rows[1].id}")
    assert download.content == samples.TEXT
    assert download.headers["content-disposition"].startswith('attachment; filename="minutes.txt"')
    assert download.headers["x-content-type-options"] == "nosniff"
    # Remove cannot be undone: it asks first, naming the file, and removes nothing until confirmed.
    asked = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"progress_id": str(world.draft)})
    assert asked.status_code == 200 and "<h1>Remove the file minutes.txt?</h1>" in asked.text
    assert f'action="/staff/evidence/{rows[1].id}/remove"' in asked.text
    assert (
        'name="confirmed" value="yes"' in asked.text and f'href="/staff/progress/{world.draft}"' in asked.text
    )
    assert f'href="/staff/evidence/{rows[1].id}"' in focal.get(f"/staff/progress/{world.draft}").text
    removed = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"confirmed": "yes"})
    assert removed.status_code == 303 and removed.headers["location"].endswith("?done=evidence-removed")
    assert f'href="/staff/evidence/{rows[1].id}"' not in focal.get(f"/staff/progress/{world.draft}").text
    # Remove pressed again in a second tab: back to the update, which says so (not a dead-end 404).
    page = focal.get(f"/staff/progress/{world.draft}")
    assert f'name="progress_id" value="{world.draft}"' in page.text
    again = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"progress_id": str(world.draft)})
    assert again.status_code == 303 and again.headers["location"].endswith("?done=evidence-gone")
    assert "The file had already been removed." in focal.get(again.headers["location"]).text
    # Without the form's field, or for an update the reader may not see, still a 404.
    assert focal.post(f"/staff/evidence/{rows[1].id}/remove").status_code == 404


def test_refused_files_are_named_and_nothing_is_attached(
    world: World, staff_login: StaffLogin, make_app: MakeApp, db: Connection
) -> None:
    focal = _focal(staff_login, world)
    files = [
        ("file", ("ok.txt", samples.TEXT, "text/plain")),
        ("file", ("report.pdf", samples.EXE_AS_PDF, "application/pdf")),
    ]
    page = focal.post(f"/staff/progress/{world.draft}/evidence", files=files)
    assert page.status_code == 422
    assert 'href="#field-file"' in page.text and "report.pdf: the file is a Windows program" in page.text
    # The file that was fine is not attached either, and the page says so (it seemed to be).
    assert "None of the 2 files is attached: choose the others again." in page.text
    with Session(db) as session:
        names = set(
            session.scalars(
                select(EvidenceFile.filename).where(EvidenceFile.progress_update_id == world.draft)
            )
        )
    assert names == {"report.pdf"}  # the world's own PDF only: all or nothing
    empty = focal.post(
        f"/staff/progress/{world.draft}/evidence", files=[("file", ("", b"", "application/octet-stream"))]
    )
    assert empty.status_code == 422 and "Choose at least one file to attach." in empty.text
    # More files than one upload takes: the page names the field (not a bare 400), nothing attached.
    six = [("file", (f"part-{n}.txt", samples.TEXT, "text/plain")) for n in range(6)]
    many = focal.post(f"/staff/progress/{world.draft}/evidence", files=six)
    assert many.status_code == 422 and 'href="#field-file"' in many.text
    assert "Choose at most 5 files at a time." in many.text
    # Over the size limit: the workspace's 413 page names the field.
    small = StaffClient(
        TestClient(make_app(evidence_max_bytes=2048), follow_redirects=False),
        focal.secret,
        focal.csrf,
        focal.user_id,
    )
    big = small.post(
        f"/staff/progress/{world.draft}/evidence", files=[("file", ("big.txt", b"x" * 300_000, "text/plain"))]
    )
    assert (
        big.status_code == 413
        and "The file is too large" in big.text
        and "larger than 2 KB, the largest evidence file" in big.text
    )


def test_more_files_than_the_update_has_room_for_says_how_many_it_takes(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """An update holding 18 files, 5 chosen: the third was refused with "holds at most 20 files;
    remove one first" and none attached, though two could be: the page now says how many it takes."""
    with Session(db) as session:
        pdf = session.get(EvidenceFile, world.pdf)
        assert pdf is not None
        for n in range(17):
            session.add(
                EvidenceFile(
                    progress_update_id=world.draft,
                    filename=f"page-{n}.pdf",
                    media_type=pdf.media_type,
                    size=pdf.size,
                    sha256=pdf.sha256,
                )
            )
        session.flush()
    five = [("file", (f"part-{n}.txt", samples.TEXT, "text/plain")) for n in range(5)]
    page = _focal(staff_login, world).post(f"/staff/progress/{world.draft}/evidence", files=five)
    assert page.status_code == 409 and 'href="#field-file"' in page.text
    assert (
        "This update holds 18 files and takes at most 20: choose at most 2, or remove some first."
        in page.text
    )
    with Session(db) as session:
        count = session.scalar(
            select(func.count())
            .select_from(EvidenceFile)
            .where(EvidenceFile.progress_update_id == world.draft)
        )
    assert count == 18


def test_an_edit_on_an_old_version_is_a_conflict(world: World, staff_login: StaffLogin) -> None:
    focal = _focal(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}")
    tag = _etag(page.text)
    fields = {"reported_on": "2025-06-30", "narrative": "First edit.", "new_status": "", "evidence_url": ""}
    assert focal.post(f"/staff/progress/{world.draft}", {**fields, "etag": tag}).status_code == 303
    late = focal.post(
        f"/staff/progress/{world.draft}",
        {**fields, "narrative": "Second edit.", "new_status": "in_progress", "etag": tag},
    )
    assert late.status_code == 412 and "Second edit." in late.text
    # The status typed is named as the form named it, not by its code.
    assert "In progress" in late.text and "in_progress" not in late.text


def test_return_with_a_comment_then_approve_and_publish(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    focal = _focal(staff_login, world)
    coordinator = staff_login("coordinator")
    assert focal.post(f"/staff/progress/{world.draft}/submit").status_code == 303
    blank = coordinator.post(f"/staff/progress/{world.draft}/return", {"comment": "  "})
    assert blank.status_code == 422 and 'href="#field-comment"' in blank.text
    comment = "Please give the number of judges per region."
    assert coordinator.post(f"/staff/progress/{world.draft}/return", {"comment": comment}).status_code == 303
    seen = focal.get(f"/staff/progress/{world.draft}")
    assert "Returned by the coordinator" in seen.text and comment in seen.text
    assert f'action="/staff/progress/{world.draft}/evidence"' in seen.text  # files may change again
    assert focal.post(f"/staff/progress/{world.draft}/submit").status_code == 303
    approved = coordinator.post(f"/staff/progress/{world.draft}/approve", {"publish": "true"})
    assert approved.headers["location"].endswith("?done=progress-approved")
    assert _state(db, world.draft)[:2] == ("approved", True)
    assert coordinator.post(f"/staff/progress/{world.draft}/unpublish").status_code == 303
    assert _state(db, world.draft)[:2] == ("approved", False)
    assert coordinator.post(f"/staff/progress/{world.draft}/publish").status_code == 303
    again = coordinator.post(f"/staff/progress/{world.draft}/publish")
    assert again.status_code == 409 and "Publication: already published" in again.text


def test_a_stale_approval_names_what_the_other_reviewer_changed(
    world: World, staff_login: StaffLogin
) -> None:
    focal = _focal(staff_login, world)
    assert focal.post(f"/staff/progress/{world.draft}/submit").status_code == 303
    first, second = staff_login("coordinator"), staff_login("coordinator")
    tag = _etag(first.get(f"/staff/progress/{world.draft}").text)
    returned = second.post(f"/staff/progress/{world.draft}/return", {"comment": "More detail", "etag": tag})
    assert returned.status_code == 303
    stale = first.post(
        f"/staff/progress/{world.draft}/approve", {"etag": tag, "publish": "true", "publish_parents": "true"}
    )
    assert stale.status_code == 412
    # Ticking the boxes of a button's form is not typing: no "publish true" is shown as typed.
    shown = stale.text.split("<main")[1].split("</main>")[0]
    assert "What you typed" not in shown and "publish" not in shown
    # The fields as the page names them; the review's bookkeeping columns are not shown.
    assert "Changed: State, Comment for the author</p>" in stale.text
    assert "review_comment" not in stale.text and "reviewed_at" not in stale.text


def test_another_entity_sees_neither_page_nor_file(world: World, staff_login: StaffLogin) -> None:
    other = staff_login("focal_point", entity_id=world.labour)
    for url in (
        f"/staff/progress/{world.draft}",
        f"/staff/evidence/{world.pdf}",
        f"/staff/actions/{world.action}/progress/new",
    ):
        response = other.get(url)
        assert response.status_code == 403, url
        assert b"%PDF" not in response.content and "Two workshops" not in response.text
    refused = other.post(
        f"/staff/progress/{world.draft}/evidence", files=[("file", ("x.txt", samples.TEXT, "text/plain"))]
    )
    assert refused.status_code == 403


def test_the_largest_file_is_announced_and_named_in_megabytes(
    world: World, staff_login: StaffLogin, make_app: MakeApp
) -> None:
    """The attach form says how large a file may be before one is sent; a file over the limit is
    refused naming it in megabytes in the page's way (it said "26214400 bytes", and only afterwards)."""
    focal = _focal(staff_login, world)
    small = StaffClient(
        TestClient(make_app(evidence_max_bytes=3 * 1024 * 1024), follow_redirects=False),
        focal.secret,
        focal.csrf,
        focal.user_id,
    )
    page = small.get(f"/staff/progress/{world.draft}").text
    assert "CSV or plain text. Each file may be at most 3 MB.</p>" in page
    big = [("file", ("scan.pdf", samples.PDF + b"0" * (3 * 1024 * 1024), "application/pdf"))]
    refused = small.post(f"/staff/progress/{world.draft}/evidence", files=big)
    assert refused.status_code == 413
    assert "scan.pdf: is larger than 3 MB, the largest evidence file this server accepts" in refused.text
    french = small.get(f"/staff/progress/{world.draft}?lang=fr").text
    assert "3 Mo" in french and "3 MB" not in french


def test_a_correction_is_submitted_with_the_text_typed(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Correcting a returned update: the corrected text and the submission are one form. The page had
    "Submit for approval" apart, above the text: pressed after typing, it sent the old text to the
    coordinator and the correction was lost."""
    focal = _focal(staff_login, world)
    coordinator = staff_login("coordinator")
    assert focal.post(f"/staff/progress/{world.draft}/submit").status_code == 303
    comment = {"comment": "Give the number of judges per region."}
    assert coordinator.post(f"/staff/progress/{world.draft}/return", comment).status_code == 303
    page = focal.get(f"/staff/progress/{world.draft}").text
    form = re.search(
        rf'<form method="post" action="/staff/progress/{world.draft}" id="progress-form" novalidate>'
        r".*?</form>",
        page,
        re.S,
    )
    assert form and re.search(
        r'<button type="submit" name="submit" value="true"[^>]*>Submit for approval', form.group(0)
    )
    assert f'action="/staff/progress/{world.draft}/submit"' not in page  # no second form to press by mistake
    fields = {"reported_on": "2025-06-30", "narrative": "25 judges in Lima, 15 in Cusco.", "new_status": ""}
    sent = focal.post(f"/staff/progress/{world.draft}", {**fields, "etag": _etag(page), "submit": "true"})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?done=progress-submitted")
    assert _state(db, world.draft)[0] == "submitted"
    assert "25 judges in Lima, 15 in Cusco." in coordinator.get(f"/staff/progress/{world.draft}").text


def test_saving_with_files_chosen_and_not_attached_is_refused(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Files chosen under "Attach files", then "Submit for approval" (or "Save changes") pressed: that
    button sends the fields without the files (only their names), and the update was submitted without
    them, no more open to attaching them, with nothing said. Now refused, nothing saved or submitted,
    the text typed shown again and the field named."""
    focal = _focal(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    fields = {
        "reported_on": "2025-06-30",
        "narrative": "Minutes attached.",
        "new_status": "",
        "etag": _etag(page),
    }
    sent = focal.post(f"/staff/progress/{world.draft}", {**fields, "file": "minutes.pdf", "submit": "true"})
    assert sent.status_code == 422
    assert 'href="#field-file"' in sent.text and "Minutes attached." in sent.text
    assert "The chosen files are not attached: choose them again and press Attach." in sent.text
    assert _state(db, world.draft)[0] == "draft"
    # No file chosen (the browser sends the field empty): saved as before.
    saved = focal.post(f"/staff/progress/{world.draft}", {**fields, "file": "", "submit": "false"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")


def test_a_draft_started_by_mistake_is_deleted_with_its_files(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """A draft could not be deleted at all: it stayed in the entity's drafts for ever. Deleting asks
    once more, then takes its files with it; a submitted update offers no such button."""
    focal = _focal(staff_login, world)
    fields = {"reported_on": "2025-06-30", "narrative": "Typed on the wrong action."}
    draft = _progress_id(focal.post(f"/staff/actions/{world.action}/progress", fields))
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    assert focal.post(f"/staff/progress/{draft}/evidence", files=files).status_code == 303
    page = focal.get(f"/staff/progress/{draft}").text
    assert f'action="/staff/progress/{draft}/delete"' in page
    asked = focal.post(f"/staff/progress/{draft}/delete", {"etag": _etag(page)})
    assert asked.status_code == 200 and "<h1>Delete this draft?</h1>" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and f'href="/staff/progress/{draft}"' in asked.text
    assert focal.get(f"/staff/progress/{draft}").status_code == 200  # nothing deleted until confirmed
    # Another entity's focal point may not, nor with an old version of the page.
    other = staff_login("focal_point", entity_id=world.labour)
    assert other.post(f"/staff/progress/{draft}/delete", {"confirmed": "yes"}).status_code == 403
    done = focal.post(f"/staff/progress/{draft}/delete", {"etag": _etag(page), "confirmed": "yes"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/actions/{world.action}?done=progress-deleted"
    assert "The draft is deleted." in focal.get(done.headers["location"]).text
    assert focal.get(f"/staff/progress/{draft}").status_code == 404
    with Session(db) as session:
        assert session.get(ProgressUpdate, draft) is None
        left = session.scalars(select(EvidenceFile).where(EvidenceFile.progress_update_id == draft)).all()
        assert left == []
    # Submitted: the coordinators have it; no delete button, and a posted form is refused.
    sent = _progress_id(focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "true"}))
    page = focal.get(f"/staff/progress/{sent}").text
    assert f'action="/staff/progress/{sent}/delete"' not in page
    refused = focal.post(f"/staff/progress/{sent}/delete", {"confirmed": "yes"})
    assert refused.status_code == 409 and "is submitted" in refused.text


def test_attaching_keeps_the_text_typed_and_not_yet_saved(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The attach form was a form of its own: a correction typed in the update's fields, then Attach,
    and the correction was gone. Attach now belongs to the update's form and saves the text first."""
    focal = _focal(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    assert re.search(
        r'<button type="submit"[^>]* form="progress-form" '
        rf'formaction="/staff/progress/{world.draft}/evidence" '
        r'formenctype="multipart/form-data">Attach</button>',
        page,
    )
    assert re.search(r'<input id="field-file" name="file" type="file" multiple form="progress-form"', page)
    typed = {
        "reported_on": "2025-06-30",
        "narrative": "Forty judges, typed before attaching.",
        "new_status": "",
    }
    fields = {**typed, "etag": _etag(page)}
    # A refused file: nothing attached, nothing saved, and what was typed is on the page again.
    bad = [("file", ("report.pdf", samples.EXE_AS_PDF, "application/pdf"))]
    refused = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=bad)
    assert refused.status_code == 422 and "Forty judges, typed before attaching." in refused.text
    none = focal.post(
        f"/staff/progress/{world.draft}/evidence", fields, files=[("file", ("", b"", "text/plain"))]
    )
    assert none.status_code == 422 and "Forty judges, typed before attaching." in none.text
    with Session(db) as session:
        update = session.get(ProgressUpdate, world.draft)
        assert update is not None and update.narrative == "Two workshops held."
    # A field the schema refuses: named, with the text kept, nothing attached.
    empty = focal.post(
        f"/staff/progress/{world.draft}/evidence",
        {**fields, "narrative": " ", "reported_on": "2025-06-30"},
        files=[("file", ("minutes.txt", samples.TEXT, "text/plain"))],
    )
    assert empty.status_code == 422 and 'href="#field-narrative"' in empty.text
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    attached = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=files)
    assert attached.status_code == 303 and attached.headers["location"].endswith("?done=evidence-added")
    with Session(db) as session:
        update = session.get(ProgressUpdate, world.draft)
        assert update is not None and update.narrative == "Forty judges, typed before attaching."
        names = session.scalars(
            select(EvidenceFile.filename).where(EvidenceFile.progress_update_id == update.id)
        )
        assert set(names) == {"report.pdf", "minutes.txt"}
    # The same form sent from the old page: the conflict page, with what was typed.
    stale = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=files)
    assert stale.status_code == 412 and "Forty judges, typed before attaching." in stale.text


def test_removing_a_file_keeps_the_text_typed_and_not_yet_saved(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Remove was a form of its own too: the correction typed above was lost when a file was removed."""
    focal = _focal(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    assert re.search(
        rf'<button type="submit" class="link-button" form="progress-form" '
        rf'formaction="/staff/evidence/{world.pdf}/remove" name="progress_id" value="{world.draft}">',
        page,
    )
    typed = {"reported_on": "2025-06-30", "narrative": "Typed before removing the file.", "new_status": ""}
    fields = {**typed, "etag": _etag(page), "progress_id": str(world.draft)}
    asked = focal.post(f"/staff/evidence/{world.pdf}/remove", fields)
    assert asked.status_code == 200 and "<h1>Remove the file report.pdf?</h1>" in asked.text
    with Session(db) as session:
        update = session.get(ProgressUpdate, world.draft)
        assert update is not None and update.narrative == "Typed before removing the file."
    # Cancel goes back to the page: the text is there, saved.
    assert "Typed before removing the file." in focal.get(f"/staff/progress/{world.draft}").text
    # A field the schema refuses: the page again with what was typed, the file still there.
    refused = focal.post(f"/staff/evidence/{world.pdf}/remove", {**fields, "narrative": " ", "etag": '"2"'})
    assert refused.status_code == 422 and 'href="#field-narrative"' in refused.text
    assert 'href="/staff/evidence/' in refused.text
