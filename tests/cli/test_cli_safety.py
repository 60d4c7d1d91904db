"""The ``nrtd`` command never damages or silently skips data (issue 9, first section): the schema,
rejected records' reasons, an unusable database, -h and --version (country names and contradictory
options: test_cli_country.py; the demo: test_cli_demo.py). Against the test database (SQLite file
or PostgreSQL), run in this process (``tests.cli_runner``), and as processes of their own where a
server would start."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from typer.testing import CliRunner

from app.cli import cli
from app.cli.connection import schema_behind
from app.core.config import Settings
from app.core.setting_sources import unknown_settings
from app.health.service import head_revision
from app.models import ImportRun, Recommendation
from tests.cli.test_cli import nrtd
from tests.cli_runner import NRTD, run_cli, unstamped
from tests.conftest import ROOT
from tests.fake_uhri import fake_uhri
from tests.uhri_records import uhri_record, write_export

# Nothing listens on port 9 (discard) of the loopback: a connection is refused at once.
UNREACHABLE = "postgresql://nrtd:s3cret-pass@127.0.0.1:9/nrtd"


def one_line_no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def recommendation_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Recommendation)).scalar_one())


@pytest.mark.slow
def test_serve_says_when_the_schema_is_older_than_the_release(own_database: str) -> None:
    """A server started before `nrtd migrate` still starts (a replica waits to be ready), and says
    why it is not ready as its first line."""
    engine = create_engine(own_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0018'"))
    engine.dispose()
    env = {
        **os.environ,
        "NRTD_DATABASE_URL": own_database,
        "NRTD_COUNTRY": "Peru",
        "NRTD_IMPORT_SCHEDULE": "",
    }
    server = subprocess.Popen(
        [*NRTD, "serve", "--port", "0"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(server.stderr.readline() if server.stderr else ""))
    reader.start()
    reader.join(timeout=60)
    server.kill()
    server.wait()
    assert first and first[0].strip() == (
        f"the database schema is at 0018, this release needs {head_revision()}: /readyz and most routes "
        "answer 503 (the service is being upgraded) until `nrtd migrate` has run"
    ), first


def test_a_schema_newer_than_the_release_is_named_and_never_migrated(own_database: str) -> None:
    """A database a newer release migrated: `nrtd migrate` refuses (there is no way back) and
    `nrtd serve` says which release to run, not to migrate."""
    engine = create_engine(own_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    newer = (
        f"the database schema is at 0999, which this release (at {head_revision()}) does not know: a newer "
        "release of nrtd migrated it. Run that release or a newer one; a database is never migrated back"
    )
    refused = nrtd(own_database, "migrate")
    assert refused.returncode == 1
    assert f"migration refused: {newer}" in " ".join(refused.stderr.split())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0999"
    assert schema_behind(engine) == f"{newer}; /readyz answers 503"
    engine.dispose()


@pytest.mark.parametrize("revision", ["zzz", "0027a", "99"])
def test_a_revision_unknown_to_nrtd_is_not_taken_for_a_newer_release(
    own_database: str, revision: str
) -> None:
    """A stamp that is none of nrtd's revisions nor looks like a later one (another application's, a
    hand-made stamp) was said to be a newer release's: it is named as unknown, which it may be either."""
    engine = create_engine(own_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})
    unknown = (
        f"the database schema is at {revision!r}, a revision this release (at {head_revision()}) does not "
        "know: it may come from a newer release of nrtd, or not from nrtd at all (another application's "
        "migrations, or a stamp made by hand). Check which application migrated this database; a "
        "database is never migrated back"
    )
    refused = nrtd(own_database, "migrate")
    assert refused.returncode == 1
    assert f"migration refused: {unknown}" in " ".join(refused.stderr.split())
    assert "a newer release of nrtd migrated it" not in refused.stderr
    assert schema_behind(engine) == f"{unknown}; /readyz answers 503"
    engine.dispose()


