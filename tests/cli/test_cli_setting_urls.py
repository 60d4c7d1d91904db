"""Addresses and database URLs given in the settings (README, "Settings"): refused at once, naming the
setting and the reason, or taken as their owner meant them (the test_cli_settings.py of addresses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import setting_checks as checks
from app.core.config import Settings
from tests.cli.refusals import refused as _refused
from tests.cli_runner import run_cli


@pytest.mark.parametrize("query", ["?mode=ro", "?timeout=60", "?uri=true&mode=rw"])
def test_an_sqlite_url_with_options_is_refused(own_database: str, tmp_path: Path, query: str) -> None:
    # Taken as given, SQLAlchemy printed an SAWarning naming app/core/db.py that the options were
    # ignored (or honoured one that the service overrides, the busy timeout), and the command went on.
    url = f"sqlite:///{tmp_path / 'nrtd.db'}{query}"
    assert _refused(own_database, "NRTD_DATABASE_URL", url) == (
        f"setting NRTD_DATABASE_URL: {url!r}: an SQLite URL takes no options ({query}): give the file's "
        f"path alone, e.g. sqlite:///{tmp_path / 'nrtd.db'}"
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        # Before, without its scheme: "must be an http(s) URL", neither the value nor an example.
        ("nrtd.example.gov", "does not start with http:// or https://"),
        ("https:///nrtd", "names no host"),
        ("https://nrtd example.gov", "holds a space"),
        ("https://nrtd.example.gov/?lang=fr", "has a query (?...)"),
        ("https://nrtd.example.gov/#top", "has a fragment (#...)"),
    ],
)
def test_a_site_address_links_could_not_start_with_is_refused(
    own_database: str, value: str, what: str
) -> None:
    # Taken as given, every link of the digests, the calendar feed and the exports' metadata was
    # broken ("https://nrtd.example.gov/?lang=fr/staff/...").
    assert _refused(own_database, "NRTD_BASE_URL", value) == (
        f"setting NRTD_BASE_URL: {value!r} {what}: give the address people open the service at, "
        "http(s)://host[:port], e.g. https://nrtd.example.gov"
    )
    kept = "https://nrtd.example.gov/"
    result = run_cli(["export", "csv", "-"], env={"NRTD_DATABASE_URL": own_database, "NRTD_BASE_URL": kept})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "value", ["https://nrtd:zq9secret@nrtd.example.gov/tracker", "https://zq9secret@nrtd.example.gov"]
)
def test_a_site_address_with_a_login_is_refused_without_showing_it(own_database: str, value: str) -> None:
    # Taken as given, every link of the digests, the calendar feeds and the exports carried the login.
    refused = _refused(own_database, "NRTD_BASE_URL", value)
    assert refused.startswith("setting NRTD_BASE_URL: 'https://***@nrtd.example.gov")
    assert "holds a user name or password" in refused and "zq9secret" not in refused


@pytest.mark.parametrize("value", ["https://example.gov/tracker", "https://example.gov/tracker/"])
def test_a_site_address_with_a_path_is_refused(own_database: str, value: str) -> None:
    """Served under a path behind a proxy, the links the service hands out worked, but its pages link
    from the root (/staff/..., /static/...): every page came without its styles, every button led
    out of the service. It is served at the root of a host name of its own."""
    assert _refused(own_database, "NRTD_BASE_URL", value) == (
        "setting NRTD_BASE_URL: 'https://example.gov/tracker' has a path (/tracker): the service is "
        "served at the root of a host name of its own (its pages link from /): give that address, e.g. "
        "https://nrtd.example.gov"
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("https://", "names no host"),
        ("https://x y/a.json", "holds a space"),
        ("dataex.ohchr.org/x.json", "does not start with http:// or https://"),
    ],
)
def test_a_feed_url_without_a_host_is_refused(own_database: str, value: str, what: str) -> None:
    # Taken as given, every command started and each (scheduled) import then failed to download.
    assert _refused(own_database, "NRTD_UHRI_URL", value) == (
        f"setting NRTD_UHRI_URL: {value!r} {what}: give an http(s) URL, e.g. "
        "https://dataex.ohchr.org/uhri/export-results/export-full-{lang}.json"
    )


@pytest.mark.parametrize(
    "url",
    ["postgresql://nrtd:pa@zq9secret@127.0.0.1:9/nrtd", "postgresql://nrtd:p@zq9#w/rd@db.internal/nrtd"],
)
def test_a_database_password_with_an_unencoded_at_sign_is_refused_unshown(
    own_database: str, url: str
) -> None:
    # Before: "NRTD_DATABASE_URL=postgresql://nrtd:***@zq9secret@127.0.0.1:9/nrtd: cannot connect: failed
    # to resolve host 'zq9secret@127.0.0.1'": most of the password on the screen and in cron's mail, and
    # the reason (the @ ends the password) left to guess.
    line = _refused(own_database, "NRTD_DATABASE_URL", url)
    assert line == (
        "setting NRTD_DATABASE_URL: holds @ more than once: the password (or user name) holds an @, "
        "which ends it; write it percent-encoded: @ as %40, / as %2F, # as %23, : as %3A"
    )
    assert "zq9" not in line


@pytest.mark.parametrize(
    "value", ["sqlite://var/lib/nrtd/nrtd.db", "sqlite://./nrtd.db", "sqlite+pysqlite://db/x.db"]
)
def test_an_sqlite_url_with_two_slashes_is_refused(own_database: str, value: str) -> None:
    # Two slashes make what follows a host, which SQLite ignores: sqlite://var/lib/nrtd/nrtd.db was the
    # file lib/nrtd/nrtd.db under wherever the command ran (`nrtd migrate` made a new, empty one there).
    line = _refused(own_database, "NRTD_DATABASE_URL", value)
    assert line == (
        f"setting NRTD_DATABASE_URL: {value!r}: an SQLite URL has three slashes before the file's path "
        "(sqlite:///./nrtd.db, relative to where the command runs) and four before an absolute one "
        "(sqlite:////var/lib/nrtd/nrtd.db)"
    )


@pytest.mark.parametrize(
    ("value", "held"),
    [
        ("https://x.example.org/export-full-{language}.json", "{language}"),
        ("https://x.example.org/export-full-{LANG}.json", "{LANG}"),
        ("https://x.example.org/export-full-{lang.json", "{"),
    ],
)
def test_a_uhri_url_with_another_placeholder_than_lang_is_refused(
    own_database: str, value: str, held: str
) -> None:
    # Taken as given, the braces were sent as they are (%7Blanguage%7D): every scheduled import then
    # failed "HTTP 404", which sent the operator to look at OHCHR's server rather than at the setting.
    assert _refused(own_database, "NRTD_UHRI_URL", value) == (
        f"setting NRTD_UHRI_URL: {value!r} holds {held}: the one placeholder is {{lang}} (in lower case), "
        "replaced by each language of NRTD_UHRI_LANGUAGES: give an http(s) URL, e.g. "
        "https://dataex.ohchr.org/uhri/export-results/export-full-{lang}.json"
    )


def test_an_address_whose_scheme_is_in_capitals_is_taken() -> None:
    # A scheme is case-insensitive (RFC 3986): NRTD_BASE_URL=HTTPS://nrtd.example.gov, as some
    # documents print addresses, stopped every command: "does not start with http:// or https://".
    settings = Settings(
        database_url="sqlite:///./nrtd.db",
        base_url="HTTPS://nrtd.example.gov",
        uhri_url="HTTP://uhri.example.org/export-full-{lang}.json",
        contact_url="Https://nrtd.example.gov/contact",
    )
    assert settings.base_url == "https://nrtd.example.gov"
    assert settings.uhri_url == "http://uhri.example.org/export-full-{lang}.json"
    assert settings.contact_url == "https://nrtd.example.gov/contact"


@pytest.mark.parametrize(
    "value",
    ["postgresql://nrtd:s3cret@db.example.org:5432", "postgresql+psycopg://nrtd:s3cret@db.example.org/"],
)
def test_a_postgresql_url_naming_no_database_is_refused(own_database: str, value: str) -> None:
    # PostgreSQL then connects to the database named after the user: postgresql://postgres@host was
    # the server's own "postgres" database, "no schema yet: run nrtd migrate first", and nrtd migrate
    # made the service's tables there.
    line = _refused(own_database, "NRTD_DATABASE_URL", value)
    assert line == (
        "setting NRTD_DATABASE_URL: names no database after the host: PostgreSQL would use the one named "
        "after the user (for postgres, the server's own): give it, e.g. "
        "postgresql://nrtd:password@db.internal:5432/nrtd"
    )
    assert "s3cret" not in line
    # A password holding a / or # its writer did not encode (SQLAlchemy reads it up to the last @) and
    # the libpq option naming the database are no fault of this kind.
    for kept in (
        "postgresql://nrtd:pa#ss@db.example.org/nrtd",
        "postgresql://nrtd@db.example.org?dbname=nrtd",
    ):
        checks.database_file(kept)


@pytest.mark.parametrize(
    ("value", "port"),
    [
        # A template's placeholder left in; ${PGPORT} unset; a port written twice.
        ("postgresql://nrtd:s3cret@db.example.org:PORT/nrtd", "PORT"),
        ("postgresql://nrtd:s3cret@db.example.org:/nrtd", ""),
        ("postgresql://nrtd:s3cret@db.example.org:5432:5432/nrtd", "5432:5432"),
    ],
)
def test_a_postgresql_url_whose_port_is_not_a_number_is_refused(
    own_database: str, value: str, port: str
) -> None:
    # Every command died on a traceback from SQLAlchemy (ValueError: invalid literal for int() with
    # base 10: 'PORT'), `nrtd serve` included.
    line = _refused(own_database, "NRTD_DATABASE_URL", value)
    assert line == (
        f"setting NRTD_DATABASE_URL: the port after the host is not a number ({port!r}): write it in "
        "digits, or leave it out with its colon for PostgreSQL's 5432, e.g. "
        "postgresql://nrtd:password@db.internal:5432/nrtd"
    )
    assert "s3cret" not in line


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("redis://redis.internal:PORT/0", "Port could not be cast to integer value as 'PORT'"),
        ("redis://redis.internal:99999/0", "Port out of range 0-65535"),
        ("unix:///run/redis.sock?db=first", "Invalid value for 'db' in connection URL."),
    ],
)
def test_a_redis_url_that_cannot_be_read_is_refused(own_database: str, value: str, reason: str) -> None:
    # Taken as given, `nrtd serve` died on a traceback at start (ValueError from redis-py).
    line = _refused(own_database, "NRTD_REDIS_URL", value)
    assert line == (
        f"setting NRTD_REDIS_URL: cannot be read: {reason}; e.g. redis://redis.internal:6379/0 "
        "(rediss:// for TLS)"
    )
