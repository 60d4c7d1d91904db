"""Conditional, size-bounded, retrying download of a UHRI export over HTTP(S).

The body is streamed to ``<dest>.part`` and moved onto ``dest`` only once complete, so a failed or
interrupted run never leaves a truncated export where the importer would read it, and an earlier
good copy survives a failure.

Only what a later attempt may not meet again is retried: timeouts, dropped and refused connections
(a server being restarted refuses for a few seconds), 5xx, 408 and 429. An unknown host, a
certificate that does not verify, an https:// URL whose port answers in plain HTTP (no TLS) and any
other 4xx fail at once: retrying them only delays the message an operator needs.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.feed import download_refusals as reasons
from app.feed.refusals import KIND_HTML, refusal
from app.feed.sniff import kind_of
from app.import_runs.masking import mask_credentials
from importers.download_errors import DownloadError, raise_if_permanent, secs, transport_reason

# The first bytes that tell a web page from an export (app/feed/sniff.py).
_PEEK = 512

if TYPE_CHECKING:  # imported by the functions that download: a run of a local file never loads it
    import httpx

__all__ = ["DownloadError", "DownloadResult", "Validators", "download"]

log = logging.getLogger(__name__)


class _MaskedFeedUrls(logging.Filter):
    """httpx logs every request at INFO with its whole URL, which ``nrtd serve`` (the scheduled
    import) writes out: the feed's password and token are masked there as everywhere else."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_credentials(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


logging.getLogger("httpx").addFilter(_MaskedFeedUrls())

_USER_AGENT = "nrtd-importer/0.1"

