"""SQLite has one writer: a write that waits out the busy timeout gets 503 with Retry-After."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.core.config import Settings
from app.main import create_app
from tests import accounts


def test_a_write_blocked_by_another_writer_is_503(settings: Settings, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers wait on row locks, not on a database-wide lock")
    headers = accounts.headers_for(engine, "coordinator")
    app = create_app(settings)

    @event.listens_for(app.state.engine, "connect")
    def short_timeout(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    try:
        with TestClient(app) as client:
            holder.execute("BEGIN IMMEDIATE")  # another process writing: an import run, say
            response = client.post(
                "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
            )
            holder.execute("ROLLBACK")
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "30"
            assert response.headers["content-type"] == "application/problem+json"
            retried = client.post(
                "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
            )
            assert retried.status_code == 201, retried.text
    finally:
        holder.close()
        app.state.engine.dispose()
