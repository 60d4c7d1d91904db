"""A request id on every request: the client's ``X-Request-ID`` when it is sane, else a new one.

It is echoed in the response, recorded with every audit event the request writes, and written in the
access log line (logger ``nrtd.access``; ``nrtd serve`` formats it with the time), so a complaint
quoting the id leads to the request in the log and to what it changed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
access_log = logging.getLogger("nrtd.access")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"")
        request_id = given.decode() if _SANE.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500  # what the server answers when the app fails before starting a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                _log_access(scope, status, time.perf_counter() - started, request_id)


# A secret in a URL never reaches the log, however its name is spelt (the app reads the name
# percent-decoded: ``%74oken`` is ``token``): the calendar feed's ``token``, and what a client sends
# there that the app refuses but that is a secret all the same: a bearer token in RFC 6750's query form
# (``access_token``), an API key (``api_key``, ``X-API-Key``), a password, a client secret. A name is a
# secret's when it holds one of these words (``author``, a filter, is not ``auth``).
_SECRET_WORDS = ("token", "key", "pass", "pwd", "secret", "signature", "credential")
_SECRET_NAMES = frozenset({"auth", "authorization", "sig"})


def _secret(name: str) -> bool:
    name = unquote_plus(name).strip().lower()
    return name in _SECRET_NAMES or any(word in name for word in _SECRET_WORDS)


def _masked(query: str) -> str:
    """The query string as sent, the value of each secret parameter replaced by ``***``."""
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        if equals and _secret(name):
            part = f"{name}=***"
        parts.append(part)
    return "&".join(parts)


def _log_access(scope: Scope, status: int, seconds: float, request_id: str) -> None:
    client = scope.get("client")
    query = scope.get("query_string", b"")
    # The path as sent (still percent-encoded): a decoded %0A would forge a second log line.
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "backslashreplace")
    target = raw.decode("latin-1") + ("?" + _masked(query.decode("latin-1")) if query else "")
    access_log.info(
        '%s "%s %s HTTP/%s" %d %.1fms request_id=%s',
        client[0] if client else "-",
        scope.get("method", "-"),
        target,
        scope.get("http_version", "1.1"),
        status,
        seconds * 1000,
        request_id,
    )
