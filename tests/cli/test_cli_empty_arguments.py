"""Arguments and options given empty, as a shell gives an unset variable (``"$FILE"``): each is named
as empty, exit 2, never taken for the current folder, the default URL or no option at all."""

from __future__ import annotations

import sqlite3

import pytest

from tests.cli.test_cli import nrtd
from tests.cli_runner import run_cli
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    "args",
    [
        ("export", "csv", "-"),
        ("import", "uhri", str(SAMPLE / "export-full-en.json")),
        ("import", "upr-info", str(SAMPLE / "upr-info-peru.csv")),
        ("import", "csv", str(SAMPLE / "upr-info-peru.csv")),
    ],
)
def test_an_empty_country_option_is_refused(own_database: str, args: tuple[str, ...]) -> None:
    # Before: `export csv - --country ""` wrote "exported 0 recommendations" whatever was stored, and
    # the imports passed it over for NRTD_COUNTRY (here Peru) without a word.
    result = nrtd(own_database, *args, "--country", "")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "--country: empty: give a State's name or ISO code (Peru, PE), or leave the option out"
    ]


@pytest.mark.parametrize("source", ["", "  "])
def test_an_empty_source_is_refused_not_taken_for_the_default_url(own_database: str, source: str) -> None:
    # `nrtd import uhri "$EXPORT"` with EXPORT unset (or misspelt): the command downloaded the whole
    # export from NRTD_UHRI_URL, as if no source had been given, and withdrew what it lacked.
    result = nrtd(
        own_database,
        *("import", "uhri", source, "--country", "Peru"),
        NRTD_UHRI_URL="http://127.0.0.1:9/x.json",
        NRTD_HTTP_RETRIES="0",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "SOURCE: empty: give the export's path or URL, or leave it out to download NRTD_UHRI_URL"
    ]


@pytest.mark.parametrize("command", ["csv", "upr-info"])
def test_an_empty_file_argument_is_named_so_not_a_directory(own_database: str, command: str) -> None:
    # `nrtd import csv "$FILE"` with FILE unset: "file '' is a directory", the empty path read as the
    # folder the command ran in.
    result = nrtd(own_database, "import", command, "")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: Invalid value for 'file': empty: give the file's path (is a shell variable unset?)"
    )
    assert "directory" not in result.stderr


def test_an_empty_export_file_is_named_so_not_a_folder(own_database: str) -> None:
    # `nrtd export csv "$OUT"` with OUT unset said "FILE: . is a folder: name the file to write in it".
    result = nrtd(own_database, "export", "csv", "")
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "FILE: empty: name a .csv or .xlsx file, or - for CSV on standard output (is a shell variable "
        "unset?)\n"
    )


def test_an_empty_email_to_unlock_is_a_usage_error(own_database: str) -> None:
    # `nrtd users unlock "$EMAIL"` with EMAIL unset said "no user has the email " and exited 1, as if
    # an account had been looked for and not found.
    result = nrtd(own_database, "users", "unlock", "")
    assert result.returncode == 2, result.stderr
    assert result.stderr == "EMAIL: empty: give the account's e-mail address (is a shell variable unset?)\n"
    assert nrtd(own_database, "users", "unlock", "  ").stderr == result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("", "--role", "admin"),
            "EMAIL: empty: give the account's e-mail address (is a shell variable unset?)",
        ),
        (
            ("  ", "--role", "admin"),
            "EMAIL: empty: give the account's e-mail address (is a shell variable unset?)",
        ),
        (
            ("new@example.org", "--role", ""),
            "--role: empty: give admin, coordinator, focal_point or reader (is a shell variable unset?)",
        ),
        (
            ("new@example.org", "--role", "reader", "--name", " "),
            "--name: empty: give the user's full name, or leave the option out (is a shell variable unset?)",
        ),
    ],
)
def test_an_empty_argument_to_create_a_user_is_a_usage_error(
    own_database: str, args: tuple[str, ...], said: str
) -> None:
    # `nrtd users create "$EMAIL"` with EMAIL unset said "EMAIL: value is not a valid email address: An
    # email address must have an @-sign.", unlike `users unlock ""`, after asking for the password.
    result = run_cli(
        ["users", "create", *args, "--password-stdin"],
        env={"NRTD_DATABASE_URL": own_database},
        input="a long enough passphrase\n",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == said + "\n"
    with sqlite3.connect(own_database.removeprefix("sqlite:///")) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
