"""The access log line (logger ``nrtd.access``) never holds a secret sent in an address."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import app_for


@pytest.fixture
def client(settings: Settings, engine: Engine) -> TestClient:
    return TestClient(app_for(settings))


@pytest.mark.parametrize(
    "query",
    [
        "access_token=s3cr3t-value",  # RFC 6750's query form of a bearer token, which some clients send
        "api_key=s3cr3t-value",  # as other APIs take a key
        "apikey=s3cr3t-value&limit=1",
        "X-API-Key=s3cr3t-value",
        "password=s3cr3t-value",
        "limit=1&client_secret=s3cr3t-value",
    ],
)
def test_a_secret_sent_in_the_address_is_masked_in_the_access_log(
    client: TestClient, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    # The app refuses these parameters (422, naming them), but the line logging the request wrote the
    # address as sent: a valid token or API key in clear in the logs, which more people read.
    caplog.set_level(logging.INFO, logger="nrtd.access")
    assert client.get(f"/api/v1/public/recommendations?{query}").status_code == 422
    lines = [record.getMessage() for record in caplog.records if record.name == "nrtd.access"]
    assert len(lines) == 1
    assert "s3cr3t-value" not in lines[0] and "=***" in lines[0], lines[0]


def test_the_other_parameters_are_logged_as_sent(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nrtd.access")
    client.get("/api/v1/public/recommendations?author=3&sort=newest&q=monkey%20key&limit=1")
    (line,) = [record.getMessage() for record in caplog.records if record.name == "nrtd.access"]
    assert "?author=3&sort=newest&q=monkey%20key&limit=1 " in line
