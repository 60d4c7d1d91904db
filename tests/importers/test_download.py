"""Downloading the UHRI export from a fake UHRI (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.core.config import Settings
from importers.download import DownloadError, DownloadResult, Validators, download
from tests.fake_uhri import FakeUhri

NAME = "export-full-en.json"
# Bigger than one server chunk, so a dropped connection really is mid-body.
CONTENT = b'[{"AnnotationId": "a9ceae8c-fe1c-40f9-a326-1529e0ab678f", "Text": "' + b"x" * 100_000 + b'"}]'


def fetch(
    url: str,
    dest: Path,
    *,
    known: Validators | None = None,
    read_timeout: float = 2.0,
    retries: int = 3,
    max_bytes: int = 10_000_000,
    give_up_after: float | None = None,
    total_timeout: float | None = None,
    on_retry: Callable[[str], None] | None = None,
) -> DownloadResult:
    return download(
        url,
        dest,
        known=known,
        connect_timeout=2.0,
        read_timeout=read_timeout,
        give_up_after=give_up_after,
        total_timeout=total_timeout,
        retries=retries,
        max_bytes=max_bytes,
        on_retry=on_retry,
        backoff=0.01,
    )


@pytest.fixture
def served(fake_uhri_server: FakeUhri) -> FakeUhri:
    fake_uhri_server.put(NAME, CONTENT)
    return fake_uhri_server


def leftovers(dest: Path) -> list[str]:
    return sorted(path.name for path in dest.parent.iterdir())


@pytest.mark.slow
def test_downloads_the_file_with_its_validators(served: FakeUhri, tmp_path: Path) -> None:
    dest = tmp_path / "download" / NAME
    seen: list[tuple[int, int | None]] = []

    result = download(
        served.url(NAME),
        dest,
        read_timeout=2.0,
        retries=0,
        max_bytes=10_000_000,
        progress=lambda received, total: seen.append((received, total)),
    )

    assert result.not_modified is False
    assert result.path == dest
    assert dest.read_bytes() == CONTENT
    assert result.bytes == len(CONTENT)
    assert result.validators.etag is not None
    assert result.validators.etag.startswith('"')
    assert result.validators.last_modified is not None
    assert result.validators.last_modified.endswith("GMT")
    assert seen[-1] == (len(CONTENT), len(CONTENT))
    [request] = served.requests
    assert request.header("If-None-Match") is None
    assert request.header("If-Modified-Since") is None
    assert leftovers(dest) == [NAME]  # no .part file left behind


@pytest.mark.slow
def test_server_errors_are_retried_until_success(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 500, times=2)
    served.fail_next(NAME, 503)

    result = fetch(served.url(NAME), tmp_path / NAME, retries=3)

    assert result.path is not None
    assert result.path.read_bytes() == CONTENT
    assert served.request_count(NAME) == 4


@pytest.mark.slow
def test_429_honours_retry_after(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 429, retry_after="0")
    result = fetch(served.url(NAME), tmp_path / NAME, retries=1)
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 2


@pytest.mark.slow
def test_connection_dropped_mid_body_restarts_from_scratch(served: FakeUhri, tmp_path: Path) -> None:
    served.drop_next(NAME, times=2)
    dest = tmp_path / NAME

    result = fetch(served.url(NAME), dest, retries=2)

    assert dest.read_bytes() == CONTENT  # not the half body followed by the whole one
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 3


@pytest.mark.slow
def test_response_slower_than_the_read_timeout_fails_after_retries(served: FakeUhri, tmp_path: Path) -> None:
    served.slow(NAME, 1.0)
    dest = tmp_path / "download" / NAME

    with pytest.raises(DownloadError, match=r"after 3 attempts: no answer within 0.1 s") as failure:
        fetch(served.url(NAME), dest, read_timeout=0.1, retries=2)

    assert served.url(NAME) in str(failure.value)
    assert served.request_count(NAME) == 3
    assert leftovers(dest) == []


def test_connection_refused_is_retried_then_fails(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notices: list[str] = []
    # Retried on purpose: a server being restarted refuses connections for a few seconds.
    with pytest.raises(DownloadError, match=r"after 2 attempts: connection refused"):
        fetch(
            f"http://127.0.0.1:{port}/uhri/export-results/{NAME}",
            tmp_path / NAME,
            retries=1,
            on_retry=notices.append,
        )
    assert notices == [
        "attempt 1 of 2: connection refused; retrying in 0.01 s",
        "attempt 2 of 2: connection refused; giving up",
    ]


@pytest.mark.slow
def test_persistent_server_error_gives_up_after_all_attempts(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 502, times=10)
    with pytest.raises(DownloadError, match=r"after 3 attempts: HTTP 502"):
        fetch(served.url(NAME), tmp_path / NAME, retries=2)
    assert served.request_count(NAME) == 3


@pytest.mark.slow
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
        read_timeout=2.0,
        retries=6,
        max_bytes=10_000_000,
        backoff=0.5,
        max_delay=4.0,
    )

    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # the last one is Retry-After, capped too


@pytest.mark.slow
def test_not_modified_when_the_validators_match(served: FakeUhri, tmp_path: Path) -> None:
    dest = tmp_path / NAME
    first = fetch(served.url(NAME), dest)
    dest.write_bytes(b"the copy the last import used")

    second = fetch(served.url(NAME), dest, known=first.validators)

    assert second == DownloadResult(None, first.validators, not_modified=True)
    assert dest.read_bytes() == b"the copy the last import used"
    request = served.requests[-1]
    assert request.header("If-None-Match") == first.validators.etag
    assert request.header("If-Modified-Since") == first.validators.last_modified


@pytest.mark.slow
def test_not_modified_on_last_modified_alone(served: FakeUhri, tmp_path: Path) -> None:
    first = fetch(served.url(NAME), tmp_path / NAME)
    second = fetch(
        served.url(NAME), tmp_path / NAME, known=Validators(last_modified=first.validators.last_modified)
    )
    assert second.not_modified
    assert served.requests[-1].header("If-None-Match") is None


@pytest.mark.slow
def test_changed_file_is_downloaded_again(served: FakeUhri, tmp_path: Path) -> None:
    first = fetch(served.url(NAME), tmp_path / NAME)
    changed = served.put(NAME, CONTENT.replace(b"x", b"y"))
    later = os.stat(changed).st_mtime + 60
    os.utime(changed, (later, later))

    second = fetch(served.url(NAME), tmp_path / NAME, known=first.validators)

    assert not second.not_modified
    assert second.validators.etag != first.validators.etag
    assert (tmp_path / NAME).read_bytes() == CONTENT.replace(b"x", b"y")


@pytest.mark.slow
def test_not_found_fails_at_once(fake_uhri_server: FakeUhri, tmp_path: Path) -> None:
    url = fake_uhri_server.url("export-full-xx.json")
    with pytest.raises(DownloadError, match="HTTP 404") as failure:
        fetch(url, tmp_path / NAME, retries=5)
    assert url in str(failure.value)
    assert fake_uhri_server.request_count() == 1


@pytest.mark.slow
def test_forbidden_is_not_retried(served: FakeUhri, tmp_path: Path) -> None:
    served.fail_next(NAME, 403)
    with pytest.raises(DownloadError, match="HTTP 403"):
        fetch(served.url(NAME), tmp_path / NAME, retries=5)
    assert served.request_count(NAME) == 1


@pytest.mark.slow
def test_content_length_over_the_limit_fails_before_reading(served: FakeUhri, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=f"is {len(CONTENT)} bytes, over the limit of 1000"):
        fetch(served.url(NAME), tmp_path / NAME, max_bytes=1000)
    assert served.request_count(NAME) == 1
    assert leftovers(tmp_path / NAME) == ["export-results"]


@pytest.mark.slow
def test_body_over_the_limit_without_content_length_is_cut_off(served: FakeUhri, tmp_path: Path) -> None:
    served.chunked(NAME)
    dest = tmp_path / "download" / NAME
    with pytest.raises(DownloadError, match="sent more than the limit of 50000 bytes"):
        fetch(served.url(NAME), dest, max_bytes=50_000)
    assert served.request_count(NAME) == 1
    assert leftovers(dest) == []


@pytest.mark.slow
def test_chunked_body_within_the_limit(served: FakeUhri, tmp_path: Path) -> None:
    served.chunked(NAME)
    result = fetch(served.url(NAME), tmp_path / NAME)
    assert (tmp_path / NAME).read_bytes() == CONTENT
    assert result.bytes == len(CONTENT)


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_client_errors_are_requested_exactly_once(served: FakeUhri, tmp_path: Path, status: int) -> None:
    served.fail_next(NAME, status, times=5)
    notices: list[str] = []
    with pytest.raises(DownloadError, match=rf"HTTP {status} .*; not retried"):
        fetch(served.url(NAME), tmp_path / NAME, retries=5, on_retry=notices.append)
    assert served.request_count(NAME) == 1
    assert notices == []


@pytest.mark.slow
@pytest.mark.parametrize("status", [408, 429, 503])
def test_not_now_answers_are_retried(served: FakeUhri, tmp_path: Path, status: int) -> None:
    served.fail_next(NAME, status)
    notices: list[str] = []
    result = fetch(served.url(NAME), tmp_path / NAME, retries=1, on_retry=notices.append)
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 2
    assert len(notices) == 1
    assert notices[0].startswith(f"attempt 1 of 2: HTTP {status} ")


def test_unknown_host_is_not_retried(tmp_path: Path) -> None:
    # .invalid never resolves (RFC 6761), here or anywhere.
    notices: list[str] = []
    with pytest.raises(DownloadError, match=r"unknown host 'export\.nrtd-test\.invalid'.*not retried"):
        fetch(
            f"http://export.nrtd-test.invalid/uhri/export-results/{NAME}",
            tmp_path / NAME,
            retries=5,
            on_retry=notices.append,
        )
    assert notices == []


@contextmanager
def silent_server() -> Iterator[str]:
    """A port whose connections the kernel accepts (the listen backlog) but nobody ever answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/uhri/export-results/{NAME}"


