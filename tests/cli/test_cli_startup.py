"""``nrtd --help`` starts at once: the heavy modules load only in the commands that need them.

Not a timed test (machines are noisy; ``benchmarks/bench_cli.py`` measures the time): it checks what
a fresh interpreter has imported after ``import app.cli`` and after each ``--help``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

# Each of these takes tens of milliseconds to import (pydantic ~0.1 s, SQLAlchemy ~0.15 s).
HEAVY = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "rich",
    "alembic",
    "uvicorn",
    "croniter",
    "ijson",
    "importers",
    "app.models",
    "app.core.config",
    "app.core.db",
)
HELPS = (
    ["--help"],
    ["import", "--help"],
    ["import", "uhri", "--help"],
    ["import", "upr-info", "--help"],
    ["import", "csv", "-h"],
    ["export", "--help"],
    ["export", "csv", "--help"],
    ["users", "--help"],
    ["users", "create", "--help"],
    ["demo", "load", "--help"],
)

PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys

    HEAVY = {heavy!r}

    def heavy_loaded():
        return sorted(
            name for name in sys.modules if any(name == h or name.startswith(h + ".") for h in HEAVY)
        )

    import app.cli

    report = {{"import app.cli": heavy_loaded()}}
    for argv in {helps!r}:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                app.cli.cli(argv, prog_name="nrtd")
            except SystemExit as exc:
                code = exc.code
        report[" ".join(argv)] = {{"code": code, "usage": out.getvalue().startswith("Usage: nrtd"),
                                  "heavy": heavy_loaded()}}
    print(json.dumps(report))
    """
)


def _probe(helps: tuple[list[str], ...]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, helps=[list(argv) for argv in helps])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report: dict[str, object] = json.loads(done.stdout)
    return report


@pytest.mark.slow
def test_import_app_cli_and_every_help_load_no_heavy_module() -> None:
    report = _probe(HELPS)
    assert report["import app.cli"] == []
    for argv in HELPS:
        assert report[" ".join(argv)] == {"code": 0, "usage": True, "heavy": []}, argv


@pytest.mark.slow
def test_the_probe_sees_a_heavy_module_when_one_is_loaded() -> None:
    """The check can fail: a command that is run (not only its help) loads the settings."""
    report = _probe((["users", "create", "x@example.org", "--role", "reader"],))
    result = report["users create x@example.org --role reader"]
    assert isinstance(result, dict)
    assert "app.core.config" in result["heavy"]
    assert "pydantic" in result["heavy"]


RICH_PROBE = textwrap.dedent(
    """
    import sys
    import app.cli

    try:
        app.cli.cli({argv!r}, prog_name="nrtd")
    except SystemExit as exc:
        code = exc.code
    print(code, "rich" in sys.modules)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(("forced", "loaded"), [({}, False), ({"FORCE_COLOR": "1"}, True)])
def test_an_import_without_a_terminal_does_not_load_rich(
    own_database: str, forced: dict[str, str], loaded: bool
) -> None:
    """rich (~25 ms to import) draws the bar on a terminal; a cron job's or a pipe's import, with
    nothing to say on stderr, never loads it. FORCE_COLOR, which rich reads to treat any stream as
    a terminal, still gets the bar. The database is a copy of the run's migrated file: a `nrtd
    migrate` subprocess of its own cost each case about a second of a core, for nothing it checks."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env = {**inherited, "NRTD_DATABASE_URL": own_database, **forced}
    sample = str(ROOT / "app" / "data" / "sample" / "export-full-en.json")
    argv = ["import", "uhri", sample, "--country", "Peru", "--languages", "en"]
    done = subprocess.run(
        [sys.executable, "-c", RICH_PROBE.format(argv=argv)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.splitlines()[-1] == f"0 {loaded}", done.stdout + done.stderr
    assert "succeeded" in done.stdout