def test_a_misspelt_setting_is_named_with_the_one_it_looks_like(tmp_path: Path, database_url: str) -> None:
    """A setting whose name is misspelt is ignored (its default is used): every command says so."""
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": database_url, "NRTD_DATABSE_URL": "sqlite://"})
    assert result.returncode == 0, result.stderr
    assert (
        "unknown setting NRTD_DATABSE_URL (in the environment) is ignored; did you mean NRTD_DATABASE_URL?"
        in result.stderr
    )
    env_file = tmp_path / ".env"
    env_file.write_text("NRTD_COUNTRI=Peru\nNRTD_COUNTRY=Peru\nOTHER=1\n", encoding="utf-8")
    environ = {"NRTD_TEST_DB": "sqlite", "NRTD_SITE_NAME": "x", "NRTD_NOTHING_LIKE_IT": "1"}
    assert unknown_settings(environ, env_file) == [
        f"unknown setting NRTD_COUNTRI (in {env_file}) is ignored; did you mean NRTD_COUNTRY?",
        "unknown setting NRTD_NOTHING_LIKE_IT (in the environment) is ignored",
    ]


# -- rejected records on the command line ----------------------------------------------------------


@pytest.mark.slow
def test_rejected_records_are_printed_with_position_and_reason(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    records = [uhri_record(n) for n in range(1, 4)]
    records += [uhri_record(n, AnnotationType=None, Body=None) for n in range(4, 29)]  # 25 without a body
    result = nrtd(database_url, "import", "uhri", str(write_export(tmp_path / "e.json", records)))
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        run_id = conn.execute(select(ImportRun.id)).scalar_one()
    lines = result.stderr.strip().splitlines()
    assert unstamped(lines[0]) == "25 records rejected:"  # its time in UTC first
    # The first 20 records, each with its two problems on lines of their own.
    shown = lines[1:61]
    assert [line.startswith("  record ") for line in shown] == [True, False, False] * 20
    assert re.fullmatch(r"  record 4 \([0-9a-f-]{36}\):", shown[0]), shown[0]
    assert shown[1:3] == ["    - AnnotationType: missing", "    - Body: missing"]
    assert lines[61:] == [f"  ... and 5 more; all in GET /api/v1/import-runs/{run_id}"]


# -- a feed's credentials never printed ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("secret_url", "shown"),
    [
        ("http://user:s3cret@{host}/uhri/export-results/nothere.json", "http://***@{host}/"),
        ("http://{host}/uhri/export-results/nothere.json?token=s3cret", "nothere.json?token=***"),
    ],
)
def test_a_feeds_password_or_token_is_masked_on_every_line(
    engine: Engine, database_url: str, tmp_path: Path, secret_url: str, shown: str
) -> None:
    with fake_uhri(tmp_path / "served") as server:
        host = server.base_url.removeprefix("http://")
        result = nrtd(
            database_url,
            "import",
            "uhri",
            secret_url.format(host=host),
            "--country",
            "Peru",
        )
    assert result.returncode == 1, result.stderr
    assert "HTTP 404" in result.stderr and shown.format(host=host) in result.stderr, result.stderr
    assert "s3cret" not in result.stdout + result.stderr
    with engine.connect() as conn:
        location, message = conn.execute(select(ImportRun.location, ImportRun.message)).one()
    assert "s3cret" not in location + (message or "")


# -- a database that cannot be used ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("migrate",),
        ("serve", "--port", "1"),
        ("import", "uhri", "x.json", "--country", "Peru"),
        ("export", "csv", "-"),
        ("users", "create", "a@example.org", "--role", "admin", "--password-stdin"),
    ],
)
def test_unreachable_database_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    passphrase = "a long enough passphrase for the test\n"
    if args[0] == "serve":  # a process of its own: a server that did start must not run in the tests'
        result = subprocess.run(
            [*NRTD, *args],
            cwd=ROOT,
            env={**os.environ, "NRTD_DATABASE_URL": UNREACHABLE},
            input=passphrase,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        result = run_cli(args, env={"NRTD_DATABASE_URL": UNREACHABLE}, input=passphrase)
    assert result.returncode == 2, result.stderr
    line = one_line_no_traceback(result)
    assert line.startswith("NRTD_DATABASE_URL=postgresql://nrtd:***@127.0.0.1:9/nrtd: cannot connect: ")
    assert "s3cret" not in result.stderr + result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mongodb://db/nrtd", "not a database URL this program can use: it runs on SQLite"),
        ("mysql://root@127.0.0.1/nrtd", "not a database URL this program can use: it runs on SQLite"),
    ],
)
def test_unknown_driver_is_one_line_and_exit_2(url: str, reason: str) -> None:
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert result.returncode == 2
    assert one_line_no_traceback(result).startswith(f"NRTD_DATABASE_URL={url}: {reason}")


