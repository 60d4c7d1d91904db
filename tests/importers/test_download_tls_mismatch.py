"""An https:// URL that points at a plain-HTTP port: the TLS handshake meets an HTTP answer, which the
next attempt meets again, so it fails at once with a message saying what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.download import DownloadError, download
from tests.fake_uhri import FakeUhri

NAME = "export-full-en.json"


def test_https_to_a_plain_http_port_is_not_retried(fake_uhri_server: FakeUhri, tmp_path: Path) -> None:
    fake_uhri_server.put(NAME, b"[]")
    plain = fake_uhri_server.url(NAME)
    assert plain.startswith("http://")
    url = plain.replace("http://", "https://operator:s3cretpw@") + "?token=t0ken"
    notices: list[str] = []
    with pytest.raises(DownloadError) as failed:
        download(
            url,
            tmp_path / NAME,
            connect_timeout=2.0,
            read_timeout=2.0,
            retries=4,
            max_bytes=1000,
            on_retry=notices.append,
            backoff=0.01,
        )
    message = str(failed.value)
    assert notices == []
    assert "not retried" in message
    assert "http://" in message and "port" in message
    host_port = plain.split("//", 1)[1].split("/", 1)[0]
    assert host_port in message
    assert "s3cretpw" not in message and "t0ken" not in message
