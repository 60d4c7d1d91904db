"""``nrtd`` commands run inside the test process, answering as the real process would.

A subprocess costs a fresh interpreter that imports SQLAlchemy, the models and the settings (about
0.8 s of a core each, some eighty times a run). What a command prints, its exit code and what it
leaves in the database do not depend on that, so most command tests run it here, through click's
own runner: the same ``cli`` group with its arguments, environment and standard input, its
standard output and error captured apart. An exception the command does not handle becomes what
the interpreter would print (a traceback on stderr, exit code 1), so a test that asserts "no
traceback" still can fail.

Tests whose subject is the process itself keep real subprocesses: a kill -9 in the middle of a
run, a server started by ``nrtd serve``, what loads at start-up, a second process waiting on the
import lock.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from app.cli import cli
from app.cli.common import _warn_unknown_settings
from app.core.config import get_settings
from app.core.db import get_engine

_ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    args: Sequence[str], *, env: dict[str, str], input: str | bytes | None = None, binary: bool = False
) -> subprocess.CompletedProcess[Any]:
    """``nrtd ARGS`` with ``env`` added to the environment, as ``subprocess.run`` would report it."""
    _as_a_new_process()
    try:
        result = CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=True)
    finally:
        _as_a_new_process()
    code = result.exit_code
    stderr = result.stderr_bytes or b""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info)).encode()
        code = 1
    argv = ["nrtd", *args]
    if binary:
        return subprocess.CompletedProcess(argv, code, result.stdout_bytes, stderr)
    return subprocess.CompletedProcess(argv, code, result.stdout, stderr.decode("utf-8", "replace"))


# ``nrtd`` as a process of its own: the module, run by this interpreter (the virtualenv's).
NRTD = [sys.executable, "-m", "app.cli"]


def nrtd_process(args: Sequence[str], env: dict[str, str], **popen: Any) -> subprocess.Popen[str]:
    """``nrtd ARGS`` started as a real process (for a test whose subject is the process: a signal, a
    second process waiting on the first), ``env`` added to the environment, its output read as text."""
    return subprocess.Popen(
        [*NRTD, *args],
        cwd=_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _as_a_new_process() -> None:
    """Forget what a process keeps for its lifetime: its settings (read from its environment) and the
    engine made from them (its connections closed), and that it warned of unknown settings."""
    get_settings.cache_clear()
    _warn_unknown_settings.cache_clear()
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")


def unstamped(line: str) -> str:
    """An import's line without the time in UTC it starts with (app.cli.common.stamped)."""
    assert _STAMP.match(line), line
    return _STAMP.sub("", line, count=1)
