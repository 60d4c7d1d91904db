"""Request bodies over NRTD_MAX_REQUEST_BYTES are refused with 413 before the app reads them."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from app.core.body_limit import BodyLimitMiddleware
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


async def _echo_size(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that reads the whole body and answers its size."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def test_a_route_with_a_larger_limit_streams_its_body_and_counts_it() -> None:
    """NRTD_UPLOAD_MAX_BYTES's route: its own limit, the body never gathered by the middleware,
    declared or chunked; every other path keeps the general limit."""
    app = BodyLimitMiddleware(_echo_size, max_bytes=1024, larger={"/upload": 4096})

    def chunks(count: int) -> Iterator[bytes]:
        for _ in range(count):
            yield b"z" * 1000

    client = TestClient(app)  # not entered: the echo app answers HTTP only, no lifespan
    assert client.post("/upload", content=b"a" * 3000).text == "3000"
    assert client.post("/upload", content=chunks(3)).text == "3000"
    assert client.post("/upload", content=b"a" * 5000).status_code == 413
    assert client.post("/upload", content=chunks(5)).status_code == 413
    assert client.post("/elsewhere", content=b"a" * 3000).status_code == 413
    assert client.post("/elsewhere", content=chunks(3)).status_code == 413


def test_a_larger_limit_by_path_template_matches_one_segment_per_name() -> None:
    """``/api/v1/progress/{id}/evidence`` (the evidence upload) names every update's route, and no other."""
    app = BodyLimitMiddleware(_echo_size, max_bytes=1024, larger={"/p/{id}/evidence": 4096})
    client = TestClient(app)  # not entered: the echo app answers HTTP only, no lifespan
    for path in ("/p/12/evidence", "/p/abc/evidence"):
        assert client.post(path, content=b"x" * 3000).text == "3000", path
        assert client.post(path, content=b"x" * 5000).status_code == 413, path
    for path in ("/p/12/13/evidence", "/p/12/evidence/x", "/p//evidence", "/q/12/evidence"):
        assert client.post(path, content=b"x" * 3000).status_code == 413, path


def test_a_compressed_body_is_415_naming_content_encoding(client: TestClient, engine: Engine) -> None:
    """A body sent with `Content-Encoding: gzip` (some client libraries compress large bodies) was
    read as it came: gzip's bytes answered "not valid UTF-8 at byte 1", and a plain body labelled
    gzip was taken. A coding the server does not undo is 415 (RFC 9110, 15.5.16), saying it takes
    `identity`, and nothing is written."""
    body = b'{"name": "Ministry of Gzip", "kind": "ministry"}'
    for sent in (gzip.compress(body), body):
        response = client.post(
            "/api/v1/entities",
            content=sent,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        assert response.status_code == 415, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["accept-encoding"] == "identity"
        assert response.json()["errors"] == [
            {"field": "Content-Encoding", "reason": "'gzip' is not accepted: send the body uncompressed"}
        ]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 0
    plain = client.post(
        "/api/v1/entities",
        content=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "identity"},
    )
    assert plain.status_code == 201, plain.text
