"""Request bodies over NRTD_MAX_REQUEST_BYTES are refused with 413 before the app reads them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.main import create_app
from app.models import Entity
from tests import accounts


def test_large_bodies_are_413_and_write_nothing(settings: Settings, engine: Engine) -> None:
    app = create_app(settings.model_copy(update={"max_request_bytes": 2048}))
    headers = accounts.headers_for(engine, "coordinator")
    big = {"name": "Ministry", "kind": "ministry", "contact_name": "x" * 4000}

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "Ministry", "kind": "ministry", "contact_name": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    with TestClient(app) as client:
        declared = client.post("/api/v1/entities", json=big, headers=headers)
        streamed = client.post(
            "/api/v1/entities", content=chunks(), headers={**headers, "Content-Type": "application/json"}
        )
        small = client.post(
            "/api/v1/entities", json={"name": "Ministry", "kind": "ministry"}, headers=headers
        )
    app.state.engine.dispose()
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413
    assert small.status_code == 201
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 1
