"""A progress update in the workspace: writing one (draft or submitted), its page, editing with the
ETag round trip, submitting, deleting a draft, and the coordinators' approve / return with a comment /
publish / unpublish. Focal points of another entity are refused the page and the files, as by the API.
Its files: test_progress_files.py."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import Action, AuditEvent, EvidenceFile, ProgressUpdate
from tests.conftest import ModuleWorld
from tests.evidence import samples
from tests.staff.conftest import StaffLogin, assert_refusal_reaches_its_fields
from tests.staff.progress_world import World, build_world, etag, focal_login, progress_id, state_of
from tests.staff.route_table import check_object_routes

ACTION_ROUTES = """
GET    /staff/actions/{id}/progress/new          200 200 200 403 303
POST   /staff/actions/{id}/progress              422 422 422 403 303
"""
PROGRESS_ROUTES = """
GET    /staff/progress/{id}                      200 200 200 403 303
GET    /staff/progress/{id}/delete               200 200 200 403 303
POST   /staff/progress/{id}/delete               303 303 303 403 303
POST   /staff/progress/{id}                      422 422 422 403 303
POST   /staff/progress/{id}/evidence             422 422 422 403 303
POST   /staff/progress/{id}/approve              409 409 403 403 303
POST   /staff/progress/{id}/return               422 422 403 403 303
POST   /staff/progress/{id}/publish              409 409 403 403 303
POST   /staff/progress/{id}/unpublish            409 409 403 403 303
POST   /staff/progress/{id}/submit               303 303 303 403 303
"""
EVIDENCE_ROUTES = """
GET    /staff/evidence/{id}                      200 200 200 403 303
GET    /staff/evidence/{id}/remove               200 200 200 403 303
POST   /staff/evidence/{id}/remove               303 303 303 403 303
"""
ROUTES = "\n".join(table.strip() for table in (ACTION_ROUTES, PROGRESS_ROUTES, EVIDENCE_ROUTES))


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, storage_dir: Path) -> World:
    return module_world(build_world, migrated_engine, storage_dir)


@pytest.mark.parametrize("role", ["admin", "coord", "fp", "reader", "anon"])
def test_routes_answer_each_role(role: str, world: World, staff_login: StaffLogin) -> None:
    failures = check_object_routes(ACTION_ROUTES, role, world.action, staff_login, world.justice)
    failures += check_object_routes(EVIDENCE_ROUTES, role, world.pdf, staff_login, world.justice)
    failures += check_object_routes(PROGRESS_ROUTES, role, world.draft, staff_login, world.justice)
    assert failures == []


def test_write_a_draft_then_submit_it(world: World, staff_login: StaffLogin, db: Connection) -> None:
    focal = focal_login(staff_login, world)
    form = focal.get(f"/staff/actions/{world.action}/progress/new")
    assert form.status_code == 200 and "Train judges" in form.text
    fields = {"reported_on": "2025-06-30", "narrative": "Forty judges.", "new_status": "in_progress"}
    saved = focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "false"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=progress-created")
    draft = progress_id(saved)
    assert state_of(db, draft)[0] == "draft"
    page = focal.get(saved.headers["location"])
    assert "The progress update is saved as a draft." in page.text and "Forty judges." in page.text
    # The link's hint says where files are attached: on this page, below (not "on the update's page").
    assert re.search(r"Files are attached on the update(&#39;|')s page\.", form.text)
    assert "Files are attached below, under “Attach files”." in page.text
    assert "Files are attached on the update" not in page.text
    submitted = focal.post(f"/staff/progress/{draft}/submit", {"etag": etag(page.text)})
    assert submitted.status_code == 303 and state_of(db, draft)[0] == "submitted"
    at_once = focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "true"})
    assert at_once.headers["location"].endswith("?done=progress-submitted")
    assert state_of(db, progress_id(at_once))[0] == "submitted"


def test_a_narrative_takes_the_direction_of_its_own_script(world: World, staff_login: StaffLogin) -> None:
    """An Arabic narrative was typed, and then shown, left to right (tests/portal/test_actions.py)."""
    focal = focal_login(staff_login, world)
    form = focal.get(f"/staff/actions/{world.action}/progress/new").text
    assert re.search(r'<textarea id="field-narrative" name="narrative" rows="8" dir="auto"', form)
    assert '<div class="narrative" dir="auto">' in focal.get(f"/staff/progress/{world.draft}").text


def test_refused_values_are_shown_with_what_was_typed(world: World, staff_login: StaffLogin) -> None:
    focal = focal_login(staff_login, world)
    typed = {"reported_on": "2099-01-01", "narrative": "Typed <b>text</b>", "evidence_url": "javascript:x"}
    page = focal.post(f"/staff/actions/{world.action}/progress", {**typed, "submit": "false"})
    assert page.status_code == 422
    assert 'href="#field-evidence_url"' in page.text and "Link to evidence" in page.text
    assert "Typed &lt;b&gt;text&lt;/b&gt;" in page.text and 'value="javascript:x"' in page.text
    assert_refusal_reaches_its_fields(page.text)
    future = focal.post(f"/staff/actions/{world.action}/progress", {**typed, "evidence_url": ""})
    assert future.status_code == 422 and 'href="#field-reported_on"' in future.text


def test_refusals_read_in_the_page_s_language(world: World, staff_login: StaffLogin) -> None:
    focal = focal_login(staff_login, world)
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


def test_an_edit_on_an_old_version_is_a_conflict(world: World, staff_login: StaffLogin) -> None:
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}")
    tag = etag(page.text)
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
    focal = focal_login(staff_login, world)
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
    assert state_of(db, world.draft)[:2] == ("approved", True)
    assert coordinator.post(f"/staff/progress/{world.draft}/unpublish").status_code == 303
    assert state_of(db, world.draft)[:2] == ("approved", False)
    assert coordinator.post(f"/staff/progress/{world.draft}/publish").status_code == 303
    again = coordinator.post(f"/staff/progress/{world.draft}/publish")
    assert again.status_code == 409 and "Publication: already published" in again.text


def test_a_return_comment_too_long_is_kept_to_shorten(world: World, staff_login: StaffLogin) -> None:
    """The box came back empty: a reviewer's long comment was lost with the refusal."""
    assert focal_login(staff_login, world).post(f"/staff/progress/{world.draft}/submit").status_code == 303
    comment = "Please give the number of judges per region. " + "More detail. " * 400
    refused = staff_login("coordinator").post(f"/staff/progress/{world.draft}/return", {"comment": comment})
    assert refused.status_code == 422 and 'href="#field-comment"' in refused.text
    box = re.search(r'(?s)<textarea id="field-comment"[^>]*>(.*?)</textarea>', refused.text)
    assert box is not None and box.group(1).strip() == comment.strip()


