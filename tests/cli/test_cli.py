"""The ``nrtd`` command against the test database: run inside the test process (``tests.cli_runner``),
and as real subprocesses where the process is the subject (the entry point, kill -9, the lock)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from app.import_runs.lock import import_lock
from app.models import ImportRun, Recommendation
from importers.run import READER_PROCESS_MIN_BYTES
from tests.cli_runner import NRTD, run_cli, unstamped
from tests.conftest import ROOT, SAMPLE
from tests.uhri_records import snapshot, uhri_record, write_export


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (the import and its reader process)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def nrtd(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``nrtd ARGS`` run in this process (see tests.cli_runner), on ``database_url``, for Peru."""
    return run_cli(args, env={"NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": "Peru", **env})


def nrtd_process(
    database_url: str, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """``nrtd ARGS`` as a user starts it: a process of its own (``python -m app.cli``)."""
    return subprocess.run(
        [*NRTD, *args],
        cwd=ROOT,
        env={**os.environ, "NRTD_DATABASE_URL": database_url, "NRTD_COUNTRY": "Peru", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_import_sample_prints_summary_and_exits_0(engine: Engine, database_url: str) -> None:
    result = nrtd_process(
        database_url, "import", "uhri", str(SAMPLE / "export-full-{lang}.json"), "--languages", "en,fr"
    )
    assert result.returncode == 0, result.stderr
    assert unstamped(result.stdout).startswith("import run ")  # after its time in UTC
    assert " succeeded: read " in result.stdout
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() > 20
    again = nrtd(
        database_url, "import", "uhri", str(SAMPLE / "export-full-{lang}.json"), "--languages", "en,fr"
    )
    assert again.returncode == 0 and "created 0, updated 0" in again.stdout


@pytest.mark.slow
def test_a_command_leaves_sqlite_whole_with_its_log_written_back(own_database: str) -> None:
    # The command closes its connections before it leaves the rest of its heap to the system.
    result = nrtd_process(own_database, "import", "uhri", str(SAMPLE / "export-full-en.json"))
    assert result.returncode == 0, result.stderr
    database = Path(own_database.removeprefix("sqlite:///"))
    assert database.stat().st_size > 0 and not Path(f"{database}-wal").exists()


@pytest.mark.slow
def test_failed_run_exits_1_with_the_reason(engine: Engine, database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"AnnotationId": ', encoding="utf-8")
    result = nrtd(database_url, "import", "uhri", str(bad))
    assert result.returncode == 1
    assert "failed" in result.stdout and "input rejected" in result.stdout


@pytest.mark.slow
def test_missing_file_and_bad_setting_exit_with_clear_messages(own_database: str, tmp_path: Path) -> None:
    missing = nrtd(own_database, "import", "uhri", "/nonexistent/export.json")
    assert missing.returncode == 2 and "no such file" in missing.stderr  # as upr-info and csv: usage
    folder = nrtd(own_database, "import", "uhri", str(tmp_path))
    assert folder.returncode == 2
    assert f"{tmp_path} is a directory: name the export file in it" in folder.stderr
    for source in ("csv", "upr-info"):  # their file argument says so itself
        folder = nrtd(own_database, "import", source, str(tmp_path))
        assert folder.returncode == 2 and "is a directory" in folder.stderr, (source, folder.stderr)
    bad = nrtd(own_database, "import", "uhri", NRTD_IMPORT_SCHEDULE="every day")
    assert bad.returncode == 2 and "NRTD_IMPORT_SCHEDULE" in bad.stderr
    ignored = nrtd(own_database, "migrate", NRTD_RATE_LIMIT_STORE="database", NRTD_REDIS_URL="redis://c:6379")
    assert ignored.returncode == 2, ignored.stderr
    assert "NRTD_REDIS_URL" in ignored.stderr and "NRTD_RATE_LIMIT_STORE=database" in ignored.stderr


@pytest.mark.parametrize(
    ("source", "scheme"),
    [
        ("ftp://uhri.example.org/export-full-en.json", "ftp://"),
        ("dataex.ohchr.org/uhri/export-results/export-full-en.json", ""),
        ("127.0.0.1:9221/uhri/export-full-en.json", ""),
    ],
)
def test_a_url_without_http_is_named_as_a_url(own_database: str, source: str, scheme: str) -> None:
    # Before: "no such file: ftp:/uhri.example.org/export-full-en.json" (its path, one slash lost),
    # and a URL typed without its http:// only "no such file".
    result = nrtd(own_database, "import", "uhri", source)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"no such file: {source}; "
        + (f"{scheme} is not downloaded: " if scheme else "")
        + "a URL starts with http:// or https://"
    ]


def test_a_wrong_languages_option_is_one_plain_line(own_database: str) -> None:
    # Before: "--languages: Value error, unknown language(s) ..." (pydantic's prefix), and an empty
    # --languages "" was passed over for NRTD_UHRI_LANGUAGES without a word.
    export = str(SAMPLE / "export-full-{lang}.json")
    for given, reason in (
        ("en,xx", "unknown language(s) ['xx']; UHRI publishes ['en', 'fr', 'es', 'ar', 'ru', 'zh']"),
        ("", "at least one language is required"),
    ):
        result = nrtd(own_database, "import", "uhri", export, "--languages", given)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [f"--languages: {reason}"], given


def test_an_unknown_encoding_option_is_a_usage_error_and_records_no_run(own_database: str) -> None:
    # Before: a typo in --encoding started the import, which failed (exit 1) and stayed in the list
    # of runs as a failed import, for a command line that was wrong.
    result = nrtd(
        own_database, "import", "upr-info", str(SAMPLE / "upr-info-peru.csv"), "--encoding", "cp-1252x"
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "--encoding: unknown text encoding 'cp-1252x': give one such as utf-8, cp1252 (Windows), mac_roman, "
        "utf-16, or leave the option out to have it detected"
    ]
    assert (
        nrtd(
            own_database, "import", "upr-info", str(SAMPLE / "upr-info-peru.csv"), "--encoding", "CP1252"
        ).returncode
        == 0
    )
    engine = create_engine(own_database)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 1
    engine.dispose()


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib"])
def test_a_codec_that_is_no_text_encoding_is_refused_as_an_unknown_one(own_database: str, codec: str) -> None:
    # Before: `--encoding rot13` (a codec, not a text encoding) started the import, which failed (exit 1)
    # and stayed in the list of runs, where `--encoding bogus` was refused before any run (exit 2).
    result = nrtd(own_database, "import", "upr-info", str(SAMPLE / "upr-info-peru.csv"), "--encoding", codec)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"--encoding: {codec!r} is not a text encoding: give one such as utf-8, cp1252 (Windows), mac_roman, "
        "utf-16, or leave the option out to have it detected"
    ]
    engine = create_engine(own_database)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 0
    engine.dispose()


def test_each_message_of_a_command_is_one_line_whatever_its_length(own_database: str, tmp_path: Path) -> None:
    # Written to a log (cron, a container), a message longer than 80 characters was cut into lines at
    # the 80th column, mid-path: a grep for the file's name, or a monitor reading the last line, missed it.
    deep = tmp_path / ("a-folder-with-a-long-name-" * 4) / "recommendations.csv"
    env = {"NRTD_DATABASE_URL": own_database, "COLUMNS": "80"}
    for args, said in (
        (["export", "csv", str(deep)], f"FILE: the folder {deep.parent} does not exist\n"),
        (
            ["export", "csv", str(tmp_path / "recommendations.txt")],
            "FILE: cannot write .txt: name a .csv or .xlsx file, or - for CSV on standard output\n",
        ),
        (
            ["users", "create", "admin@example.org", "--role", "admin"],
            "give the password on standard input with --password-stdin\n",
        ),
    ):
        result = run_cli(args, env=env)
        assert result.returncode == 2 and result.stderr == said
    long_email = "the-first-administrator-of-this-instance@ministry-of-justice.example.org"
    for expected in (0, 1):
        created = run_cli(
            ["users", "create", long_email, "--role", "admin", "--password-stdin"],
            env=env,
            input="a long admin passphrase\n",
        )
        assert created.returncode == expected
    assert created.stderr.count("\n") == 1 and long_email in created.stderr, created.stderr


@pytest.mark.slow
def test_a_workbook_given_to_the_upr_info_import_says_what_it_reads(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """UPR Info's database gives its rows as an Excel workbook too: the command names what the file is,
    what it reads (CSV), how to make one, and which command reads a UHRI workbook; nothing is stored."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Issue"])
    sheet.append(["Peru", "GRULAC", "OAS", "Ratify the Protocol", "Portugal", "WEOG", "EU", "Accepted", "x"])
    workbook = tmp_path / "upr-info-peru.xlsx"
    book.save(workbook)
    for given in (workbook, SAMPLE / "uhri-search-export.xlsx"):
        refused = nrtd(database_url, "import", "upr-info", str(given))
        assert refused.returncode == 1, refused.stdout
        assert (
            "input rejected: this is an Excel workbook (XLSX) or another ZIP file, not a CSV file: save a "
            "workbook as 'CSV UTF-8' first; a UHRI export is imported with `nrtd import uhri`"
        ) in refused.stderr
        assert "Traceback" not in refused.stderr
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() == 0
        outcomes = conn.execute(select(ImportRun.outcome)).scalars().all()
    assert outcomes == ["failed", "failed"]  # recorded, as every run is


def test_several_languages_from_one_file_are_refused_not_cut_to_the_first(
    engine: Engine, database_url: str
) -> None:
    # Importing English alone while the operator asked for French too would look like success.
    one_file = nrtd(
        database_url, "import", "uhri", str(SAMPLE / "export-full-en.json"), "--languages", "en,fr"
    )
    assert one_file.returncode == 2, one_file.stdout
    assert "--languages en,fr: the source names one file, so only 'en' would be read" in one_file.stderr
    xlsx = nrtd(database_url, "import", "uhri", str(SAMPLE / "uhri-search-export.xlsx"), "--languages", "fr")
    assert xlsx.returncode == 2 and "is read as English" in xlsx.stderr
    settings_only = nrtd(
        database_url,
        "import",
        "uhri",
        NRTD_UHRI_URL="https://uhri.example.org/export-full-en.json",
        NRTD_UHRI_LANGUAGES="en,fr",
    )
    assert settings_only.returncode == 2
    assert "NRTD_UHRI_LANGUAGES names en,fr but NRTD_UHRI_URL holds no {lang}" in settings_only.stderr
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRun)).scalar_one() == 0
    # A file of its own, with the languages of the settings: that file is what was asked for.
    one = nrtd(
        database_url, "import", "uhri", str(SAMPLE / "export-full-en.json"), NRTD_UHRI_LANGUAGES="en,fr"
    )
    assert one.returncode == 0, one.stderr


@pytest.mark.slow
def test_second_import_exits_75_while_one_runs(engine: Engine, database_url: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "a.json", [uhri_record(1)])
    with import_lock(engine, ttl_seconds=60):
        result = nrtd(database_url, "import", "uhri", str(export))
    assert result.returncode == 75
    assert "another import is running" in result.stderr
    # What to do: README's "try again later", said where the refusal is read (a cron log).
    assert "; not started: run it again when that one has finished" in result.stderr


@pytest.mark.slow
def test_kill_9_mid_run_leaves_database_unchanged(engine: Engine, database_url: str, tmp_path: Path) -> None:
    export = tmp_path / "big.json"
    subprocess.run(
        [
            sys.executable,
            "benchmarks/generate_uhri_export.py",
            str(export),
            "--records",
            "20000",
            "--seed",
            "7",
            "--country",
            "Peru",
            "--country-records",
            "1500",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    # Something already stored, which a killed run must leave exactly as it was.
    assert nrtd(database_url, "import", "uhri", str(SAMPLE / "export-full-en.json")).returncode == 0
    before = snapshot(engine)
    rng = random.Random(3)
    # The export is large enough for its own reader process: it must not outlive a killed import.
    marker = f"NRTD_TEST_RUN={uuid.uuid4()}"
    env = {**os.environ, "NRTD_DATABASE_URL": database_url, "NRTD_TEST_RUN": marker.split("=", 1)[1]}
    assert export.stat().st_size >= READER_PROCESS_MIN_BYTES
    for _ in range(2):  # two random points of the upserts
        proc = subprocess.Popen(
            [*NRTD, "import", "uhri", str(export), "--all-countries"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Killed at a random point while it upserts: its reader process is there once the import has
        # loaded its database layer and only waits for items, and the upserts take seconds from then
        # on (the 20,000 records stay uncommitted in the connection's cache until the end).
        deadline = time.monotonic() + 30
        while len(_processes_with(marker)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.2, 1.2))
        assert proc.poll() is None, "the import finished before it could be killed: use a larger file"
        assert len(_processes_with(marker)) == 2, "no import and reader process to kill"
        _kill_leaving_no_reader(proc, marker)
        assert snapshot(engine) == before
    # The next run imports from the same file (one State of it: the whole file would take a core
    # for several seconds more and prove nothing more). It holds none of the sample's records, so it
    # would withdraw every one of them: the operator says so.
    result = nrtd(database_url, "import", "uhri", str(export), "--country", "Peru", "--allow-withdraw")
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        run = conn.execute(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert run is not None and run.outcome == "succeeded"
    assert (run.read, run.created) == (20000, 1500)


@pytest.mark.slow
def test_kill_9_while_a_one_state_import_starts_ends_the_reader_started_ahead(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # A one-State import starts its reader before it loads its database layer; here the reader's
    # items (several MB) fill the pipe while the importing process is still loading, so the reader
    # is alive, waiting to write, when the import is killed: it must end, and nothing is written.
    export = write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, 6001)])
    assert nrtd(database_url, "import", "uhri", str(SAMPLE / "export-full-en.json")).returncode == 0
    before = snapshot(engine)
    marker = f"NRTD_TEST_RUN={uuid.uuid4()}"
    env = {
        **os.environ,
        "NRTD_DATABASE_URL": database_url,
        "NRTD_TEST_RUN": marker.split("=", 1)[1],
        "NRTD_IMPORT_READER_PROCESS": "always",
    }
    proc = subprocess.Popen(
        [*NRTD, "import", "uhri", str(export), "--country", "Peru"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(_processes_with(marker)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the import finished before its reader was seen"
    assert len(_processes_with(marker)) == 2, "no reader process beside the import"
    _kill_leaving_no_reader(proc, marker)
    assert snapshot(engine) == before


def _kill_leaving_no_reader(proc: subprocess.Popen[bytes], marker: str) -> None:
    """kill -9 the import; its reader process must end within seconds."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_with(marker), "the reader process outlived the killed import"
