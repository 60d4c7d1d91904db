"""Downloading the UHRI export from a fake UHRI (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from importers.download import DownloadError, DownloadResult, download
from tests.fake_uhri import FakeUhri

NAME = "export-full-en.json"
# Bigger than one server chunk, so a dropped connection really is mid-body.
CONTENT = b'[{"AnnotationId": "a9ceae8c-fe1c-40f9-a326-1529e0ab678f", "Text": "' + b"x" * 100_000 + b'"}]'


def fetch(
    url: str,
    dest: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 2.0,
    retries: int = 3,
    max_bytes: int = 10_000_000,
) -> DownloadResult:
    return download(
        url,
        dest,
        etag=etag,
        last_modified=last_modified,
        timeout=timeout,
        retries=retries,
        max_bytes=max_bytes,
        backoff=0.01,
    )


@pytest.fixture
def served(fake_uhri_server: FakeUhri) -> FakeUhri:
    fake_uhri_server.put(NAME, CONTENT)
    return fake_uhri_server


def leftovers(dest: Path) -> list[str]:
    return sorted(path.name for path in dest.parent.iterdir())


def test_downloads_the_file_with_its_validators(served: FakeUhri, tmp_path: Path) -> None:
    dest = tmp_path / "download" / NAME
    seen: list[tuple[int, int | None]] = []

    result = download(
        served.url(NAME),
        dest,
        etag=None,
        last_modified=None,
        timeout=2.0,
        retries=0,
        max_bytes=10_000_000,
        progress=lambda received, total: seen.append((received, total)),
    )

    assert result.not_modified is False
    assert result.path == dest
    assert dest.read_bytes() == CONTENT
    assert result.bytes == len(CONTENT)
    assert result.etag is not None
    assert result.etag.startswith('"')
    assert result.last_modified is not None
    assert result.last_modified.endswith("GMT")
    assert seen[-1] == (len(CONTENT), len(CONTENT))
    [request] = served.requests
    assert request.header("If-None-Match") is None
    assert request.header("If-Modified-Since") is None
    assert leftovers(dest) == [NAME]  # no .part file left behind


def test_server_errors_are_retried_until_success(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 500, times=2)
    served.fail_next(NAME, 503)

    result = fetch(served.url(NAME), tmp_path / NAME, retries=3)

    assert result.path is not None
    assert result.path.read_bytes() == CONTENT
    assert served.request_count(NAME) == 4


def test_429_honours_retry_after(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 429, retry_after="0")
    result = fetch(served.url(NAME), tmp_path / NAME, retries=1)
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 2


def test_connection_dropped_mid_body_restarts_from_scratch(served: FakeUhri, tmp_path: Path) -> None:
    served.drop_next(NAME, times=2)
    dest = tmp_path / NAME

    result = fetch(served.url(NAME), dest, retries=2)

    assert dest.read_bytes() == CONTENT  # not the half body followed by the whole one
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 3


def test_response_slower_than_the_read_timeout_fails_after_retries(served: FakeUhri, tmp_path: Path) -> None:
    served.slow(NAME, 1.0)
    dest = tmp_path / "download" / NAME

    with pytest.raises(DownloadError, match=r"after 3 attempts: ReadTimeout") as failure:
        fetch(served.url(NAME), dest, timeout=0.1, retries=2)

    assert served.url(NAME) in str(failure.value)
    assert served.request_count(NAME) == 3
    assert leftovers(dest) == []


def test_connection_refused_is_retried_then_fails(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match=r"after 2 attempts: ConnectError"):
        fetch(f"http://127.0.0.1:{port}/uhri/export-results/{NAME}", tmp_path / NAME, retries=1)


def test_persistent_server_error_gives_up_after_all_attempts(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 502, times=10)
    with pytest.raises(DownloadError, match=r"after 3 attempts: HTTP 502"):
        fetch(served.url(NAME), tmp_path / NAME, retries=2)
    assert served.request_count(NAME) == 3


def test_backoff_doubles_and_is_capped(
    served: FakeUhri, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    delays: list[float] = []
    monkeypatch.setattr("importers.download.time.sleep", delays.append)
    served.fail_next(NAME, 500, times=5)
    served.fail_next(NAME, 429, retry_after="3600")

    download(
        served.url(NAME),
        tmp_path / NAME,
        etag=None,
        last_modified=None,
        timeout=2.0,
        retries=6,
        max_bytes=10_000_000,
        backoff=0.5,
        max_delay=4.0,
    )

    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # the last one is Retry-After, capped too


def test_not_modified_when_the_validators_match(served: FakeUhri, tmp_path: Path) -> None:
    dest = tmp_path / NAME
    first = fetch(served.url(NAME), dest)
    dest.write_bytes(b"the copy the last import used")

    second = fetch(served.url(NAME), dest, etag=first.etag, last_modified=first.last_modified)

    assert second == DownloadResult(True, None, first.etag, first.last_modified, 0)
    assert dest.read_bytes() == b"the copy the last import used"
    request = served.requests[-1]
    assert request.header("If-None-Match") == first.etag
    assert request.header("If-Modified-Since") == first.last_modified


def test_not_modified_on_last_modified_alone(served: FakeUhri, tmp_path: Path) -> None:
    first = fetch(served.url(NAME), tmp_path / NAME)
    second = fetch(served.url(NAME), tmp_path / NAME, last_modified=first.last_modified)
    assert second.not_modified
    assert served.requests[-1].header("If-None-Match") is None


def test_changed_file_is_downloaded_again(served: FakeUhri, tmp_path: Path) -> None:
    first = fetch(served.url(NAME), tmp_path / NAME)
    changed = served.put(NAME, CONTENT.replace(b"x", b"y"))
    later = os.stat(changed).st_mtime + 60
    os.utime(changed, (later, later))

    second = fetch(served.url(NAME), tmp_path / NAME, etag=first.etag, last_modified=first.last_modified)

    assert not second.not_modified
    assert second.etag != first.etag
    assert (tmp_path / NAME).read_bytes() == CONTENT.replace(b"x", b"y")


def test_not_found_fails_at_once(fake_uhri_server: FakeUhri, tmp_path: Path) -> None:
    url = fake_uhri_server.url("export-full-xx.json")
    with pytest.raises(DownloadError, match="HTTP 404") as failure:
        fetch(url, tmp_path / NAME, retries=5)
    assert url in str(failure.value)
    assert fake_uhri_server.request_count() == 1


def test_forbidden_is_not_retried(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 403)
    with pytest.raises(DownloadError, match="HTTP 403"):
        fetch(served.url(NAME), tmp_path / NAME, retries=5)
    assert served.request_count(NAME) == 1


def test_content_length_over_the_limit_fails_before_reading(served: FakeUhri, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=f"is {len(CONTENT)} bytes, over the limit of 1000"):
        fetch(served.url(NAME), tmp_path / NAME, max_bytes=1000)
    assert served.request_count(NAME) == 1
    assert leftovers(tmp_path / NAME) == ["export-results"]


def test_body_over_the_limit_without_content_length_is_cut_off(served: FakeUhri, tmp_path: Path) -> None:
    served.chunked(NAME)
    dest = tmp_path / "download" / NAME
    with pytest.raises(DownloadError, match="sent more than the limit of 50000 bytes"):
        fetch(served.url(NAME), dest, max_bytes=50_000)
    assert served.request_count(NAME) == 1
    assert leftovers(dest) == []


def test_chunked_body_within_the_limit(served: FakeUhri, tmp_path: Path) -> None:
    served.chunked(NAME)
    result = fetch(served.url(NAME), tmp_path / NAME)
    assert (tmp_path / NAME).read_bytes() == CONTENT
    assert result.bytes == len(CONTENT)


def test_failure_keeps_the_previous_copy(served: FakeUhri, tmp_path: Path) -> None:
    dest = tmp_path / NAME
    dest.write_bytes(b"previous export")
    served.drop_next(NAME, times=3)
    with pytest.raises(DownloadError, match="after 2 attempts: RemoteProtocolError"):
        fetch(served.url(NAME), dest, retries=1)
    assert dest.read_bytes() == b"previous export"


def test_only_http_urls(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="not an http"):
        fetch(f"file://{tmp_path}/{NAME}", tmp_path / NAME)
