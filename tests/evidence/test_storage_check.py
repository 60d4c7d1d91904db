"""``nrtd storage check``: rows whose content is missing and files no row names are reported, and
``--repair`` fixes both; an upload killed with SIGKILL at any point leaves storage that the check
finds consistent after its repair, and never a row pointing at a missing file. Real subprocesses."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core import db as core_db
from app.evidence.check import check_storage
from app.evidence.storage import BlobStore
from app.import_runs.lock import import_lock
from app.models import EvidenceFile
from tests.cli.test_cli_users import _write_lock_held
from tests.cli_runner import run_cli
from tests.conftest import ROOT
from tests.core.test_replicas import _free_port, _wait_until_up
from tests.evidence import samples
from tests.evidence.conftest import Setup, upload
from tests.plans.test_actions import audit_actions

pytestmark = pytest.mark.slow
OLD = time.time() - 3 * 3600


def storage_check(database_url: str, storage: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"NRTD_DATABASE_URL": database_url, "NRTD_STORAGE_DIR": str(storage)}
    return run_cli(["storage", "check", *args], env=env)


def _rows_without_content(engine: Engine, store: BlobStore) -> list[int]:
    with Session(engine) as session:
        rows = session.execute(select(EvidenceFile.id, EvidenceFile.sha256)).all()
    return [row.id for row in rows if not store.exists(row.sha256)]


def test_check_reports_and_repairs(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, store: BlobStore
) -> None:
    kept = upload(client, setup.upload_url, samples.PDF, "kept.pdf", setup.focal_a).json()
    lost = upload(client, setup.upload_url, samples.CSV, "lost.csv", setup.focal_a).json()
    store.path_of(lost["sha256"]).unlink()  # the disk lost it
    orphan = store.path_of("0" * 64)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a killed upload")
    os.utime(orphan, (OLD, OLD))
    young = store.path_of("1" * 64)  # an upload whose row is not committed yet
    young.parent.mkdir(parents=True, exist_ok=True)
    young.write_bytes(b"in flight")
    store.temp.mkdir(parents=True, exist_ok=True)
    temp = store.temp / "upload-x.part"
    temp.write_bytes(b"half")
    os.utime(temp, (OLD, OLD))

    found = storage_check(database_url, store.root)
    assert found.returncode == 1, found.stderr
    assert f"missing content: evidence file {lost['id']} ('lost.csv'" in found.stderr
    assert f"orphan file (no row names it): {orphan}" in found.stderr
    assert f"temporary file of an upload that did not finish: {temp}" in found.stderr
    # Other tests' uploads may share the run's storage directory: at least the young one is counted.
    counted = re.search(r"(\d+) unnamed files?\b", found.stderr)
    assert counted and int(counted.group(1)) >= 1 and str(young) not in found.stderr
    assert orphan.exists() and temp.exists()  # a check alone changes nothing

    assert "inconsistent: run again with --repair to fix it" in found.stderr
    repaired = storage_check(database_url, store.root, "--repair")
    assert repaired.returncode == 0, repaired.stderr
    # What it found, then what it did: never the advice to add the --repair it was given.
    assert "run again with --repair to fix it" not in repaired.stderr
    assert re.search(r"\ninconsistent\nrepaired: removed \d+ \(rows and files\)\n$", repaired.stderr)
    assert not orphan.exists() and not temp.exists() and young.exists()
    assert store.path_of(kept["sha256"]).exists()
    assert client.get(f"/api/v1/evidence/{lost['id']}").status_code == 404
    assert audit_actions(engine, "evidence_file", lost["id"]) == ["evidence.add", "evidence.lost"]
    again = storage_check(database_url, store.root)
    assert again.returncode == 0 and "consistent" in again.stderr
    young.unlink()


def test_a_storage_directory_set_wrong_is_not_repaired_into_an_empty_one(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, store: BlobStore, tmp_path: Path
) -> None:
    """Not one file found for the rows: NRTD_STORAGE_DIR names another (or an unmounted) directory
    far more likely than every file was lost. --repair refuses to remove every row unless told."""
    uploaded = upload(client, setup.upload_url, samples.PDF, "kept.pdf", setup.focal_a).json()
    with Session(engine) as session:
        rows = session.scalar(select(func.count()).select_from(EvidenceFile))
    elsewhere = tmp_path / "not-mounted"
    # Counted in English: "the one evidence file is not", "none of the 2 evidence files is".
    none = "the one evidence file is not" if rows == 1 else f"none of the {rows} evidence files is"
    found = storage_check(database_url, elsewhere)
    assert found.returncode == 1
    said = " ".join(found.stderr.split())
    # Not the advice to --repair, which would refuse: what is likelier wrong, and what to check.
    assert "run again with --repair" not in said and "is NRTD_STORAGE_DIR right?" not in said
    assert (
        f"inconsistent: {none} in {elsewhere}, which does not exist: is its "
        "volume mounted, and does NRTD_STORAGE_DIR name the directory the uploads were stored in? If every "
        "file is really lost, --repair --all-lost removes every row"
    ) in said
    refused = storage_check(database_url, elsewhere, "--repair")
    assert refused.returncode == 1
    assert f"not repaired: {none} in {elsewhere}, which does not exist" in " ".join(refused.stderr.split())
    assert "run again with --repair to fix it" not in refused.stderr  # it was given; --all-lost is
    assert client.get(f"/api/v1/evidence/{uploaded['id']}").status_code == 200  # the row is kept
    assert audit_actions(engine, "evidence_file", uploaded["id"]) == ["evidence.add"]
    # Told that every file is lost, it removes the rows, each audited.
    confirmed = storage_check(database_url, elsewhere, "--repair", "--all-lost")
    assert confirmed.returncode == 0, confirmed.stderr
    assert audit_actions(engine, "evidence_file", uploaded["id"]) == ["evidence.add", "evidence.lost"]
    assert store.path_of(uploaded["sha256"]).exists()  # the real directory is not touched


def test_a_fresh_install_without_the_storage_directory_is_told_what_follows(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "consistent" (exit 0), then in red "the storage directory storage does not exist: is
    NRTD_STORAGE_DIR right?", naming the directory otherwise than the setting and relative to wherever
    the command ran; the operator of a new instance could not tell whether anything was wrong."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "storage"
    found = storage_check(own_database, Path("./storage"))
    assert found.returncode == 0, found.stderr
    assert found.stderr == (
        f"storage storage ({root}): 0 evidence rows, 0 stored files\n"
        f"the storage directory {root} does not exist yet: the first evidence upload makes it (nrtd "
        "storage check --repair makes it now); no evidence row names a file, so none is missing\n"
        "consistent\n"
    )
    assert not root.exists()  # a check alone changes nothing
    made = storage_check(own_database, Path("./storage"), "--repair")
    assert made.returncode == 0, made.stderr
    assert made.stderr.endswith(f"made the storage directory {root}\nconsistent\n"), made.stderr
    assert root.is_dir()
    again = storage_check(own_database, root)
    assert again.stderr == f"storage {root}: 0 evidence rows, 0 stored files\nconsistent\n"


def test_all_lost_without_repair_is_a_usage_error(engine: Engine, database_url: str, tmp_path: Path) -> None:
    # Before: the check ran and said "consistent" (exit 0), --all-lost silently ignored: an operator
    # who meant to confirm a repair believed it done.
    result = storage_check(database_url, tmp_path, "--all-lost")
    assert result.returncode == 2, result.stderr
    assert result.stderr == "--all-lost confirms a --repair: give --repair --all-lost, or neither\n"


def test_a_storage_setting_naming_a_file_says_so_and_changes_nothing(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, tmp_path: Path
) -> None:
    uploaded = upload(client, setup.upload_url, samples.PDF, "kept.pdf", setup.focal_a).json()
    a_file = tmp_path / "storage.tar"
    a_file.write_bytes(b"not a directory")
    for args in ((), ("--repair", "--all-lost")):
        found = storage_check(database_url, a_file, *args)
        assert found.returncode == 2  # refused with the settings, as by every command
        said = " ".join(found.stderr.split())
        assert f"setting NRTD_STORAGE_DIR: {a_file} is a file, not a directory" in said
        assert "does not exist" not in said and "consistent" not in said
    assert audit_actions(engine, "evidence_file", uploaded["id"]) == ["evidence.add"]  # no row removed


def test_a_storage_directory_that_cannot_be_written_is_inconsistent(
    migrated_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """A daily `nrtd storage check` from cron said "consistent" (exit 0) about a storage directory no
    upload could be stored in (a volume mounted read-only, owned by another user, under a file)."""
    blocker = tmp_path / "volume"
    blocker.write_text("not a directory")
    for args in ((), ("--repair",)):
        found = storage_check(database_url, blocker / "storage", *args)
        assert found.returncode == 1, found.stderr
        said = " ".join(found.stderr.split())
        assert f"cannot be made: {blocker} is a file. Every evidence upload would fail" in said
        assert "consistent" not in said.replace("inconsistent", "")


def test_repair_waits_for_the_write_lock_an_import_holds(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, store: BlobStore
) -> None:
    # SQLite: a repair that read first could not wait for the lock and failed at once.
    upload(client, setup.upload_url, samples.PDF, "kept.pdf", setup.focal_a)
    lost = upload(client, setup.upload_url, samples.CSV, "lost.csv", setup.focal_a).json()
    store.path_of(lost["sha256"]).unlink()
    started = time.monotonic()
    with _write_lock_held(engine, seconds=1.0):
        repaired = storage_check(database_url, store.root, "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert time.monotonic() - started >= 0.9
    assert audit_actions(engine, "evidence_file", lost["id"]) == ["evidence.add", "evidence.lost"]


def test_repair_still_locked_out_says_so_and_changes_nothing(
    client: TestClient,
    engine: Engine,
    database_url: str,
    setup: Setup,
    store: BlobStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core_db, "DEFAULT_SQLITE_BUSY_SECONDS", 0.5)  # the CLI's 30 s, shortened
    upload(client, setup.upload_url, samples.PDF, "kept.pdf", setup.focal_a)
    lost = upload(client, setup.upload_url, samples.CSV, "lost.csv", setup.focal_a).json()
    store.path_of(lost["sha256"]).unlink()
    with import_lock(engine, ttl_seconds=60), _write_lock_held(engine):
        repaired = storage_check(database_url, store.root, "--repair")
    assert repaired.returncode == 75, repaired.stderr
    assert "Traceback" not in repaired.stderr
    assert "the database stayed locked for 0.5 s (an import is running and holds it)" in repaired.stderr
    assert audit_actions(engine, "evidence_file", lost["id"]) == ["evidence.add"]


def _multipart(data: bytes, boundary: str) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="report.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    piece = 256 * 1024
    for start in range(0, len(data), piece):
        yield data[start : start + piece]
    yield f"\r\n--{boundary}--\r\n".encode()


def _upload_in_background(base: str, url: str, headers: dict[str, str], data: bytes) -> None:
    boundary = "nrtd-kill-test"

    def send() -> None:
        with suppress(httpx.HTTPError):  # the server is killed under it
            httpx.post(
                base + url,
                content=_multipart(data, boundary),
                headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
                timeout=60,
            )

    threading.Thread(target=send, daemon=True).start()


def _wait_for(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.001)
    return False


# (A kill while the body arrives leaves nothing in the storage directory: the multipart parser spools to
# an unnamed temporary file, which the system frees with the process.)
@pytest.mark.parametrize("moment", ["storing the file", "after the file is stored"])
def test_kill_9_during_an_upload_leaves_storage_consistent(
    client: TestClient, engine: Engine, database_url: str, setup: Setup, tmp_path: Path, moment: str
) -> None:
    store = BlobStore(tmp_path / "storage")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NRTD_DATABASE_URL": database_url,
        "NRTD_COUNTRY": "Peru",
        "NRTD_STORAGE_DIR": str(store.root),
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log)
        data = (samples.TEXT * (20 * 1024 * 1024 // len(samples.TEXT)))[: 20 * 1024 * 1024]
        _upload_in_background(base, setup.upload_url, setup.focal_a, data)
        if moment == "storing the file":
            assert _wait_for(lambda: any(store.temporaries()))
        else:
            assert _wait_for(lambda: any(store.stored()))
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    # Never a row whose content is missing, whatever the moment.
    assert _rows_without_content(engine, store) == []
    found = storage_check(database_url, store.root, "--grace-hours", "0")
    assert "missing content" not in found.stderr
    if moment == "storing the file":
        assert "temporary file of an upload that did not finish" in found.stderr, found.stderr
    repaired = storage_check(database_url, store.root, "--repair", "--grace-hours", "0")
    assert repaired.returncode == 0, repaired.stderr
    with Session(engine) as session:
        assert check_storage(session, store, 0).consistent
        named = set(session.scalars(select(EvidenceFile.sha256)))
    assert {sha for sha, _ in store.stored()} == named
