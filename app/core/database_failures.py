"""Which failure of the database a request met, from the driver's error: a lock that was not given in
time, a server that does not answer, a table or a column the schema does not have (yet). The problem
handlers (``app.core.problems``) answer each its own way."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# PostgreSQL's lock_not_available: lock_timeout ran out.
_PG_LOCK_NOT_AVAILABLE = "55P03"


def lock_not_available(exc: OperationalError) -> bool:
    return (
        "database is locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE
    )


def unreachable(exc: DBAPIError) -> bool:
    """The database server does not answer: no connection could be opened (psycopg's error then has
    no SQLSTATE: the server never answered), it dropped the connection, or it is shutting down or
    starting (SQLSTATE class 08, 57P01-57P03). Worth coming back for; SQLite, a file, never is."""
    sqlstate = getattr(exc.orig, "sqlstate", "")
    return exc.connection_invalidated or sqlstate is None or str(sqlstate).startswith(("08", "57P0"))


# A table or a column the code reads is missing: PostgreSQL's undefined_table and undefined_column,
# SQLite's messages. After an upgrade whose `nrtd migrate` has not run yet, every route meets one.
_PG_UNDEFINED = ("42P01", "42703")
_SQLITE_MISSING = ("no such table", "no such column", "has no column named")


def schema_missing(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _PG_UNDEFINED or any(
        missing in str(exc.orig) for missing in _SQLITE_MISSING
    )


# What a request that met a schema older than the code is told: an upgrade is over in minutes.
UPGRADE_RETRY_AFTER = 60
UPGRADE_DETAIL = (
    "the service is being upgraded: its database schema is older than this release, until its "
    "administrator runs nrtd migrate; retry later"
)