# 4xx answers that say "not now" rather than "never".
_RETRIED_CLIENT_ERRORS = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server says identifies the version it sent; sent back, it asks whether that changed."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """One download: the file, or ``not_modified`` with no file (the caller's copy is current)."""

    path: Path | None
    validators: Validators
    not_modified: bool = False
    bytes: int = 0


class _RetryableError(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(slots=True)
class _Silence:
    """When the server last sent anything (an answer or a piece of the body), and when the whole
    download must be over (``None``: no such bound)."""

    since: float
    total: float | None = None  # seconds from ``since`` at the start
    deadline: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.deadline = None if self.total is None else self.since + self.total

    def heard(self) -> None:
        self.since = time.monotonic()

    def seconds(self) -> float:
        return time.monotonic() - self.since

    def over(self, after: float = 0.0) -> bool:
        return self.deadline is not None and time.monotonic() + after > self.deadline


def download(
    url: str,
    dest: Path,
    *,
    known: Validators | None = None,
    retries: int,
    max_bytes: int,
    connect_timeout: float = 10.0,
    read_timeout: float = 20.0,
    give_up_after: float | None = 30.0,
    total_timeout: float | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    on_retry: Callable[[str], None] | None = None,
    backoff: float = 0.5,
    max_delay: float = 30.0,
) -> DownloadResult:
    """Fetch ``url`` into ``dest`` unless the server says it has not changed since the ``known``
    validators.

    ``connect_timeout`` bounds connecting; ``read_timeout`` bounds the wait for the answer and then
    for each piece of the body (not the whole transfer, which may be long). Transient failures (see
    the module) are retried ``retries`` times with exponential backoff starting at ``backoff``
    seconds, capped at ``max_delay`` (which also caps a server's Retry-After); no further attempt
    starts once the server has sent nothing for ``give_up_after`` seconds, so a server that accepts
    connections and never answers fails in about ``give_up_after + read_timeout`` seconds.
    ``total_timeout`` bounds the whole download, retries included, however the server trickles.
    Other failures and an oversized body fail at once. ``on_retry`` is told about each failed
    attempt ("attempt 2 of 5: no answer within 20 s; retrying in 1 s"; logged as a warning when
    not given). ``progress(received, total)`` is called after each chunk; it restarts from zero
    when an attempt is retried.
    """
    if not url.startswith(("http://", "https://")):
        raise DownloadError(refusal(reasons.NOT_HTTP, url=url))
    import httpx

    # Failures of the network or the peer that a later attempt may not meet again.
    transient_errors = (
        httpx.TimeoutException,
        httpx.NetworkError,
        httpx.RemoteProtocolError,
        httpx.DecodingError,
    )
    known = known or Validators()
    headers = {"User-Agent": _USER_AGENT}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    attempts = 1 + max(0, retries)
    shown = mask_credentials(url)  # a feed's password never reaches the log
    report = on_retry or (lambda message: log.warning("download of %s: %s", shown, message))
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    reason = ""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
            # Started after the client: building its TLS context takes a noticeable moment.
            silence = _Silence(time.monotonic(), total_timeout)
            for attempt in range(1, attempts + 1):
                try:
                    result = _attempt(
                        client,
                        url,
                        dest,
                        part,
                        bool(known.etag or known.last_modified),
                        max_bytes,
                        progress,
                        silence,
                    )
                except _RetryableError as exc:
                    reason, retry_after = str(exc), exc.retry_after
                except transient_errors as exc:
                    raise_if_permanent(url, exc)
                    reason, retry_after = transport_reason(exc, timeout), None
                except httpx.HTTPError as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                    raise DownloadError(refusal(reasons.FAILED, url=url, reason=failure)) from exc
                else:
                    if result.not_modified:
                        # A 304 may omit the validators; the ones sent are then still the current ones.
                        sent = result.validators
                        return replace(
                            result,
                            validators=Validators(
                                sent.etag or known.etag, sent.last_modified or known.last_modified
                            ),
                        )
                    return result
                failed = f"attempt {attempt} of {attempts}: {reason}"
                if attempt == attempts:
                    report(f"{failed}; giving up")
                    raise DownloadError(
                        refusal(reasons.FAILED_AFTER, url=url, attempts=attempts, reason=reason)
                    )
                silent = silence.seconds()
                if give_up_after is not None and silent >= give_up_after:
                    report(f"{failed}; giving up: nothing received for {secs(silent)}")
                    raise DownloadError(
                        refusal(
                            reasons.GAVE_UP, url=url, attempts=attempt, reason=reason, seconds=secs(silent)
                        )
                    )
                delay = min(
                    max_delay, retry_after if retry_after is not None else backoff * 2 ** (attempt - 1)
                )
                if silence.over(after=delay):
                    report(f"{failed}; giving up: the download may take {secs(total_timeout or 0)} in all")
                    seconds = secs(total_timeout or 0)
                    raise DownloadError(
                        refusal(
                            reasons.NO_TIME_LEFT, url=url, attempts=attempt, reason=reason, seconds=seconds
                        )
                    )
                report(f"{failed}; retrying in {secs(delay)}")
                time.sleep(delay)
    finally:
        part.unlink(missing_ok=True)
    raise AssertionError("unreachable: every attempt returns or raises")


def _attempt(
    client: httpx.Client,
    url: str,
    dest: Path,
    part: Path,
    conditional: bool,
    max_bytes: int,
    progress: Callable[[int, int | None], None] | None,
    silence: _Silence,
) -> DownloadResult:
    with client.stream("GET", url) as response:
        silence.heard()
        status = response.status_code
        validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        if status == 304:
            if not conditional:
                raise DownloadError(refusal(reasons.NOT_MODIFIED, url=url))
            return DownloadResult(None, validators, not_modified=True)
        if status in _RETRIED_CLIENT_ERRORS or status >= 500:
            raise _RetryableError(
                f"HTTP {status} {response.reason_phrase}".rstrip(),
                _retry_after(response.headers.get("Retry-After")),
            )
        if not 200 <= status < 300:
            hint = reasons.HINTS.get(status, reasons.CLIENT_ERROR)
            phrase = response.reason_phrase
            raise DownloadError(
                refusal(reasons.HTTP_REFUSED, status=status, phrase=phrase, url=url, hint=hint)
            )

        expected = _content_length(response)
        if expected is not None and expected > max_bytes:
            raise DownloadError(refusal(reasons.TOO_LARGE, url=url, size=expected, limit=max_bytes))
        received = 0
        try:
            with part.open("wb") as out:
                for chunk in _body(response, client.timeout):
                    silence.heard()
                    if silence.over():
                        seconds = secs(silence.total or 0)
                        raise DownloadError(
                            refusal(reasons.TOOK_TOO_LONG, url=url, seconds=seconds, received=received)
                        )
                    received += len(chunk)
                    # Counted after decompression too, so a compressed bomb cannot exceed the limit.
                    if received > max_bytes:
                        raise DownloadError(refusal(reasons.SENT_TOO_MUCH, url=url, limit=max_bytes))
                    out.write(chunk)
                    if progress is not None:
                        # Raw bytes, so the count and Content-Length agree even for a compressed body.
                        progress(response.num_bytes_downloaded, expected)
        except OSError as exc:
            raise DownloadError(refusal(reasons.CANNOT_WRITE, part=str(part), error=str(exc))) from exc
        # httpx normally raises on a short body itself; this guards any path where it does not.
        if expected is not None and response.num_bytes_downloaded < expected:
            received = response.num_bytes_downloaded
            raise _RetryableError(refusal(reasons.CLOSED_EARLY, received=received, expected=expected))
    _refuse_web_page(url, part)
    os.replace(part, dest)
    return DownloadResult(dest, validators, bytes=received)


def _refuse_web_page(url: str, part: Path) -> None:
    """A web page sent with 200 (a sign-in, maintenance or error page, or the address of a page rather
    than of the file) is no export of any format: the download failed, whatever the file was to be."""
    with part.open("rb") as body:
        if kind_of(body.read(_PEEK)) == KIND_HTML:
            raise DownloadError(refusal(reasons.WEB_PAGE, url=url))


def _body(response: httpx.Response, timeout: httpx.Timeout) -> Iterator[bytes]:
    """The body in chunks; a stall after the answer is named as such rather than "no answer"."""
    import httpx

    try:
        # Pieces as they arrive (not gathered into large chunks): each one proves the server alive.
        yield from response.iter_bytes()
    except httpx.ReadTimeout as exc:
        seconds, received = secs(timeout.read or 0), response.num_bytes_downloaded
        raise _RetryableError(refusal(reasons.STOPPED_SENDING, seconds=seconds, received=received)) from exc


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or "Transfer-Encoding" in response.headers:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
