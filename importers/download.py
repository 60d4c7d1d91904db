"""Conditional, size-bounded, retrying download of a UHRI export over HTTP(S).

The body is streamed to ``<dest>.part`` and moved onto ``dest`` only once complete, so a failed or
interrupted run never leaves a truncated export where the importer would read it, and an earlier
good copy survives a failure.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

__all__ = ["DownloadError", "DownloadResult", "download"]

log = logging.getLogger(__name__)

_CHUNK_BYTES = 1024 * 1024
_USER_AGENT = "nrtd-importer/0.1"

# Failures of the network or the peer that a later attempt may not meet again.
_TRANSIENT_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.DecodingError,
)


class DownloadError(Exception):
    """The file could not be downloaded; the message says why and from where."""


@dataclass(frozen=True, slots=True)
class DownloadResult:
    not_modified: bool
    path: Path | None  # None when not modified: the caller's previous copy is still current
    etag: str | None
    last_modified: str | None
    bytes: int


class _RetryableError(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def download(
    url: str,
    dest: Path,
    *,
    etag: str | None,
    last_modified: str | None,
    timeout: float,
    retries: int,
    max_bytes: int,
    progress: Callable[[int, int | None], None] | None = None,
    backoff: float = 0.5,
    max_delay: float = 30.0,
) -> DownloadResult:
    """Fetch ``url`` into ``dest`` unless the server says it has not changed since ``etag`` /
    ``last_modified``.

    ``timeout`` bounds connecting and each wait for data (not the whole transfer). Server errors,
    429 and dropped connections are retried ``retries`` times with exponential backoff starting at
    ``backoff`` seconds, capped at ``max_delay`` (which also caps a server's Retry-After). Other
    4xx answers and an oversized body fail at once. ``progress(received, total)`` is called after
    each chunk; it restarts from zero when an attempt is retried.
    """
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"not an http(s) URL: {url}")
    headers = {"User-Agent": _USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    attempts = 1 + max(0, retries)
    last_error = ""
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, headers=headers) as client:
            for attempt in range(1, attempts + 1):
                try:
                    result = _attempt(
                        client, url, dest, part, bool(etag or last_modified), max_bytes, progress
                    )
                except _RetryableError as exc:
                    last_error = str(exc)
                    retry_after = exc.retry_after
                except _TRANSIENT_ERRORS as exc:
                    last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    retry_after = None
                except httpx.HTTPError as exc:
                    raise DownloadError(f"download of {url} failed: {type(exc).__name__}: {exc}") from exc
                else:
                    if result.not_modified:
                        # A 304 may omit the validators; the ones sent are then still the current ones.
                        return replace(
                            result,
                            etag=result.etag or etag,
                            last_modified=result.last_modified or last_modified,
                        )
                    return result
                if attempt == attempts:
                    break
                delay = min(
                    max_delay, retry_after if retry_after is not None else backoff * 2 ** (attempt - 1)
                )
                log.warning(
                    "download of %s failed (attempt %d of %d): %s; retrying in %.1fs",
                    url,
                    attempt,
                    attempts,
                    last_error,
                    delay,
                )
                time.sleep(delay)
    finally:
        part.unlink(missing_ok=True)
    raise DownloadError(f"download of {url} failed after {attempts} attempts: {last_error}")


def _attempt(
    client: httpx.Client,
    url: str,
    dest: Path,
    part: Path,
    conditional: bool,
    max_bytes: int,
    progress: Callable[[int, int | None], None] | None,
) -> DownloadResult:
    with client.stream("GET", url) as response:
        status = response.status_code
        new_etag = response.headers.get("ETag")
        new_last_modified = response.headers.get("Last-Modified")
        if status == 304:
            if not conditional:
                raise DownloadError(f"{url} answered 304 Not Modified to an unconditional request")
            return DownloadResult(True, None, new_etag, new_last_modified, 0)
        if status == 429 or status >= 500:
            raise _RetryableError(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if not 200 <= status < 300:
            raise DownloadError(f"HTTP {status} {response.reason_phrase} for {url}")

        expected = _content_length(response)
        if expected is not None and expected > max_bytes:
            raise DownloadError(f"{url} is {expected} bytes, over the limit of {max_bytes}")
        received = 0
        try:
            with part.open("wb") as out:
                for chunk in response.iter_bytes(_CHUNK_BYTES):
                    received += len(chunk)
                    # Counted after decompression too, so a compressed bomb cannot exceed the limit.
                    if received > max_bytes:
                        raise DownloadError(f"{url} sent more than the limit of {max_bytes} bytes")
                    out.write(chunk)
                    if progress is not None:
                        # Raw bytes, so the count and Content-Length agree even for a compressed body.
                        progress(response.num_bytes_downloaded, expected)
        except OSError as exc:
            raise DownloadError(f"cannot write {part}: {exc}") from exc
        # httpx normally raises on a short body itself; this guards any path where it does not.
        if expected is not None and response.num_bytes_downloaded < expected:
            raise _RetryableError(
                f"connection closed after {response.num_bytes_downloaded} of {expected} bytes"
            )
    os.replace(part, dest)
    return DownloadResult(False, dest, new_etag, new_last_modified, received)


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
