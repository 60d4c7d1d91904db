"""The upload routes (evidence files, the staff import and report template uploads) take bodies of
many megabytes, spooled to disk: their credentials are checked before the body is received, so that
nobody without valid ones has the server take it in. The request here announces a large body, sends
its first kilobyte and waits for the answer, which must come without the rest."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from tests.accounts import create_user, issue_session, issue_token
from tests.live_server import live_server

ANNOUNCED = 900_000  # under every one of these routes' own limits
BOUNDARY = "nrtd-test-boundary"
STAFF_UPLOADS = ("/staff/progress/1/evidence", "/staff/imports/upload", "/staff/reports/template")


def _answer_to_a_partial_upload(base: str, path: str, headers: dict[str, str], wait: float = 5) -> str:
    """The status line the server sends while the body is still arriving ("" if it waits for it)."""
    address = urlsplit(base)
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {address.netloc}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {ANNOUNCED}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    start = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode() + b"0" * 1024
    assert address.hostname is not None and address.port is not None
    with socket.create_connection((address.hostname, address.port), timeout=wait) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + start)
        try:
            return connection.recv(4096).decode(errors="replace").split("\r\n", 1)[0]
        except TimeoutError:
            return ""


@pytest.fixture
def base(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as url:
        yield url


def test_the_api_upload_refuses_missing_or_unknown_credentials_before_the_body(
    base: str, engine: Engine
) -> None:
    for headers in ({}, {"Authorization": "Bearer made-up"}, {"X-API-Key": "nrtd_made-up"}):
        status = _answer_to_a_partial_upload(base, "/api/v1/progress/1/evidence", headers)
        assert status.startswith("HTTP/1.1 401"), (headers, status)
    # A valid token still has its upload received (and then answered by the route: no such update).
    token = issue_token(engine, create_user(engine, "coord@example.org", "coordinator"))
    waiting = _answer_to_a_partial_upload(
        base, "/api/v1/progress/1/evidence", {"Authorization": f"Bearer {token}"}, wait=1
    )
    assert waiting == ""


@pytest.mark.parametrize("path", STAFF_UPLOADS)
def test_the_staff_uploads_send_a_signed_out_browser_to_sign_in_before_the_body(
    base: str, engine: Engine, path: str
) -> None:
    for headers in ({}, {"Cookie": "nrtd_staff=made-up"}):
        status = _answer_to_a_partial_upload(base, path, headers)
        assert status.startswith("HTTP/1.1 303"), (path, headers, status)
    secret, _csrf = issue_session(engine, create_user(engine, f"{path[7:14]}@example.org", "coordinator"))
    assert _answer_to_a_partial_upload(base, path, {"Cookie": f"nrtd_staff={secret}"}, 1) == ""
