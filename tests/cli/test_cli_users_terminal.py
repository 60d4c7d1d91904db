"""``nrtd users create --password-stdin`` typed at a terminal: the password is not shown."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import pytest

from tests.cli_runner import NRTD
from tests.conftest import ROOT

PASSPHRASE = "correct horse battery staple typed"


def _read_until_exit(master: int, process: subprocess.Popen[bytes], timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            seen += chunk
        elif process.poll() is not None:
            break
    return seen


@pytest.mark.slow
def test_a_password_typed_at_a_terminal_is_not_echoed(own_database: str) -> None:
    # Before: the command waited without a word, and the terminal showed the password as it was
    # typed (on the screen, in a screen recording, in the scrollback of a shared session).
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*NRTD, "users", "create", "admin@example.org", "--role", "admin", "--password-stdin"],
        cwd=ROOT,
        env={**os.environ, "NRTD_DATABASE_URL": own_database},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    try:
        prompt = b""
        deadline = time.monotonic() + 30
        while b"not shown" not in prompt and time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                prompt += os.read(master, 4096)
        os.write(master, PASSPHRASE.encode() + b"\n")
        seen = prompt + _read_until_exit(master, process, 30)
        assert process.wait(timeout=30) == 0, seen
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert b"password for admin@example.org (not shown): " in seen, seen
    assert PASSPHRASE.encode() not in seen, seen
    assert b"created admin admin@example.org" in seen
