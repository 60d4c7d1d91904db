"""PDF reports through LibreOffice: refused with the reason where it is missing (always tested),
converted where it is installed, and a conversion that fails or hangs ends as a 503."""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.reports import pdf
from tests.reports.conftest import ReportWorld

STAFF = "/api/v1/reports/implementation"
PUBLIC = "/api/v1/public/reports/implementation"


def _fake_soffice(folder: Path, script: str) -> None:
    """A program named soffice on PATH, alone there: it stands for LibreOffice."""
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(program.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize("path", [STAFF, PUBLIC])
def test_without_libreoffice_pdf_is_refused_naming_the_format(
    client: TestClient, world: ReportWorld, path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not pdf.available()
    refused = client.get(path, params={"format": "pdf"})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [{"field": "format", "reason": pdf.NOT_INSTALLED}]
    assert "LibreOffice" in pdf.NOT_INSTALLED


@pytest.mark.slow
def test_the_word_report_goes_to_libreoffice_and_its_pdf_comes_back(
    client: TestClient, world: ReportWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writes the PDF LibreOffice would, after checking it was called as the module says.
    _fake_soffice(
        tmp_path,
        'case "$*" in *"--headless"*"--convert-to pdf --outdir"*) ;; *) exit 9;; esac\n'
        "for last; do :; done\n"
        'unzip -p "$last" word/document.xml > /dev/null || exit 8\n'
        'printf "%%PDF-1.7 fake" > "$(dirname "$last")/report.pdf"\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin")
    answer = client.get(STAFF, params={"format": "pdf", "group_by": "theme"})
    assert answer.status_code == 200, answer.text
    assert answer.content == b"%PDF-1.7 fake"
    assert answer.headers["content-type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="implementation-report-internal-grouped-by-theme-en-\d{4}-\d\d-\d\d\.pdf"; '
        r"filename\*=UTF-8''implementation-report-internal-grouped-by-theme-en-\d{4}-\d\d-\d\d\.pdf",
        answer.headers["content-disposition"],
    )


@pytest.mark.slow
def test_a_failing_or_hanging_conversion_is_a_503(
    client: TestClient, world: ReportWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_soffice(tmp_path, 'echo "no fonts" >&2\nexit 3\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    failed = client.get(STAFF, params={"format": "pdf"})
    assert failed.status_code == 503 and "Retry-After" in failed.headers
    assert "exit status 3" in failed.json()["detail"] and "no fonts" in failed.json()["detail"]
    # A conversion that hangs is ended, with every process it started.
    pids = tmp_path / "pids"
    _fake_soffice(tmp_path, f"/bin/sleep 30 &\necho $$ $! > {pids}\nwait\n")
    monkeypatch.setattr(pdf, "TIMEOUT", 0.5)
    hung = client.get(STAFF, params={"format": "pdf"})
    assert hung.status_code == 503
    assert hung.json()["detail"] == "LibreOffice did not convert the report within 0.5 s"
    for pid in pids.read_text().split():
        assert _gone(pid), f"process {pid} outlived the timeout"


def _gone(pid: str) -> bool:
    """Ended within a few seconds (a killed process on a loaded machine takes a moment to die)."""
    deadline = time.monotonic() + 5
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _ended(pid)


def _ended(pid: str) -> bool:
    """No such process, or a zombie (dead, waiting for its new parent to collect it)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return status.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here")
def test_libreoffice_converts_the_report(client: TestClient, world: ReportWorld) -> None:
    answer = client.get(PUBLIC, params={"format": "pdf", "lang": "fr"})
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"%PDF-")
    assert answer.headers["content-type"] == "application/pdf"
