"""PostgreSQL databases a test makes for itself, empty, and drops at the end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server_url: str, prefix: str, *, role: bool = False) -> Iterator[str]:
    """A new empty UTF-8 database (from ``template0``) on ``server_url``'s server, named ``prefix`` and a
    random part, as ``createdb`` leaves it, with a login role of the same name when ``role``; its URL
    for ``server_url``'s user. Dropped, its role too, at the end, whoever is still connected."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        if role:
            conn.execute(text(f'CREATE ROLE "{name}" LOGIN'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if role:
                conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()
