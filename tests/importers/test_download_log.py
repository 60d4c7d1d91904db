"""What a download writes to the log (``nrtd serve`` logs at INFO, the scheduled import included)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from importers.download import download
from tests.fake_uhri import FakeUhri

NAME = "export-full-en.json"


@pytest.mark.slow
def test_the_feed_password_and_token_never_reach_the_log(
    fake_uhri_server: FakeUhri, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_uhri_server.put(NAME, b"[]")
    url = fake_uhri_server.url(NAME).replace("http://", "http://operator:s3cretpw@") + "?token=t0ken"
    caplog.set_level(logging.DEBUG)

    download(url, tmp_path / NAME, read_timeout=2.0, retries=0, max_bytes=1000)

    # httpx logs each request at INFO with its URL, which nrtd serve's log handler writes out.
    requests = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert any("HTTP Request: GET" in line and "***" in line for line in requests), requests
    assert "s3cretpw" not in caplog.text
    assert "t0ken" not in caplog.text