def test_server_that_never_answers_gives_up_with_a_message_per_attempt(tmp_path: Path) -> None:
    notices: list[str] = []
    started = time.monotonic()
    with silent_server() as url, pytest.raises(DownloadError) as failure:
        fetch(url, tmp_path / NAME, read_timeout=0.3, retries=9, give_up_after=0.55, on_retry=notices.append)
    elapsed = time.monotonic() - started

    # Attempt 1 waits 0.3 s, attempt 2 ends after 0.61 s without data: past 0.55 s, no attempt 3.
    assert notices == [
        "attempt 1 of 10: no answer within 0.3 s; retrying in 0.01 s",
        notices[1],
    ]
    assert re.fullmatch(
        r"attempt 2 of 10: no answer within 0.3 s; giving up: nothing received for 0\.\d+ s", notices[1]
    )
    assert re.search(
        r"failed after 2 attempts: no answer within 0.3 s; gave up after 0\.\d+ s without data",
        str(failure.value),
    )
    assert elapsed < 3  # not 10 attempts of 0.3 s


def test_default_settings_give_up_on_a_silent_server_well_within_a_minute() -> None:
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    assert defaults["http_timeout"] is None  # the former single timeout no longer overrides both
    # The last attempt starts before http_give_up_after and waits at most the read timeout.
    assert defaults["http_give_up_after"] + defaults["http_read_timeout"] <= 50
    assert defaults["http_connect_timeout"] <= 10


