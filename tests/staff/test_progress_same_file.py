"""A file a progress update already holds (the same bytes, under any name), attached again from the
workspace: refused by the evidence service, the file box naming both files, what was typed kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app.models import EvidenceFile, ProgressUpdate
from tests.conftest import ModuleWorld
from tests.evidence import samples
from tests.staff.conftest import StaffLogin
from tests.staff.progress_world import World, build_world, etag, focal_login


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, storage_dir: Path) -> World:
    return module_world(build_world, migrated_engine, storage_dir)


def test_the_same_file_attached_twice_is_refused_naming_it(
    world: World, staff_login: StaffLogin, db: Connection
) -> None:
    """The same bytes as a file the update holds (under any name), or twice in one form: refused by
    the service, naming the file and the one it repeats; what was typed is kept, nothing attached."""
    focal = focal_login(staff_login, world)
    page = focal.get(f"/staff/progress/{world.draft}").text
    fields = {"reported_on": "2025-06-30", "narrative": "Typed beside the copy.", "new_status": ""}
    fields["etag"] = etag(page)
    again = [("file", ("copy of report.pdf", samples.PDF, "application/pdf"))]
    refused = focal.post(f"/staff/progress/{world.draft}/evidence", fields, files=again)
    assert refused.status_code == 409 and 'href="#field-file"' in refused.text
    assert "copy of report.pdf: is the same file as report.pdf, already attached" in refused.text
    assert "Typed beside the copy." in refused.text
    twice = [
        ("file", ("minutes.txt", samples.TEXT, "text/plain")),
        ("file", ("minutes (1).txt", samples.TEXT, "text/plain")),
    ]
    refused = focal.post(f"/staff/progress/{world.draft}/evidence", files=twice)
    assert refused.status_code == 409
    assert "minutes (1).txt: is the same file as minutes.txt, already attached" in refused.text
    assert "None of the 2 files is attached" in refused.text
    with Session(db) as session:
        names = list(
            session.scalars(
                select(EvidenceFile.filename).where(EvidenceFile.progress_update_id == world.draft)
            )
        )
        update = session.get(ProgressUpdate, world.draft)
        assert update is not None and update.narrative == "Two workshops held."
    assert names == ["report.pdf"]


def test_a_refused_file_is_named_as_chosen_not_as_its_form_escape(
    world: World, staff_login: StaffLogin
) -> None:
    """A browser sends a name's double quote as ``%22``: the refusal named the file
    ``copy %22final%22.pdf``, a name the person never chose (and the one kept is ``copy _final_.pdf``)."""
    focal = focal_login(staff_login, world)
    again = [("file", ('copy "final".pdf', samples.PDF, "application/pdf"))]
    refused = focal.post(f"/staff/progress/{world.draft}/evidence", files=again)
    assert refused.status_code == 409
    assert "copy &#34;final&#34;.pdf: is the same file as report.pdf, already attached" in refused.text
    assert "%22" not in refused.text
