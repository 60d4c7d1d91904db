"""A progress update's files in the workspace: attaching several (refusals naming the field, the room
left, the largest size announced), downloading and removing them, and the text typed beside them kept
when attaching, removing or saving with files still chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.models import EvidenceFile, ProgressUpdate
from app.web.i18n import translations
from tests.conftest import MakeApp, ModuleWorld
from tests.evidence import samples
from tests.staff.conftest import StaffClient, StaffLogin, _signer
from tests.staff.progress_world import World, build_world, etag, focal_login, state_of


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, storage_dir: Path) -> World:
    return module_world(build_world, migrated_engine, storage_dir)


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


def test_a_file_missing_from_storage_is_said_in_the_page_s_language(
    world: World, make_app: MakeApp, db: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose stored content is gone was a 404 saying why in English on a French page (an
    f-string): it is a catalogue message, filled in and read in the page's language."""
    message = (
        "the content of evidence file %(id)s is missing from storage "
        "(an administrator's `nrtd storage check` reports it)"
    )
    french = "le contenu du fichier justificatif %(id)s manque au stockage"
    monkeypatch.setitem(vars(translations("fr"))["_catalog"], message, french)
    focal = _signer(lambda: make_app(storage_dir=str(tmp_path)), db)("focal_point", entity_id=world.justice)
    page = focal.get(f"/staff/evidence/{world.pdf}", headers={"Accept-Language": "fr"})
    assert page.status_code == 404
    assert f"le contenu du fichier justificatif {world.pdf} manque au stockage" in page.text
    assert "is missing from storage" not in page.text


def test_attach_several_files_download_and_remove(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    focal = focal_login(staff_login, world)
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
    # The question is a page of its own (POST, then a 303 to a GET), so that Back from the update's
    # page after removing shows it again rather than the browser's "resubmit the form?".
    question = f"/staff/evidence/{rows[1].id}/remove?progress_id={world.draft}"
    sent = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"progress_id": str(world.draft)})
    assert sent.status_code == 303 and sent.headers["location"] == question
    asked = focal.get(question)
    assert asked.status_code == 200 and "<h1>Remove the file minutes.txt?</h1>" in asked.text
    assert f'action="/staff/evidence/{rows[1].id}/remove"' in asked.text
    assert (
        'name="confirmed" value="yes"' in asked.text and f'href="/staff/progress/{world.draft}"' in asked.text
    )
    assert f'href="/staff/evidence/{rows[1].id}"' in focal.get(f"/staff/progress/{world.draft}").text
    removed = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"confirmed": "yes"})
    assert removed.status_code == 303 and removed.headers["location"].endswith("?done=evidence-removed")
    assert f'href="/staff/evidence/{rows[1].id}"' not in focal.get(f"/staff/progress/{world.draft}").text
    # Back to the question once the file is gone: the update, which says so.
    back = focal.get(question)
    assert back.status_code == 303 and back.headers["location"].endswith("?done=evidence-gone")
    # Remove pressed again in a second tab: back to the update, which says so (not a dead-end 404).
    page = focal.get(f"/staff/progress/{world.draft}")
    assert f'name="progress_id" value="{world.draft}"' in page.text
    again = focal.post(f"/staff/evidence/{rows[1].id}/remove", {"progress_id": str(world.draft)})
    assert again.status_code == 303 and again.headers["location"].endswith("?done=evidence-gone")
    assert "The file had already been removed." in focal.get(again.headers["location"]).text
    # Without the form's field, or for an update the reader may not see, still a 404.
    assert focal.post(f"/staff/evidence/{rows[1].id}/remove").status_code == 404


