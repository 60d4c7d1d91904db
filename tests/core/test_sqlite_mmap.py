"""A server's SQLite connections read the database file memory-mapped; the CLI's and the imports' do
not (what an import reads stays out of the shared mapping, and its memory is its own)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from app.core.config import Settings
from app.core.db import REQUEST_SQLITE_MMAP_BYTES, command_limits, make_engine
from app.main import create_app


def _mmap_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA mmap_size")).scalar_one())


def test_a_server_reads_sqlite_memory_mapped_and_the_cli_does_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mapped.db'}"
    settings = Settings(database_url=url, import_schedule="")
    server = create_app(settings).state.engine
    command = make_engine(url, command_limits(settings))
    try:
        assert _mmap_size(server) == REQUEST_SQLITE_MMAP_BYTES
        assert _mmap_size(command) == 0
    finally:
        server.dispose()
        command.dispose()
