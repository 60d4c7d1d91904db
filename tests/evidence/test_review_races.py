"""A file attached or removed while another request sends the update on for review.

An upload's content is copied, hashed and checked inside the request's transaction: on PostgreSQL a
submission, an approval and a publication could all commit meanwhile, and the file was then attached
to an update already approved and published, public without anyone having reviewed it. The update is
checked again, locked, just before the file's row is written (and before a file is removed).
SQLite's writers hold the database's write lock for their whole request: nobody can come between.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.errors import Conflict
from app.evidence import service
from app.evidence.storage import BlobStore
from app.models import EvidenceFile, ProgressUpdate
from app.plans.progress import service as progress
from tests.evidence import samples
from tests.evidence.conftest import Setup

COORDINATOR = Actor(role="coordinator", label="test")


@pytest.fixture(autouse=True)
def _postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take the write lock first: no other request can come between")


def _approved_elsewhere(engine: Engine, progress_id: int) -> None:
    """Another request submits, approves and publishes the update, and commits."""
    with engine.begin() as conn:
        conn.execute(
            update(ProgressUpdate)
            .where(ProgressUpdate.id == progress_id)
            .values(state="approved", published=True)
        )


class _Upload(io.BytesIO):
    """A file whose reading lets the other request commit once, half-way through the upload."""

    def __init__(self, content: bytes, meanwhile: object) -> None:
        super().__init__(content)
        self.meanwhile = meanwhile

    def read(self, size: int | None = -1) -> bytes:
        if self.meanwhile is not None:
            callback, self.meanwhile = self.meanwhile, None
            callback()  # type: ignore[operator]
        return super().read(size)


def _files(engine: Engine, progress_id: int) -> int:
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(EvidenceFile)
                .where(EvidenceFile.progress_update_id == progress_id)
            )
            or 0
        )


def test_a_file_is_not_attached_to_an_update_approved_while_it_was_read(
    setup: Setup, engine: Engine, storage_dir: Path
) -> None:
    progress_id = setup.progress["id"]
    upload = _Upload(samples.PDF, lambda: _approved_elsewhere(engine, progress_id))
    with Session(engine) as session:
        with pytest.raises(Conflict):
            service.attach(
                session, COORDINATOR, BlobStore(storage_dir), progress_id, upload, "late.pdf", 10**6
            )
        session.rollback()
    assert _files(engine, progress_id) == 0


def test_a_file_is_not_removed_from_an_update_approved_meanwhile(
    setup: Setup, engine: Engine, storage_dir: Path
) -> None:
    progress_id = setup.progress["id"]
    with Session(engine) as session:
        out = service.attach(
            session, COORDINATOR, BlobStore(storage_dir), progress_id, io.BytesIO(samples.PDF), "a.pdf", 10**6
        )
        session.commit()
    with Session(engine) as session:
        # The request read the update (a draft) at its start; the other one commits after that read.
        read = progress.readable(session, COORDINATOR, progress_id)
        _approved_elsewhere(engine, progress_id)
        assert read.state == "draft"
        with pytest.raises(Conflict):
            service.remove(session, COORDINATOR, out.id)
        session.rollback()
    assert _files(engine, progress_id) == 1


def test_two_uploads_at_once_never_pass_the_limit_of_files(
    setup: Setup, engine: Engine, storage_dir: Path
) -> None:
    """The update holds 19 files; another upload gives it its 20th while this one is read."""
    progress_id = setup.progress["id"]
    store = BlobStore(storage_dir)
    with Session(engine) as session:
        for index in range(service.MAX_FILES_PER_UPDATE - 1):  # each its own (an update takes a file once)
            upload = io.BytesIO(samples.PDF + f"% {index}\n".encode())
            service.attach(session, COORDINATOR, store, progress_id, upload, f"{index}.pdf", 10**6)
        session.commit()

    def the_other_upload() -> None:
        with Session(engine) as other:
            service.attach(other, COORDINATOR, store, progress_id, io.BytesIO(samples.TEXT), "20.txt", 10**6)
            other.commit()

    with Session(engine) as session:
        with pytest.raises(Conflict):
            service.attach(
                session,
                COORDINATOR,
                store,
                progress_id,
                _Upload(samples.PDF + b"% 21\n", the_other_upload),
                "21.pdf",
                10**6,
            )
        session.rollback()
    assert _files(engine, progress_id) == service.MAX_FILES_PER_UPDATE
