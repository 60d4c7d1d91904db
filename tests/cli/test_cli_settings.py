"""Settings whose value would make the service misbehave long after it started stop every command at
once, naming the setting and the reason (README, "Settings"), rather than being taken as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import Settings
from tests.cli.refusals import refused as _refused
from tests.cli_runner import run_cli


@pytest.mark.parametrize("name", ["NRTD_IMPORT_SCHEDULE", "NRTD_NOTIFY_SCHEDULE"])
def test_a_schedule_that_never_comes_or_has_a_seconds_field_is_refused(own_database: str, name: str) -> None:
    # 30 February: `nrtd serve` started, and its scheduler's thread died on a traceback at once.
    assert _refused(own_database, name, "0 3 30 2 *") == (
        f"setting {name}: no date ever matches the cron expression '0 3 30 2 *'"
    )
    # Seconds first, as some schedulers write "every day at 03:00": read as minute 0, hour 0, the
    # 3rd of the month, and every second (a sixth field) of that minute.
    assert _refused(own_database, name, "0 0 3 * * *") == (
        f"setting {name}: not a cron expression of five fields (minute hour day-of-month month "
        "day-of-week, e.g. 0 3 * * * for 03:00 every day, in NRTD_TIME_ZONE): '0 0 3 * * *' has 6"
    )
    # It said "03:00 UTC" while the schedules run in NRTD_TIME_ZONE (America/Lima: 03:00 in Lima).
    for kept in ("0 3 * * *", "0 0 29 2 *", "@daily", "*/15 * * * 1-5"):
        result = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, name: kept})
        assert result.returncode == 0, (kept, result.stderr)


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        # Taken as given, every download then failed "99637 bytes, over the limit of -1".
        ("NRTD_DOWNLOAD_MAX_BYTES", "-1", "Input should be greater than or equal to 1"),
        ("NRTD_DOWNLOAD_MAX_BYTES", "0", "Input should be greater than or equal to 1"),
        # A lease that is over at once: an import on another host would be taken over while it runs.
        ("NRTD_IMPORT_LOCK_TTL", "0", "Input should be greater than or equal to 60"),
        ("NRTD_IMPORT_LOCK_TTL", "-100", "Input should be greater than or equal to 60"),
        # Handed to the socket of each download: `nrtd import uhri` died on a traceback
        # ("OverflowError: timestamp out of range for platform time_t"), its run left unfinished.
        ("NRTD_HTTP_READ_TIMEOUT", "inf", "Input should be a finite number"),
        ("NRTD_HTTP_CONNECT_TIMEOUT", "1e12", "Input should be less than or equal to 86400"),
        ("NRTD_HTTP_TIMEOUT", "infinity", "Input should be a finite number"),
    ],
)
def test_a_limit_that_cannot_be_met_is_refused(own_database: str, name: str, value: str, reason: str) -> None:
    assert _refused(own_database, name, value) == f"setting {name}: {reason}"


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_storage_directory_is_refused(own_database: str, value: str) -> None:
    # Taken as given, the evidence files went to the directory the command was started in.
    assert _refused(own_database, "NRTD_STORAGE_DIR", value) == (
        "setting NRTD_STORAGE_DIR: is empty: give the directory where evidence files are kept, e.g. "
        "./storage (the default, used when the variable is not set at all) or /var/lib/nrtd/storage"
    )


def test_a_directory_setting_naming_a_file_is_refused(own_database: str, tmp_path: Path) -> None:
    # Taken as given, the server started; every evidence upload was then a 507 and every public export
    # was built again for each download, each saying so in the log only.
    a_file = tmp_path / "storage.tar"
    a_file.write_bytes(b"not a directory")
    assert _refused(own_database, "NRTD_STORAGE_DIR", str(a_file)) == (
        f"setting NRTD_STORAGE_DIR: {a_file} is a file, not a directory: name the directory where "
        "evidence files are kept (made at the first upload if missing)"
    )
    assert _refused(own_database, "NRTD_EXPORT_CACHE_DIR", str(a_file)) == (
        f"setting NRTD_EXPORT_CACHE_DIR: {a_file} is a file, not a directory: name the directory where "
        "the public exports are kept (made when first needed), or leave it empty"
    )


def test_an_accessibility_statement_that_cannot_be_read_is_refused(own_database: str, tmp_path: Path) -> None:
    # Taken as given, every command started and /accessibility then answered 500.
    name = "NRTD_ACCESSIBILITY_STATEMENT"
    missing = tmp_path / "nonexistent.txt"
    assert _refused(own_database, name, str(missing)) == (
        f"setting {name}: {missing} does not exist: give a plain-text file (UTF-8), or leave it empty"
    )
    assert _refused(own_database, name, str(tmp_path)) == (
        f"setting {name}: {tmp_path} is a folder: give a plain-text file (UTF-8), or leave it empty"
    )
    # Only the French file: the English one serves the languages without their own.
    (tmp_path / "statement.fr.txt").write_text("Nous avons tout testé.\n", encoding="utf-8")
    per_language = str(tmp_path / "statement.{lang}.txt")
    assert _refused(own_database, name, per_language) == (
        f"setting {name}: {tmp_path / 'statement.en.txt'} (the en file, which serves the languages "
        "without one) does not exist: give a plain-text file (UTF-8), or leave it empty"
    )
    (tmp_path / "statement.en.txt").write_bytes("Tout testé.".encode("latin-1"))
    assert _refused(own_database, name, per_language) == (
        f"setting {name}: {tmp_path / 'statement.en.txt'} is not UTF-8 text: save it as UTF-8"
    )
    (tmp_path / "statement.en.txt").write_text("We tested everything.\n", encoding="utf-8")
    kept = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, name: per_language})
    assert kept.returncode == 0, kept.stderr


@pytest.mark.parametrize(
    "value", ["smtp://mail.example.org", "mail.example.org:25", "mail example.org", "mail.example.org/"]
)
def test_an_smtp_host_that_is_not_a_host_name_is_refused(own_database: str, value: str) -> None:
    # Taken as given, every command started; the digests then failed at each scheduled run, retried,
    # with "Name or service not known": the port is NRTD_SMTP_PORT, never part of the host.
    assert _refused(own_database, "NRTD_SMTP_HOST", value) == (
        f"setting NRTD_SMTP_HOST: {value!r} is not a host name: give the server's name or address "
        "alone (mail.example.org, 192.0.2.25), its port in NRTD_SMTP_PORT"
    )
    for kept in ("mail.example.org", " smtp-relay.internal ", "192.0.2.25", "::1", ""):
        result = run_cli(
            ["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, "NRTD_SMTP_HOST": kept}
        )
        assert result.returncode == 0, (kept, result.stderr)


def test_a_setting_line_of_the_env_file_that_cannot_be_read_is_refused(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Taken as given, python-dotenv skipped the line (saying only "could not parse statement starting
    # at line 2", twice, without the file) and the setting kept its default: an unclosed quote in
    # NRTD_DATABASE_URL had every command work on a new ./nrtd.db.
    monkeypatch.chdir(tmp_path)
    env_file = tmp_path / ".env"
    env_file.write_text('OTHER=1\nNRTD_COUNTRY="Peru\nNRTD_LOG_LEVEL=debug\n', encoding="utf-8")
    assert _refused(own_database, "NRTD_LOG_LEVEL", "INFO") == (
        ".env line 2 (NRTD_COUNTRY) cannot be read: write NAME=value, a quoted value between matching "
        "quotes; nothing was done"
    )
    # The value is never shown: it may be a password.
    env_file.write_text('NRTD_SMTP_PASSWORD="s3cret\n', encoding="utf-8")
    assert "s3cret" not in _refused(own_database, "NRTD_LOG_LEVEL", "INFO")
    # Lines of other programs (docker compose reads the same file) are theirs to judge.
    env_file.write_text('POSTGRES_PASSWORD="x\nNRTD_COUNTRY=Peru\n', encoding="utf-8")
    result = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 0, result.stderr


def test_the_former_http_timeout_left_empty_is_unset_and_never_hides_the_new_ones(own_database: str) -> None:
    # The README gives its default as "(empty)", but NRTD_HTTP_TIMEOUT= stopped every command: "Input
    # should be a valid number, unable to parse string as a number".
    kept = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, "NRTD_HTTP_TIMEOUT": " "})
    assert kept.returncode == 0, kept.stderr
    # Set beside one of the two that replaced it, it won silently: NRTD_HTTP_READ_TIMEOUT=120 waited 60 s.
    both = run_cli(
        ["export", "csv", "-"],
        env={"NRTD_DATABASE_URL": own_database, "NRTD_HTTP_TIMEOUT": "60", "NRTD_HTTP_READ_TIMEOUT": "120"},
    )
    assert both.returncode == 2, both.stderr
    assert both.stderr.strip().splitlines() == [
        "setting NRTD_HTTP_TIMEOUT: the former single timeout is set beside NRTD_HTTP_READ_TIMEOUT, which "
        "replaced it: it would override it; remove NRTD_HTTP_TIMEOUT and set NRTD_HTTP_CONNECT_TIMEOUT and "
        "NRTD_HTTP_READ_TIMEOUT"
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NRTD_STORAGE_DIR", "~/nrtd/storage"),
        ("NRTD_EXPORT_CACHE_DIR", "~/nrtd/exports"),
        ("NRTD_ACCESSIBILITY_STATEMENT", "~/nrtd/statement.txt"),
        ("NRTD_DATABASE_URL", "sqlite:///~/nrtd/nrtd.db"),
    ],
)
def test_a_path_starting_with_a_tilde_is_refused(own_database: str, name: str, value: str) -> None:
    # Only a shell expands ~, and not in .env, a unit file or a container's environment: the evidence
    # went to a folder named "~" under wherever the server started (the exports' too), the
    # statement "did not exist", and the database "could not be opened".
    assert _refused(own_database, name, value) == (
        f"setting {name}: {value!r} starts with ~, which only a shell expands (not .env, a service "
        "file or a container's environment): give the whole path, e.g. /home/nrtd/..."
    )


def test_languages_in_capitals_are_uhri_s_codes() -> None:
    # NRTD_UHRI_LANGUAGES=EN,FR (ISO 639 as often printed) stopped every command: unknown language(s) ['EN'].

    assert Settings(uhri_languages=" EN, Fr ,en").languages == ["en", "fr"]


def test_an_env_file_that_is_not_utf8_is_refused_naming_its_line(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A publisher's name with an accent, saved by a Windows editor in its legacy encoding (or the whole
    # file as "Unicode", UTF-16): every command stopped on a UnicodeDecodeError traceback, exit 1.
    monkeypatch.chdir(tmp_path)
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"NRTD_COUNTRY=Peru\nNRTD_PUBLISHER=Minist\xe8re de la Justice\n")
    assert _refused(own_database, "NRTD_LOG_LEVEL", "INFO") == (
        ".env line 2 (NRTD_PUBLISHER) is not UTF-8: save the file as UTF-8 (without a byte-order mark "
        "or with one); nothing was done"
    )
    # Another program's line is read by the settings too (the whole file is): named as well, without
    # its value, which may be a password.
    env_file.write_bytes(b"POSTGRES_PASSWORD=contrase\xf1a\nNRTD_COUNTRY=Peru\n")
    line = _refused(own_database, "NRTD_LOG_LEVEL", "INFO")
    assert line == (
        ".env line 1 (POSTGRES_PASSWORD) is not UTF-8: save the file as UTF-8 (without a byte-order mark "
        "or with one); nothing was done"
    )
    env_file.write_text("NRTD_COUNTRY=Peru\n", encoding="utf-16")
    assert _refused(own_database, "NRTD_LOG_LEVEL", "INFO").startswith(".env line 1 is not UTF-8: ")
    env_file.write_text("\ufeffNRTD_PUBLISHER=Ministère\r\n", encoding="utf-8")
    result = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database})
    assert result.returncode == 0, result.stderr


def test_a_setting_whose_default_is_empty_is_refused_with_its_own_reason(own_database: str) -> None:
    # Empty is its default: no "keep the default" to offer, only the reason it is needed.
    assert _refused(own_database, "NRTD_RATE_LIMIT_STORE", "redis") == (
        "setting NRTD_REDIS_URL: NRTD_RATE_LIMIT_STORE=redis needs NRTD_REDIS_URL"
    )


@pytest.mark.parametrize(
    ("name", "default", "reason"),
    [
        ("NRTD_SMTP_PORT", "587", "Input should be a valid integer, unable to parse string as an integer"),
        ("NRTD_SMTP_STARTTLS", "true", "Input should be a valid boolean, unable to interpret input"),
        ("NRTD_PUBLIC_ACCESS", "open", "Input should be 'open', 'key' or 'off'"),
        (
            "NRTD_TIME_ZONE",
            "UTC",
            "'' is not a time zone: give an IANA name, such as America/Lima, Europe/Paris or UTC",
        ),
    ],
)
def test_a_setting_left_empty_says_how_to_keep_its_default(
    own_database: str, name: str, default: str, reason: str
) -> None:
    # A .env made from the README's table, values left blank (NRTD_SMTP_PORT=): "setting NRTD_SMTP_PORT:
    # Input should be a valid integer, unable to parse string as an integer", as if a word were typed.
    assert _refused(own_database, name, "") == (
        f"setting {name}: is empty: remove the variable (or its .env line) to keep the default, {default}, "
        f"or give a value ({reason})"
    )


def test_an_smtp_password_without_a_user_name_is_refused(own_database: str) -> None:
    # Taken as given, no login was tried (it needs a user name): every digest was then refused by a
    # relay wanting one ("530 5.7.0 Authentication required" to MAIL FROM), the password set but unused.
    line = _refused(own_database, "NRTD_SMTP_PASSWORD", "s3cret")
    assert line == (
        "setting NRTD_SMTP_PASSWORD: is set while NRTD_SMTP_USERNAME is empty, so it would never be sent "
        "(the digests would go without a login): set NRTD_SMTP_USERNAME to the login, or remove "
        "NRTD_SMTP_PASSWORD"
    )
    kept = run_cli(
        ["export", "csv", "-"],
        env={"NRTD_DATABASE_URL": own_database, "NRTD_SMTP_PASSWORD": "s3cret", "NRTD_SMTP_USERNAME": "nrtd"},
    )
    assert kept.returncode == 0, kept.stderr


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("60 * * * *", "its minute, '60', is not 0-59"),
        ("0 25 * * *", "its hour, '25', is not 0-23"),
        ("0 3 32 * *", "its day of the month, '32', is not 1-31"),
        ("0 3 * 13 *", "its month, '13', is not 1-12 or JAN-DEC"),
        ("0 3 * * 8", "its day of the week, '8', is not 0-7 (0 and 7: Sunday) or SUN-SAT"),
        (
            "@reboot",
            "the names are @hourly, @daily (or @midnight), @weekly, @monthly and @yearly (or @annually)",
        ),
    ],
)
def test_a_schedule_out_of_range_names_its_field(own_database: str, value: str, reason: str) -> None:
    # "not a valid cron expression: '0 25 * * *'" said nothing of which of the five fields was wrong.
    assert _refused(own_database, "NRTD_IMPORT_SCHEDULE", value) == (
        f"setting NRTD_IMPORT_SCHEDULE: not a valid cron expression: {value!r}: {reason}"
    )


def test_a_value_copied_with_its_line_break_from_a_secrets_file_is_read_without_it(
    own_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Kubernetes secret or a file read into the environment keeps its last line break: the database
    # was "own.db\n" (PostgreSQL: `database "nrtd` and the rest of the message lost at the break), the
    # evidence went to a new folder "storage " beside the one backed up, the SMTP login was refused.
    storage = tmp_path / "storage"
    storage.mkdir()
    result = run_cli(
        ["storage", "check"],
        env={"NRTD_DATABASE_URL": f"{own_database}\n", "NRTD_STORAGE_DIR": f"{storage} \n"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"storage {storage}: 0 evidence rows, 0 stored files"
    assert not list(tmp_path.glob("storage?*")) and not list(tmp_path.glob("own.db?*"))
    monkeypatch.setenv("NRTD_SMTP_USERNAME", "nrtd\n")
    monkeypatch.setenv("NRTD_SMTP_PASSWORD", "a pass phrase \r\n")  # its own spaces are kept
    monkeypatch.setenv("NRTD_EXPORT_CACHE_DIR", f"{tmp_path / 'exports'}\n")
    settings = Settings(_env_file=None)
    assert (settings.smtp_username, settings.smtp_password.get_secret_value()) == ("nrtd", "a pass phrase ")
    assert settings.export_cache_dir == str(tmp_path / "exports")
