"""A fake UHRI: a real HTTP server on 127.0.0.1 serving export files, with scripted faults.

Files in ``directory`` are served at ``/uhri/export-results/<name>`` with an ETag (content hash) and
a Last-Modified (file mtime), answering conditional requests with 304. Faults are scripted per file
name: ``fail_next`` (error status), ``drop_next`` (connection closed mid-body), ``slow`` (delay
before the headers and between chunks), ``chunked`` (no Content-Length). Every request is recorded.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

PREFIX = "/uhri/export-results/"
_CHUNK_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    name: str  # the file name asked for, "" outside PREFIX
    headers: dict[str, str]  # lower-cased names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(slots=True)
class _Failure:
    status: int
    times: int
    retry_after: str | None


@dataclass(slots=True)
class _Script:
    failures: list[_Failure] = field(default_factory=list)
    drops: int = 0
    delay: float = 0.0
    chunked: bool = False


class FakeUhri:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.requests: list[RecordedRequest] = []
        self._scripts: dict[str, _Script] = {}
        self._lock = threading.Lock()
        # Set on stop so handlers sleeping in a slow response wake up and the server exits quickly.
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        # A short poll interval keeps stop(), and so every test's teardown, fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fake-uhri", daemon=True
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeUhri:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base_url}{PREFIX}{name}"

    def put(self, name: str, content: bytes) -> Path:
        """Write an export file into the served directory."""
        path = self.directory / name
        path.write_bytes(content)
        return path

    # --- scripted faults ---------------------------------------------------------------------

    def fail_next(
        self, name: str, status: int = 500, times: int = 1, *, retry_after: str | None = None
    ) -> None:
        """Answer the next ``times`` requests for ``name`` with ``status`` (queued after earlier ones)."""
        with self._lock:
            self._script(name).failures.append(_Failure(status, times, retry_after))

    def drop_next(self, name: str, times: int = 1) -> None:
        """Send full headers, then half the body, then close the socket, for the next ``times`` requests."""
        with self._lock:
            self._script(name).drops += times

    def slow(self, name: str, seconds: float) -> None:
        """Sleep ``seconds`` before the headers and before each body chunk, until set back to 0."""
        with self._lock:
            self._script(name).delay = seconds

    def chunked(self, name: str, enabled: bool = True) -> None:
        """Send ``name`` with chunked transfer encoding, so the client cannot know its size upfront."""
        with self._lock:
            self._script(name).chunked = enabled

    def request_count(self, name: str | None = None) -> int:
        with self._lock:
            return sum(1 for request in self.requests if name is None or request.name == name)

    # --- used by the handler -----------------------------------------------------------------

    def _script(self, name: str) -> _Script:
        return self._scripts.setdefault(name, _Script())

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, name: str) -> tuple[_Failure | None, bool, float, bool]:
        """The scripted behaviour of the current request: (failure, drop, delay, chunked)."""
        with self._lock:
            script = self._script(name)
            failure = None
            if script.failures:
                head = script.failures[0]
                failure = _Failure(head.status, 1, head.retry_after)
                head.times -= 1
                if head.times <= 0:
                    script.failures.pop(0)
            drop = False
            if failure is None and script.drops > 0:
                script.drops -= 1
                drop = True
            return failure, drop, script.delay, script.chunked

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False when the server is shutting down."""
        if seconds > 0:
            return not self._stopping.wait(seconds)
        return not self._stopping.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[_Handler], fake: FakeUhri) -> None:
        super().__init__(address, handler)
        self.fake = fake

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that time out or give up mid-body are the point of these tests, not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, each response waits on a delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        fake = cast(_Server, self.server).fake
        name = self.path.split("?", 1)[0][len(PREFIX) :] if self.path.startswith(PREFIX) else ""
        headers = {key.lower(): value for key, value in self.headers.items()}
        fake._record(RecordedRequest(self.command, self.path, name, headers))

        path = fake.directory / name
        if not name or "/" in name or name.startswith(".") or not path.is_file():
            self._send_empty(HTTPStatus.NOT_FOUND)
            return
        failure, drop, delay, chunked = fake._take_fault(name)
        if not fake._sleep(delay):
            return
        if failure is not None:
            extra = {"Retry-After": failure.retry_after} if failure.retry_after is not None else {}
            self._send_empty(failure.status, extra)
            return

        content = path.read_bytes()
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        mtime = int(path.stat().st_mtime)
        last_modified = formatdate(mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if _not_modified(headers, etag, mtime):
            self._send_empty(HTTPStatus.NOT_MODIFIED, validators)
            return

        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        for key, value in validators.items():
            self.send_header(key, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if not send_body:
            return
        body = content[: len(content) // 2] if drop else content
        for start in range(0, len(body), _CHUNK_BYTES):
            if not fake._sleep(delay):
                return
            piece = body[start : start + _CHUNK_BYTES]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            self.wfile.flush()
        if drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _send_empty(self, status: int, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", "0")
        self.end_headers()


def _not_modified(headers: dict[str, str], etag: str, mtime: int) -> bool:
    # RFC 9110: If-None-Match, when present, decides alone; If-Modified-Since only without it.
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return mtime <= since.timestamp()
    return False


@contextmanager
def fake_uhri(directory: Path) -> Iterator[FakeUhri]:
    """A running fake UHRI serving ``directory``; stopped on exit."""
    directory.mkdir(parents=True, exist_ok=True)
    server = FakeUhri(directory).start()
    try:
        yield server
    finally:
        server.stop()
