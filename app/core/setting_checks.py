"""The checks of the settings' values (``app.core.config.Settings`` calls them): each returns the value
as kept, or raises ValueError with what is wrong and what to give instead."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from pathlib import Path

_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
# An SQLite URL whose path is empty (sqlite://, sqlite:///, sqlite+pysqlite:///?mode=ro).
_SQLITE_WITHOUT_FILE = re.compile(r"sqlite(\+\w+)?:///?(\?.*)?", re.IGNORECASE)
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+")
# An origin as a browser sends it in the Origin header: scheme, host and optional port, nothing else.
_ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[^/\s:\[\]]+)(:\d{1,5})?")


def languages(value: str, known: Sequence[str]) -> str:
    # Codes in capitals ("EN,FR", as ISO 639 is often printed) are UHRI's lower-case ones.
    langs = [part.strip().lower() for part in value.split(",") if part.strip()]
    if not langs:
        raise ValueError("at least one language is required")
    unknown = [lang for lang in langs if lang not in known]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}; UHRI publishes {list(known)}")
    return ",".join(dict.fromkeys(langs))


def database_file(value: str) -> str:
    # sqlite:/// or sqlite:// names no file: SQLAlchemy opens a database in memory, which every
    # command (and `nrtd migrate` first) would create afresh and lose when it ends.
    if _SQLITE_WITHOUT_FILE.fullmatch(value.strip()):
        raise ValueError(
            f"{value!r} names no SQLite file: give its path, e.g. sqlite:///./nrtd.db (relative) or "
            "sqlite:////var/lib/nrtd/nrtd.db (absolute)"
        )
    # Two slashes make what follows a host, which SQLite ignores: sqlite://data/nrtd.db was ./nrtd.db.
    if re.match(r"sqlite(\+\w+)?://[^/]", value.strip(), re.IGNORECASE):
        raise ValueError(
            f"{value!r}: an SQLite URL has three slashes before the file's path (sqlite:///./nrtd.db, "
            "relative to where the command runs) and four before an absolute one "
            "(sqlite:////var/lib/nrtd/nrtd.db)"
        )
    sqlite_path = re.fullmatch(r"sqlite(\+\w+)?:///(?P<path>.*)", value.strip(), re.IGNORECASE | re.DOTALL)
    if sqlite_path:
        _no_tilde(value, sqlite_path["path"])
    # The first @ ends the password: "nrtd:pa@ssword@host" connected to the host "ssword@host", and
    # the error named it, showing most of the password. The value is never repeated here.
    if value.partition("://")[2].count("@") > 1:
        raise ValueError(
            "holds @ more than once: the password (or user name) holds an @, which ends it; write it "
            "percent-encoded: @ as %40, / as %2F, # as %23, : as %3A"
        )
    # No database after the host: libpq uses the one named after the user, for postgres the server's
    # own, where `nrtd migrate` would make the service's tables. The value is not repeated (a password).
    stripped = value.strip()
    if re.match(r"postgres(ql)?(\+\w+)?://", stripped, re.IGNORECASE):
        # After the last @ (a password may hold a # or / its writer did not encode): host, /name, ?options.
        after_host = stripped.partition("://")[2].rpartition("@")[2]
        _port_is_a_number(after_host.partition("/")[0].partition("?")[0])
        name, _, options = after_host.partition("/")[2].partition("?")
        if not name.strip() and "dbname=" not in options + after_host.partition("?")[2]:
            raise ValueError(
                "names no database after the host: PostgreSQL would use the one named after the user (for "
                "postgres, the server's own): give it, e.g. postgresql://nrtd:password@db.internal:5432/nrtd"
            )
    # SQLite's options (?mode=ro) are ignored with an SAWarning naming the code, or (?timeout=) are
    # overridden by the service's own busy timeout: none does what it says.
    if stripped.lower().startswith("sqlite") and "?" in stripped:
        path, query = stripped.split("?", 1)
        raise ValueError(
            f"{value!r}: an SQLite URL takes no options (?{query}): give the file's path alone, e.g. {path}"
        )
    return value


def _port_is_a_number(host_port: str) -> None:
    """SQLAlchemy reads the port with int(): ``db:PORT`` (a template's placeholder), ``db:`` (an unset
    ${PGPORT}) or ``db:5432:5432`` stopped every command on a traceback. Only the host part is
    named, never the password."""
    after_address = host_port.rpartition("]")[2] if host_port.startswith("[") else host_port
    if ":" not in after_address:
        return
    port = after_address.partition(":")[2]
    if not port.isascii() or not port.isdigit():
        raise ValueError(
            f"the port after the host is not a number ({port!r}): write it in digits, or leave it out "
            "with its colon for PostgreSQL's 5432, e.g. postgresql://nrtd:password@db.internal:5432/nrtd"
        )


def storage_directory(value: str) -> str:
    # Empty, the path would be the current directory: evidence files would land wherever a command
    # was started, and `nrtd storage check` would compare the rows with that directory's files.
    if not value.strip():
        raise ValueError(
            "is empty: give the directory where evidence files are kept, e.g. ./storage (the default, "
            "used when the variable is not set at all) or /var/lib/nrtd/storage"
        )
    return directory(value, "evidence files are kept (made at the first upload if missing)")


def _no_tilde(value: str, path: str) -> None:
    """Only a shell expands ``~``: from .env, a unit file or a container's environment, the path would
    be a folder named "~" under wherever the command started."""
    if path.startswith("~"):
        raise ValueError(
            f"{value!r} starts with ~, which only a shell expands (not .env, a service file or a "
            "container's environment): give the whole path, e.g. /home/nrtd/..."
        )


def directory(value: str, what: str) -> str:
    """A directory the service writes into, made when first needed: one that is a file never can be
    (every upload would fail, every export be built again), so it is refused at start."""
    _no_tilde(value, value.strip())
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path} is a file, not a directory: name the directory where {what}")
    return value


def text_file(value: str, *, lang: str) -> str:
    """A plain-text file a page reads on each request (so it may be edited without a restart): one
    missing, unreadable or not UTF-8 is refused at start rather than answered with a 500 page."""
    if not value:
        return value
    _no_tilde(value, value.strip())
    path = Path(value.replace("{lang}", lang))
    if not path.is_file():
        reason = "is a folder" if path.is_dir() else "does not exist"
        which = f" (the {lang} file, which serves the languages without one)" if "{lang}" in value else ""
        raise ValueError(f"{path}{which} {reason}: give a plain-text file (UTF-8), or leave it empty")
    try:
        path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text: save it as UTF-8") from None
    return value


def log_level(value: str, levels: Sequence[str]) -> str:
    level = value.strip().upper()
    if level not in levels:
        raise ValueError(f"unknown log level {value!r}: give one of {', '.join(levels)}")
    return level


def _scheme_lowered(value: str) -> str:
    """``HTTPS://host`` as ``https://host``: a scheme is case-insensitive (RFC 3986), and some documents
    print addresses in capitals; the checks and the links the service hands out read it in lower case."""
    scheme, sep, rest = value.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep and scheme.lower() in ("http", "https") else value


def http_url(value: str) -> str:
    value = _scheme_lowered(value)
    wrong = _url_fault(value) or _placeholder_fault(value)
    if wrong:
        raise ValueError(
            f"{value!r} {wrong}: give an http(s) URL, e.g. "
            "https://dataex.ohchr.org/uhri/export-results/export-full-{lang}.json"
        )
    return value


def site_address(value: str) -> str:
    """NRTD_BASE_URL: the start of every link the service hands out, so nothing may follow its path."""
    value = _scheme_lowered(value.strip().rstrip("/"))
    wrong = _url_fault(value) or _url_tail(value)
    if wrong:
        raise ValueError(
            f"{value!r} {wrong}: give the address people open the service at, "
            "http(s)://host[:port], e.g. https://nrtd.example.gov"
        )
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        # Every link of the digests, the calendar feeds and the exports' metadata carried the login
        # to whoever received them. Said with the login masked: the message reaches the logs.
        shown = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
        raise ValueError(
            f"{shown!r} holds a user name or password, which every link the service hands out (e-mails, "
            "calendar feeds, exports) would carry: give the address without them, e.g. https://nrtd.example.gov"
        )
    if parts.path:
        # Behind a proxy at https://host/nrtd/, the links the service hands out worked, but its pages
        # link from the root (/staff/..., /static/...), which the proxy sends elsewhere: every page
        # came without its styles and every button led out of the service.
        raise ValueError(
            f"{value!r} has a path ({parts.path}): the service is served at the root of a host name of "
            f"its own (its pages link from /): give that address, e.g. {parts.scheme}://nrtd.{parts.hostname}"
        )
    return value


def _url_fault(value: str) -> str | None:
    """What makes ``value`` no URL a client can open: no host, or a space (typed, or pasted in two)."""
    from urllib.parse import urlsplit

    if not value.startswith(("http://", "https://")):
        return "does not start with http:// or https://"
    if any(char.isspace() for char in value):
        return "holds a space"
    if not urlsplit(value).hostname:
        return "names no host"
    return None


def _placeholder_fault(value: str) -> str | None:
    """A brace that is not part of ``{lang}`` (``{language}``, ``{LANG}``, one left open): sent as it
    is, every download was a 404, which sent the operator to look at the server, not the setting."""
    other = re.search(r"\{[^{}]*\}", value.replace("{lang}", ""))
    stray = other.group(0) if other else ("{" if "{" in value.replace("{lang}", "") else None)
    if stray is None and "}" in value.replace("{lang}", ""):
        stray = "}"
    if stray is None:
        return None
    return (
        f"holds {stray}: the one placeholder is {{lang}} (in lower case), replaced by each language of "
        "NRTD_UHRI_LANGUAGES"
    )


def _url_tail(value: str) -> str | None:
    if "?" in value:
        return "has a query (?...)"
    if "#" in value:
        return "has a fragment (#...)"
    return None


def email_address(value: str) -> str:
    value = value.strip()
    if value and not _EMAIL.fullmatch(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


def from_address(value: str) -> str:
    value = value.strip()
    if value and not _one_mailbox(value):
        raise ValueError(
            f"not an e-mail address: {value!r}; give one address, with a display name if wanted: "
            "nrtd@example.org or NRTD <nrtd@example.org> (quote a name holding a comma)"
        )
    return value


def _one_mailbox(value: str) -> bool:
    """``value`` is one address, alone (``nrtd@example.org``) or with a display name
    (``NRTD <nrtd@example.org>``), as the From header of the digests reads it."""
    from email.policy import default  # ~10 ms: loaded only when an address is set

    try:
        header = default.header_factory("From", value)
        addresses = header.addresses
    except Exception:  # the header parser fails on some malformed input ("nrtd@") rather than report it
        return False
    return not header.defects and len(addresses) == 1 and bool(_EMAIL.fullmatch(addresses[0].addr_spec))


def host_name(value: str) -> str:
    """A server's name or address alone: smtplib takes it as given, so a scheme or a port in it (the
    port is a setting of its own) failed only when the first digest was sent, as an unknown name."""
    value = value.strip()
    if not value:
        return value
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a host name: give the server's name or address alone (mail.example.org, "
            "192.0.2.25), its port in NRTD_SMTP_PORT"
        )
    return value


def web_address(value: str) -> str:
    value = _scheme_lowered(value.strip())
    if value and not _WEB_ADDRESS.fullmatch(value):
        raise ValueError(f"must be an http(s) URL without spaces: {value!r}")
    return value


def networks(value: str) -> str:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ValueError(f"not an address or CIDR: {part!r}") from None
    return ",".join(parts)


def origins(value: str) -> str:
    # Browsers send the scheme and host in lower case, and the origins are compared as strings.
    parts = [part.strip().lower() for part in value.split(",") if part.strip()]
    if "*" in parts and len(parts) > 1:
        raise ValueError("* allows every origin: give it alone or list the origins")
    for part in parts:
        if part != "*" and not _ORIGIN.fullmatch(part):
            raise ValueError(f"not an origin (scheme://host[:port], no path or trailing slash): {part!r}")
    return ",".join(parts)


def redis_url(value: str, *, store: str | None) -> str:
    """``store`` is NRTD_RATE_LIMIT_STORE (None when it was refused itself)."""
    value = value.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    if value:
        _redis_url_read(value)
    if not value and store == "redis":
        raise ValueError("NRTD_RATE_LIMIT_STORE=redis needs NRTD_REDIS_URL")
    if value and store == "memory":
        # The operator who set a Redis URL means the replicas to share one budget; counting in
        # memory, each process allowed the whole budget, and nothing said so.
        raise ValueError(
            "is ignored with NRTD_RATE_LIMIT_STORE=memory, which counts the public rate limit in each "
            "server process alone: N processes or replicas allow N times NRTD_PUBLIC_RATE_LIMIT; set "
            "NRTD_RATE_LIMIT_STORE=redis (or auto) to share the counts in Redis, or remove NRTD_REDIS_URL"
        )
    if value and store == "database":
        # Shared still, but the URL serves nothing else: the operator who set it believed the counts
        # were in Redis, while each public request wrote to the database.
        raise ValueError(
            "is ignored with NRTD_RATE_LIMIT_STORE=database, which counts the public rate limit in the "
            "database (a write for each public request); set NRTD_RATE_LIMIT_STORE=redis (or auto) to "
            "count in Redis, or remove NRTD_REDIS_URL"
        )
    return value


def _redis_url_read(value: str) -> None:
    """A URL redis-py cannot read (a port that is no number or out of range, a db that is none) stopped
    `nrtd serve` on a traceback at start. Read as the server reads it, without connecting; its reasons
    name the port or db, never the password."""
    from redis.connection import parse_url

    try:
        parse_url(value)  # type: ignore[no-untyped-call]
    except ValueError as exc:
        raise ValueError(
            f"cannot be read: {exc}; e.g. redis://redis.internal:6379/0 (rediss:// for TLS)"
        ) from None
