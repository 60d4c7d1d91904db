"""``nrtd serve`` on an address it cannot listen on says so at once, naming the option, exit 2."""

from __future__ import annotations

import socket

import pytest

from tests.cli.test_cli import nrtd_process
from tests.cli_runner import run_cli


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.slow
def test_a_port_in_use_or_a_host_that_is_not_this_machine_stops_serve(own_database: str) -> None:
    # Before: the application loaded, started up, then uvicorn logged "[Errno 98] error while
    # attempting to bind ..." between startup and shutdown lines, exit 3; an unknown host only
    # "[Errno -2] Name or service not known", naming neither the host nor the option.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        in_use = nrtd_process(own_database, "serve", "--port", str(port), NRTD_IMPORT_SCHEDULE="")
    assert in_use.returncode == 2, in_use.stderr
    assert _one_line(in_use.stderr) == (
        f"--port {port}: another program already listens on 127.0.0.1:{port}: stop it or give another --port"
    )
    unknown = nrtd_process(own_database, "serve", "--host", "nosuchhost.invalid", "--port", "0")
    assert unknown.returncode == 2, unknown.stderr
    assert _one_line(unknown.stderr).startswith(
        "--host nosuchhost.invalid: not a name or address of this machine ("
    )
    foreign = nrtd_process(own_database, "serve", "--host", "192.0.2.1", "--port", "0")
    assert foreign.returncode == 2, foreign.stderr
    assert _one_line(foreign.stderr) == (
        "--host 192.0.2.1: not a name or address of this machine (Cannot assign requested address): "
        "give one of its interfaces' addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all)"
    )


def test_a_reminder_schedule_without_an_smtp_server_is_said_at_start(own_database: str) -> None:
    # Taken as given, each scheduled run built the digests and sent none, saying so only in an INFO
    # line (not shown with NRTD_LOG_LEVEL=WARNING): nobody received a reminder, and nothing said why.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The port taken: serve stops after what it says first.
        started = run_cli(
            ["serve", "--port", str(port)],
            env={
                "NRTD_DATABASE_URL": own_database,
                "NRTD_NOTIFY_SCHEDULE": "0 6 * * *",
                "NRTD_SMTP_HOST": "",
            },
        )
    assert started.returncode == 2, started.stderr
    assert started.stderr.splitlines()[0] == (
        "NRTD_NOTIFY_SCHEDULE is set but NRTD_SMTP_HOST is not: each run builds the digests and sends none; "
        "set NRTD_SMTP_HOST (with NRTD_SMTP_FROM and NRTD_BASE_URL) to send them"
    )


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_refused_not_taken_for_every_interface(host: str) -> None:
    # `nrtd serve --host "$HOST"` with HOST unset: uvicorn listened on every interface ("Uvicorn
    # running on http://:8000"), the service open to the network where one address was meant.
    from app.cli.listen import listen_problem

    assert listen_problem(host, 0) == (
        "--host: empty: give one of its interfaces' addresses, 127.0.0.1 (this machine only) or 0.0.0.0 "
        "(all) (is a shell variable unset?)"
    )