def test_a_stale_approval_names_what_the_other_reviewer_changed(
    world: World, staff_login: StaffLogin
) -> None:
    focal = focal_login(staff_login, world)
    assert focal.post(f"/staff/progress/{world.draft}/submit").status_code == 303
    first, second = staff_login("coordinator"), staff_login("coordinator")
    tag = etag(first.get(f"/staff/progress/{world.draft}").text)
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
    # The update and its file are pages that do not exist to them (its existence is not revealed);
    # the action's form is refused (the action is theirs to read, not to report on).
    for url, status in (
        (f"/staff/progress/{world.draft}", 404),
        (f"/staff/evidence/{world.pdf}", 404),
        (f"/staff/actions/{world.action}/progress/new", 403),
    ):
        response = other.get(url)
        assert response.status_code == status, url
        assert b"%PDF" not in response.content and "Two workshops" not in response.text
    refused = other.post(
        f"/staff/progress/{world.draft}/evidence", files=[("file", ("x.txt", samples.TEXT, "text/plain"))]
    )
    assert refused.status_code == 404


def test_a_correction_is_submitted_with_the_text_typed(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Correcting a returned update: the corrected text and the submission are one form. The page had
    "Submit for approval" apart, above the text: pressed after typing, it sent the old text to the
    coordinator and the correction was lost."""
    focal = focal_login(staff_login, world)
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
    sent = focal.post(f"/staff/progress/{world.draft}", {**fields, "etag": etag(page), "submit": "true"})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?done=progress-submitted")
    assert state_of(db, world.draft)[0] == "submitted"
    assert "25 judges in Lima, 15 in Cusco." in coordinator.get(f"/staff/progress/{world.draft}").text


def test_a_draft_started_by_mistake_is_deleted_with_its_files(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """A draft could not be deleted at all: it stayed in the entity's drafts for ever. Deleting asks
    once more, then takes its files with it; a submitted update offers no such button."""
    focal = focal_login(staff_login, world)
    fields = {"reported_on": "2025-06-30", "narrative": "Typed on the wrong action."}
    draft = progress_id(focal.post(f"/staff/actions/{world.action}/progress", fields))
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    assert focal.post(f"/staff/progress/{draft}/evidence", files=files).status_code == 303
    page = focal.get(f"/staff/progress/{draft}").text
    assert f'action="/staff/progress/{draft}/delete"' in page
    # The question is a page of its own (a 303 to a GET): Back after deleting never resends a form.
    sent = focal.post(f"/staff/progress/{draft}/delete", {"etag": etag(page)})
    assert sent.status_code == 303
    question = sent.headers["location"]
    assert question.startswith(f"/staff/progress/{draft}/delete?")
    asked = focal.get(question)
    assert asked.status_code == 200 and "<h1>Delete this draft?</h1>" in asked.text
    assert f'action="/staff/progress/{draft}/delete"' in asked.text and etag(asked.text) == etag(page)
    assert 'name="confirmed" value="yes"' in asked.text and f'href="/staff/progress/{draft}"' in asked.text
    assert focal.get(f"/staff/progress/{draft}").status_code == 200  # nothing deleted until confirmed
    # Another entity's focal point may not, nor with an old version of the page.
    other = staff_login("focal_point", entity_id=world.labour)
    assert other.post(f"/staff/progress/{draft}/delete", {"confirmed": "yes"}).status_code == 404
    done = focal.post(f"/staff/progress/{draft}/delete", {"etag": etag(page), "confirmed": "yes"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/actions/{world.action}?done=progress-deleted"
    assert "The draft is deleted." in focal.get(done.headers["location"]).text
    assert focal.get(f"/staff/progress/{draft}").status_code == 404
    # Back to the question once the draft is gone: its action.
    back = focal.get(question)
    assert back.status_code == 303 and back.headers["location"] == f"/staff/actions/{world.action}"
    with Session(db) as session:
        assert session.get(ProgressUpdate, draft) is None
        left = session.scalars(select(EvidenceFile).where(EvidenceFile.progress_update_id == draft)).all()
        assert left == []
    # Submitted: the coordinators have it; no delete button, and a posted form is refused.
    sent = progress_id(focal.post(f"/staff/actions/{world.action}/progress", {**fields, "submit": "true"}))
    page = focal.get(f"/staff/progress/{sent}").text
    assert f'action="/staff/progress/{sent}/delete"' not in page
    refused = focal.post(f"/staff/progress/{sent}/delete", {"confirmed": "yes"})
    assert refused.status_code == 409 and "is submitted" in refused.text


def test_the_refusals_are_listed_in_the_order_of_the_form(world: World, staff_login: StaffLogin) -> None:
    """A date in the future was named last in the box "There is a problem", below the fields that
    follow it on the form (What was done, Link to evidence): the box listed the schema's refusals,
    then the date's. It now follows the form, top to bottom, as a keyboard or screen reader does."""
    focal = focal_login(staff_login, world)
    typed = {
        "reported_on": "2099-01-01",
        "narrative": "",
        "evidence_url": "www.example.org",
        "submit": "true",
    }
    page = focal.post(f"/staff/actions/{world.action}/progress", typed)
    assert page.status_code == 422
    summary = page.text.split('class="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#field-(\w+)"', summary) == ["reported_on", "narrative", "evidence_url"]


def test_approving_a_report_overtaken_by_a_change_by_hand_says_the_status_is_kept(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """A coordinator set the action's status by hand after June; approving the June report late set
    it back. It is kept, and the page says so and why."""
    with Session(db) as session:
        action = session.get(Action, world.action)
        assert action is not None
        action.status = "delayed"
        session.add(
            AuditEvent(
                action="action.update",
                object_type="action",
                object_id=world.action,
                before={"status": "planned"},
                after={"status": "delayed"},
            )
        )
        june = ProgressUpdate(
            action_id=world.action,
            reported_on=date(2025, 6, 30),
            narrative="June.",
            new_status="in_progress",
            state="submitted",
        )
        session.add(june)
        session.commit()
        june_id = june.id
    coordinator = staff_login("coordinator")
    approved = coordinator.post(f"/staff/progress/{june_id}/approve", {})
    assert approved.status_code == 303
    assert approved.headers["location"].endswith("?done=progress-approved-status-kept")
    page = coordinator.get(approved.headers["location"])
    assert "The action&#39;s status is kept as it is" in page.text
    with Session(db) as session:
        assert session.scalar(select(Action.status).where(Action.id == world.action)) == "delayed"


def test_a_narrative_of_invisible_characters_is_refused_as_empty(
    world: World, staff_login: StaffLogin
) -> None:
    """A zero-width space pasted alone was saved: an update whose text nobody sees."""
    focal = focal_login(staff_login, world)
    fields = {"reported_on": "2025-06-30", "narrative": "\u200b\u200e", "submit": "false"}
    refused = focal.post(f"/staff/actions/{world.action}/progress", fields)
    assert refused.status_code == 422 and 'href="#field-narrative"' in refused.text