@pytest.mark.slow
def test_migrate_says_what_it_did(tmp_path: Path, database_url: str, engine: Engine) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    no_schema = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": url})
    assert no_schema.returncode == 2 and "`nrtd migrate` makes a new database" in no_schema.stderr
    first = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"upgraded \d+ revisions \(from an empty database to \w+\)\n", first.stderr), (
        first.stderr
    )
    again = nrtd(database_url, "migrate")  # the test database, migrated already (SQLite or PostgreSQL)
    assert again.returncode == 0
    assert re.fullmatch(r"already at the newest schema \(\w+\)\n", again.stderr), again.stderr


# -- help and version -------------------------------------------------------------------------------


def test_short_help_version_and_flags_shown_as_flags() -> None:
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and re.fullmatch(r"nrtd \d+\.\d+\.\d+\S*\n", version.stdout)
    for command, flags in [
        ((), ()),
        (("import", "uhri"), ("--partial", "--all-countries", "--allow-withdraw", "--allow-empty")),
        (("export", "csv"), ("--include-withdrawn",)),
        (("users", "create"), ("--password-stdin",)),
    ]:
        short = runner.invoke(cli, [*command, "-h"], terminal_width=100)
        assert short.exit_code == 0, short.output
        assert short.stdout.startswith("Usage: ")
        assert "<bool>" not in short.stdout
        for flag in flags:
            assert re.search(rf"^  {flag}  ", short.stdout, re.M), (flag, short.stdout)


# -- a wrong value is a message, never a traceback ------------------------------------------------


def test_a_port_out_of_range_is_a_usage_error(own_database: str) -> None:
    for port in ("70000", "-1"):
        result = nrtd(own_database, "serve", "--port", port)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "Invalid value for '--port'" in result.stderr, result.stderr


def test_an_unknown_log_level_is_a_settings_error(own_database: str) -> None:
    result = nrtd(own_database, "serve", "--port", "1", NRTD_LOG_LEVEL="VERBOSE")
    assert result.returncode == 2
    assert one_line_no_traceback(result) == (
        "setting NRTD_LOG_LEVEL: unknown log level 'VERBOSE': "
        "give one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )
    assert Settings(log_level=" debug ").log_level == "DEBUG"  # any case, as logging and uvicorn take it


def test_openapi_into_a_folder_or_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    folder = run_cli(["openapi", str(tmp_path)], env={})
    assert folder.returncode == 2 and "Traceback" not in folder.stderr
    assert f"file '{tmp_path}' is a directory" in folder.stderr, folder.stderr
    (tmp_path / "afile").write_text("")
    under_a_file = run_cli(["openapi", str(tmp_path / "afile" / "openapi.json")], env={})
    assert under_a_file.returncode == 2
    assert one_line_no_traceback(under_a_file).startswith(
        f"cannot write {tmp_path / 'afile' / 'openapi.json'} ("
    )
    written = run_cli(["openapi", str(tmp_path / "new" / "openapi.json")], env={})
    assert written.returncode == 0 and (tmp_path / "new" / "openapi.json").stat().st_size > 0


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://"])
def test_an_sqlite_url_without_a_file_is_a_settings_error(url: str) -> None:
    result = run_cli(["migrate"], env={"NRTD_DATABASE_URL": url})
    assert result.returncode == 2
    assert one_line_no_traceback(result).startswith(
        f"setting NRTD_DATABASE_URL: {url!r} names no SQLite file: give its path, e.g. sqlite:///./nrtd.db"
    )
    assert "upgraded" not in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_file_not_in_the_named_encoding_is_rejected_naming_it(
    engine: Engine, database_url: str, tmp_path: Path, encoding: str
) -> None:
    upr = tmp_path / "upr.csv"  # UTF-8 without a byte order mark
    upr.write_text("Recommendation,State under Review\nRatifier la convention,Peru\n", encoding="utf-8")
    result = nrtd(database_url, "import", "upr-info", str(upr), "--country", "Peru", "--encoding", encoding)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"input rejected: cannot decode the file as {encoding}: " in result.stderr, result.stderr
    with engine.connect() as conn:
        assert conn.execute(select(ImportRun.outcome)).scalar_one() == "failed"