@contextmanager
def stalling_server() -> Iterator[str]:
    """Answers 200 with a Content-Length of 1000, sends 10 bytes of the body, then nothing more."""
    done = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"[" * 10)
            done.wait(5)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/uhri/export-results/{NAME}"
    finally:
        done.set()
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in the thread
        listener.close()
        thread.join(timeout=5)


def test_a_body_that_stalls_is_named_as_such(tmp_path: Path) -> None:
    notices: list[str] = []
    with stalling_server() as url, pytest.raises(DownloadError):
        fetch(url, tmp_path / NAME, read_timeout=0.2, retries=1, on_retry=notices.append)
    assert notices == [
        "attempt 1 of 2: the server stopped sending: nothing for 0.2 s after 10 bytes; retrying in 0.01 s",
        # The server still holds the first connection: the second one gets no answer at all.
        "attempt 2 of 2: no answer within 0.2 s; giving up",
    ]


@pytest.mark.slow
def test_data_arriving_keeps_the_retries_going(served: FakeUhri, tmp_path: Path) -> None:
    """give_up_after counts silence, not time: transfers dropped after sending data are retried."""
    served.slow(NAME, 0.05)  # each attempt takes about 0.25 s, each stays silent 0.05 s at most
    served.drop_next(NAME, times=2)
    result = fetch(served.url(NAME), tmp_path / NAME, retries=2, give_up_after=0.2)
    assert result.bytes == len(CONTENT)
    assert served.request_count(NAME) == 3


@pytest.mark.slow
def test_a_server_that_trickles_is_cut_off_by_the_total_timeout(served: FakeUhri, tmp_path: Path) -> None:
    """Each piece in time (no read timeout), yet the whole download is bounded, and not retried."""
    served.slow(NAME, 0.05)  # 7 pieces of 16 KB: about 0.4 s in all
    notices: list[str] = []
    dest = tmp_path / "download" / NAME
    with pytest.raises(
        DownloadError, match=r"took longer than the 0.15 s a download may take .*; not retried"
    ):
        fetch(served.url(NAME), dest, retries=3, total_timeout=0.15, on_retry=notices.append)
    assert served.request_count(NAME) == 1
    assert notices == []
    assert leftovers(dest) == []


@contextmanager
def untrusted_tls_server(directory: Path) -> Iterator[tuple[str, list[int]]]:
    """HTTPS on 127.0.0.1 with a self-signed certificate (no client trusts it); counts handshakes."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem"]
    subprocess.run(
        ["openssl", "req", "-x509", *key, "-subj", "/CN=127.0.0.1", "-days", "1", "-out", "cert.pem"],
        cwd=directory,
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    attempts: list[int] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            attempts.append(1)
            try:
                with context.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client refuses the certificate: the handshake fails, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}/uhri/export-results/{NAME}", attempts
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in the thread
        listener.close()
        thread.join(timeout=5)


@pytest.mark.slow
def test_a_certificate_that_does_not_verify_is_not_retried(tmp_path: Path) -> None:
    notices: list[str] = []
    with untrusted_tls_server(tmp_path) as (url, attempts):
        with pytest.raises(
            DownloadError, match=r"the certificate of '127.0.0.1' does not verify .*not retried"
        ):
            fetch(url, tmp_path / NAME, retries=5, on_retry=notices.append)
        assert attempts == [1]
    assert notices == []
