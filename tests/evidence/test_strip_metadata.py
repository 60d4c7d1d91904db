"""``nrtd storage strip-metadata``: photos stored before uploads lost their metadata kept their GPS
position; the command rewrites them as an upload now stores them, moves their rows to the new content,
and is safe to run again, to dry-run and to interrupt."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.evidence.storage import BlobStore
from app.models import EvidenceFile
from tests.cli_runner import run_cli
from tests.evidence import samples
from tests.evidence.conftest import REPORT, Setup, upload
from tests.evidence.test_metadata import LEAKS, _photo
from tests.plans.test_actions import audit_actions

pytestmark = pytest.mark.slow


def strip_metadata(database_url: str, storage: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"NRTD_DATABASE_URL": database_url, "NRTD_STORAGE_DIR": str(storage)}
    return run_cli(["storage", "strip-metadata", *args], env=env)


def _as_before_the_change(engine: Engine, store: BlobStore, ids: list[int], content: bytes) -> str:
    """The rows ``ids`` name ``content`` as stored before uploads lost their metadata."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = store.path_of(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with Session(engine) as session, session.begin():
        session.execute(
            update(EvidenceFile).where(EvidenceFile.id.in_(ids)).values(sha256=sha256, size=len(content))
        )
    return sha256


def _rows(engine: Engine) -> dict[int, tuple[str, int]]:
    with Session(engine) as session:
        return {
            row.id: (row.sha256, row.size)
            for row in session.execute(select(EvidenceFile.id, EvidenceFile.sha256, EvidenceFile.size))
        }


def test_photos_stored_with_their_location_are_cleaned_once(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, store: BlobStore
) -> None:
    original = _photo("JPEG")
    first = upload(client, setup.upload_url, original, "site.jpg", setup.focal_a).json()
    # The same photo on another update (one update takes a file once).
    other = client.post(f"/api/v1/actions/{setup.action['id']}/progress", json=REPORT, headers=setup.focal_a)
    other_url = f"/api/v1/progress/{other.json()['id']}/evidence"
    second = upload(client, other_url, original, "again.jpg", setup.focal_a).json()
    png = upload(client, setup.upload_url, _photo("PNG"), "site.png", setup.focal_a).json()
    broken = upload(client, setup.upload_url, samples.PNG, "broken.png", setup.focal_a).json()
    pdf = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a).json()
    old = _as_before_the_change(engine, store, [first["id"], second["id"]], original)
    damaged = _as_before_the_change(engine, store, [broken["id"]], samples.PNG[:-12])  # no IEND
    before = _rows(engine)

    dry = strip_metadata(database_url, store.root, "--dry-run")
    assert dry.returncode == 1, dry.stderr  # the damaged one is reported
    said = " ".join(dry.stderr.split())
    assert "photos would be cleaned: 1 (2 evidence files); already clean: 1; unreadable" in said
    assert _rows(engine) == before and store.path_of(old).exists()

    done = strip_metadata(database_url, store.root)
    assert done.returncode == 1, done.stderr
    said = " ".join(done.stderr.split())
    assert (
        "photos cleaned: 1 (2 evidence files); already clean: 1; unreadable, left as they are: 1; missing: 0"
        in said
    )
    assert f"left as it is: evidence files {broken['id']} (sha256 {damaged}): the image is damaged" in said
    after = _rows(engine)
    # The rows name what an upload stores today: the same bytes as the photo uploaded now.
    assert after[first["id"]] == after[second["id"]] == (first["sha256"], first["size"])
    assert after[png["id"]] == before[png["id"]] and after[pdf["id"]] == before[pdf["id"]]
    assert after[broken["id"]] == before[broken["id"]] and store.path_of(damaged).exists()
    stored = store.path_of(first["sha256"]).read_bytes()
    assert all(leak not in stored for leak in LEAKS)
    assert not store.path_of(old).exists()  # the file with the location is gone
    assert audit_actions(engine, "evidence_file", first["id"]) == ["evidence.add", "evidence.strip"]
    downloaded = client.get(f"/api/v1/evidence/{first['id']}/content", headers=setup.focal_a)
    assert downloaded.content == stored

    again = strip_metadata(database_url, store.root)
    assert "photos cleaned: 0 (0 evidence files); already clean: 2;" in " ".join(again.stderr.split())
    assert _rows(engine) == after
    assert audit_actions(engine, "evidence_file", first["id"]) == ["evidence.add", "evidence.strip"]


@pytest.mark.parametrize("moment", ["before the commit", "after the commit"])
def test_interrupted_every_row_names_a_file_that_is_there(
    client: TestClient,
    engine: Engine,
    database_url: str,
    setup: Setup,
    store: BlobStore,
    monkeypatch: pytest.MonkeyPatch,
    moment: str,
) -> None:
    """Killed once the new file is stored: before the commit the rows still name the old file, after
    it the new one; either way the other file is an orphan, and a second run finishes the work."""
    from app.evidence import cleaning

    original = _photo("WEBP")
    uploaded = upload(client, setup.upload_url, original, "site.webp", setup.focal_a).json()
    old = _as_before_the_change(engine, store, [uploaded["id"]], original)

    def killed(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cleaning, "move_rows" if moment == "before the commit" else "remove_unnamed", killed)
    interrupted = strip_metadata(database_url, store.root)
    assert interrupted.returncode != 0
    named = _rows(engine)[uploaded["id"]]
    assert named == (
        (old, len(original)) if moment == "before the commit" else (uploaded["sha256"], uploaded["size"])
    )
    assert store.path_of(old).exists() and store.path_of(uploaded["sha256"]).exists()
    monkeypatch.undo()
    done = strip_metadata(database_url, store.root)
    assert done.returncode == 0, done.stderr
    assert _rows(engine)[uploaded["id"]] == (uploaded["sha256"], uploaded["size"])
    if moment == "before the commit":  # after it, the old file is an orphan `storage check --repair` removes
        assert not store.path_of(old).exists()
