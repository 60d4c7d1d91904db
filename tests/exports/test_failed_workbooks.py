"""An XLSX export whose save fails (a full disk, a download cancelled while the workbook is being
compressed) says so once: openpyxl used to leave its zip archive open, and the archive's finaliser
then failed again and printed "Exception ignored in: ZipFile.__del__" with a traceback after the
command's own message (in the server's log for a cancelled download)."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine

from app.core.config import Settings
from app.exports.limits import ExportCancelled
from app.exports.writers import xlsx_chunks
from importers.run import import_uhri
from tests.conftest import ROOT, SAMPLE


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What a finaliser failed with, as the interpreter would print "Exception ignored in ..."."""
    found: list[str] = []

    def hook(report: Any) -> None:
        found.append(f"{report.object!r}: {report.exc_type.__name__}: {report.exc_value}")

    monkeypatch.setattr(sys, "unraisablehook", hook)
    return found


class Row(BaseModel):
    text: str
    number: int


class StopsAfter(threading.Event):
    """Set once asked ``checks`` times: the download goes away in the middle of the compression."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.left = checks

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0


def test_a_download_cancelled_while_compressing_leaves_no_open_archive(unraisable: list[str]) -> None:
    rows = [[Row(text=f"{n} " + "words " * 800, number=n) for n in range(2_000)]]
    with pytest.raises(ExportCancelled):
        for _chunk in xlsx_chunks(["text", "number"], rows, "recommendations", StopsAfter(3)):
            pass
    gc.collect()
    assert unraisable == []


def _user_namespaces() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _user_namespaces(), reason="needs unshare -rm to mount a small tmpfs")
def test_an_xlsx_export_onto_a_full_disk_fails_with_one_message(
    engine: Engine, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    imported = import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"), country="Peru")
    assert imported.outcome == "succeeded"
    env = {"PATH": "/usr/bin:/bin", "NRTD_DATABASE_URL": database_url}
    whole = tmp_path / "whole.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", "csv", str(whole)], cwd=ROOT, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    # A disk a little smaller than the workbook: the save fails near its end, as a disk filling up does.
    size = max(4096, (whole.stat().st_size - 1) // 4096 * 4096)
    full = tmp_path / "full"
    full.mkdir()
    script = (
        'mount -t tmpfs -o size="$1" tmpfs "$2" || exit 99; '
        '"$3" -m app.cli export csv "$2/y.xlsx"; code=$?; ls -A "$2"; exit $code'
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(size), str(full), sys.executable],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert stderr.strip() == "export failed: OSError: [Errno 28] No space left on device"
    assert result.stdout.decode().split() == []  # no partial file left on the disk