def test_two_files_of_one_name_have_buttons_that_tell_them_apart(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Two photo.png (different photos) gave two "Remove photo.png" buttons alike: a screen reader's
    list of buttons could not tell which file each removes. A name the update holds once keeps its
    short button. (Two files of one name, different contents: the same content twice is refused.)"""
    focal = focal_login(staff_login, world)
    files = [
        ("file", ("minutes.txt", samples.TEXT, "text/plain")),
        ("file", ("minutes.txt", samples.TEXT + b"Corrected.\n", "text/plain")),
    ]
    assert focal.post(f"/staff/progress/{world.draft}/evidence", files=files).status_code == 303
    page = focal.get(f"/staff/progress/{world.draft}").text
    names = re.findall(
        r'formaction="/staff/evidence/\d+/remove"[^>]*>Remove<span class="visually-hidden">([^<]*)</span>',
        page,
    )
    assert len(names) == 3 and len(set(names)) == 3, names
    assert names[0] == " report.pdf"
    assert names[1].startswith(" minutes.txt (file 2 of 3, ") and ", attached " in names[1]
    assert names[2].startswith(" minutes.txt (file 3 of 3, ")


def test_refused_files_are_named_and_nothing_is_attached(
    world: World, staff_login: StaffLogin, make_app: MakeApp, db: Connection
) -> None:
    focal = focal_login(staff_login, world)
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
    # In the workspace's layout, signed in, with a way back to the update (it had neither).
    assert 'action="/staff/logout"' in big.text
    assert f'<a href="/staff/progress/{world.draft}">Back to the progress update</a>' in big.text
    # In the page's language only: the API's English sentence was shown above the translated reason.
    spanish = small.post(
        f"/staff/progress/{world.draft}/evidence?lang=es",
        files=[("file", ("big.txt", b"x" * 300_000, "text/plain"))],
    )
    assert spanish.status_code == 413 and "El archivo es demasiado grande" in spanish.text
    assert "Archivos: supera 2 KB" in spanish.text and "the largest evidence file" not in spanish.text


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
    page = focal_login(staff_login, world).post(f"/staff/progress/{world.draft}/evidence", files=five)
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


def test_the_largest_file_is_announced_and_named_in_megabytes(
    world: World, staff_login: StaffLogin, make_app: MakeApp
) -> None:
    """The attach form says how large a file may be before one is sent; a file over the limit is
    refused naming it in megabytes in the page's way (it said "26214400 bytes", and only afterwards)."""
    focal = focal_login(staff_login, world)
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


def test_saving_with_files_chosen_and_not_attached_is_refused(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Files chosen under "Attach files", then "Submit for approval" (or "Save changes") pressed: that
    button sends the fields without the files (only their names), and the update was submitted without
    them, no more open to attaching them, with nothing said. Now refused, nothing saved or submitted,
    the text typed shown again and the field named."""
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    fields = {
        "reported_on": "2025-06-30",
        "narrative": "Minutes attached.",
        "new_status": "",
        "etag": etag(page),
    }
    sent = focal.post(f"/staff/progress/{world.draft}", {**fields, "file": "minutes.pdf", "submit": "true"})
    assert sent.status_code == 422
    assert 'href="#field-file"' in sent.text and "Minutes attached." in sent.text
    assert "The chosen files are not attached: choose them again and press Attach." in sent.text
    assert state_of(db, world.draft)[0] == "draft"
    # No file chosen (the browser sends the field empty): saved as before.
    saved = focal.post(f"/staff/progress/{world.draft}", {**fields, "file": "", "submit": "false"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=saved")


def test_attaching_keeps_the_text_typed_and_not_yet_saved(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The attach form was a form of its own: a correction typed in the update's fields, then Attach,
    and the correction was gone. Attach now belongs to the update's form and saves the text first."""
    focal = focal_login(staff_login, world)
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
    fields = {**typed, "etag": etag(page)}
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
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    assert re.search(
        rf'<button type="submit" class="link-button" form="progress-form" '
        rf'formaction="/staff/evidence/{world.pdf}/remove" name="progress_id" value="{world.draft}">',
        page,
    )
    typed = {"reported_on": "2025-06-30", "narrative": "Typed before removing the file.", "new_status": ""}
    fields = {**typed, "etag": etag(page), "progress_id": str(world.draft)}
    sent = focal.post(f"/staff/evidence/{world.pdf}/remove", fields)
    assert sent.status_code == 303
    asked = focal.get(sent.headers["location"])
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


def test_attach_pressed_twice_attaches_the_files_once(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    token = re.search(r'name="form_token" value="([^"]+)" form="progress-form"', page)
    assert token, "the attach button's form carries no one-time token"
    fields = {"etag": etag(page), "form_token": token.group(1)}
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    first = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=files)
    second = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=files)
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["location"] == first.headers["location"]
    with Session(db) as session:
        names = session.scalars(
            select(EvidenceFile.filename).where(EvidenceFile.progress_update_id == world.draft)
        )
        assert sorted(names) == ["minutes.txt", "report.pdf"]


def test_a_nul_pasted_into_the_text_of_an_attaching_form_is_left_out(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """Attach sends the update's form as multipart, which the door's NUL guard does not read: a
    narrative pasted from a PDF was stored with its invisible NUL (SQLite) or answered a server error
    (PostgreSQL cannot store one); it is saved without it, as the other forms are."""
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    fields = {
        "reported_on": "2025-06-30",
        "narrative": "Forty\x00 judges",
        "new_status": "",
        "etag": etag(page),
    }
    files = [("file", ("minutes.txt", samples.TEXT, "text/plain"))]
    attached = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=files)
    assert attached.status_code == 303
    with Session(db) as session:
        update = session.get(ProgressUpdate, world.draft)
        assert update is not None and update.narrative == "Forty judges"
