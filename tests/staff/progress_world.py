"""The world of the progress update pages' tests (tests/staff/test_progress_pages.py and
test_progress_files.py): two ministries, an action of Justice's and a draft update with a PDF, and what
those tests read of the pages."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.evidence.content import ContentCheck
from app.evidence.storage import BlobStore
from app.models import EvidenceFile, ProgressUpdate
from tests.builder import building
from tests.evidence import samples
from tests.staff.conftest import StaffClient, StaffLogin


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


def focal_login(staff_login: StaffLogin, world: World) -> StaffClient:
    return staff_login("focal_point", entity_id=world.justice)


def etag(html: str) -> str:
    match = re.search(r'name="etag" value="([^"]*)"', html)
    assert match, "the page has no etag field"
    return match.group(1).replace("&#34;", '"')


def state_of(db: Connection, progress_id: int) -> tuple[str, bool, str | None]:
    with Session(db) as session:
        update = session.get(ProgressUpdate, progress_id)
        assert update is not None
        return update.state, update.published, update.review_comment


def progress_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.fullmatch(r"/staff/progress/(\d+)\?done=[a-z-]+", location)
    assert match, location
    return int(match.group(1))
