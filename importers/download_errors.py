"""Why a download attempt failed, and whether a later one may not meet it again (``download``): an
unknown host, a certificate that does not verify and an https:// URL whose port answers in plain HTTP
fail at once; the rest is told in the words an operator reads per attempt."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

from app.feed import download_refusals as reasons
from app.feed.refusals import refusal
from app.import_runs.masking import mask_credentials

if TYPE_CHECKING:
    import httpx


class DownloadError(Exception):
    """The file could not be downloaded; the message says why and from where."""


# What OpenSSL says when the peer's first bytes are no TLS record (a plain HTTP server answering an
# https:// URL): the same on every attempt.
_NOT_TLS_REASONS = frozenset(
    {"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE"}
)


def secs(seconds: float) -> str:
    return f"{round(seconds, 2):g} s"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from (httpx wraps httpcore, which wraps the socket error)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def raise_if_permanent(url: str, exc: httpx.HTTPError) -> None:
    """An unknown host, an untrusted certificate or a port that does not speak TLS will be the same on
    the next attempt."""
    import ssl

    import httpx

    if not isinstance(exc, httpx.ConnectError):
        return
    host = httpx.URL(url).host
    for cause in _causes(exc):
        # EAI_AGAIN is a resolver that did not answer in time, which the next attempt may not meet.
        if isinstance(cause, socket.gaierror) and cause.errno != socket.EAI_AGAIN:
            error = str(cause.strerror)
            raise DownloadError(refusal(reasons.UNKNOWN_HOST, url=url, host=repr(host), error=error)) from exc
        if isinstance(cause, ssl.SSLCertVerificationError):
            error = str(cause.verify_message)
            raise DownloadError(
                refusal(reasons.BAD_CERTIFICATE, url=url, host=repr(host), error=error)
            ) from exc
        if isinstance(cause, ssl.SSLError) and getattr(cause, "reason", None) in _NOT_TLS_REASONS:
            parsed = httpx.URL(url)
            address = f"{parsed.host}:{parsed.port or 443}"
            shown, error = mask_credentials(url), str(cause.reason)
            raise DownloadError(refusal(reasons.NOT_TLS, url=shown, address=address, error=error)) from exc


def transport_reason(exc: httpx.HTTPError, timeout: httpx.Timeout) -> str:
    """What went wrong, in the words an operator reads in the message per attempt."""
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return refusal(reasons.NO_CONNECTION, seconds=secs(timeout.connect or 0))
    if isinstance(exc, httpx.ReadTimeout):
        return refusal(reasons.NO_ANSWER, seconds=secs(timeout.read or 0))
    if isinstance(exc, httpx.ConnectError):
        for cause in _causes(exc):
            if (
                isinstance(cause, ConnectionRefusedError)
                or getattr(cause, "errno", None) == errno.ECONNREFUSED
            ):
                return reasons.CONNECTION_REFUSED
        return refusal(reasons.CANNOT_CONNECT_BECAUSE, error=str(exc)) if str(exc) else reasons.CANNOT_CONNECT
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
