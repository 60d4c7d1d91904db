"""PDF reports: the Word report converted by LibreOffice (``soffice --headless --convert-to pdf``).

LibreOffice is optional (Debian: ``apt-get install libreoffice-writer-nogui fonts-noto-core
fonts-noto-cjk``). Without it, ``format=pdf`` is refused (422 naming the format) and the workspace
does not offer it. A conversion runs in its own temporary directory with its own LibreOffice
profile, without a shell, within ``TIMEOUT`` seconds; one runs at a time (LibreOffice is heavy), and
a request that cannot start one within ``WAIT`` seconds gets 503 with Retry-After.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from app.core.errors import InvalidInput, ServiceBusy

TIMEOUT = 120.0
WAIT = 30.0
_PROGRAMS = ("soffice", "libreoffice")
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)
NOT_INSTALLED = "pdf needs LibreOffice (soffice), which is not installed on this server: ask for docx"


def soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return next((found for name in _PROGRAMS if (found := shutil.which(name))), None)


def available() -> bool:
    return soffice() is not None


def require() -> str:
    program = soffice()
    if program is None:
        raise InvalidInput(NOT_INSTALLED, errors=[{"field": "format", "reason": NOT_INSTALLED}])
    return program


def _run(command: list[str], folder: Path) -> None:
    """Run LibreOffice in a session of its own, so a timeout ends it and every process it started."""
    process = subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _out, errors = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ServiceBusy(
            f"LibreOffice did not convert the report within {TIMEOUT:g} s", retry_after=60
        ) from None
    if process.returncode != 0:
        detail = errors.decode("utf-8", "replace").strip()[-300:]
        raise ServiceBusy(
            f"LibreOffice failed to convert the report (exit status {process.returncode}): {detail}",
            retry_after=60,
        )


def convert(docx: bytes) -> bytes:
    """The PDF of a Word document."""
    program = require()
    if not _ONE_AT_A_TIME.acquire(timeout=WAIT):
        raise ServiceBusy("another PDF is being made; try again shortly", retry_after=int(WAIT))
    try:
        with tempfile.TemporaryDirectory(prefix="nrtd-pdf-") as work:
            folder = Path(work)
            source = folder / "report.docx"
            source.write_bytes(docx)
            command = [
                program,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(source),
            ]
            _run(command, folder)
            result = folder / "report.pdf"
            if not result.is_file():
                raise ServiceBusy("LibreOffice wrote no PDF", retry_after=60)
            return result.read_bytes()
    finally:
        _ONE_AT_A_TIME.release()
