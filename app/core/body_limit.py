"""Refuse request bodies over ``NRTD_MAX_REQUEST_BYTES`` with 413, before the app reads them.

A few routes take larger bodies (the staff workspace's import upload, ``NRTD_UPLOAD_MAX_BYTES``; the
evidence uploads, ``NRTD_EVIDENCE_MAX_BYTES``): ``larger`` names them with their own limit, by path
or by a path template whose ``{name}`` parts stand for one segment (``/api/v1/progress/{id}/evidence``).
Their bodies are never gathered here: the route's reader (the multipart parser, which spools files
to disk) gets them piece by piece, and the piece that passes the limit raises ``ContentTooLarge`` in
that reader, so the route answers the 413 itself (the workspace as an HTML page). Should nothing
answer it, the problem+json 413 is sent here.

A body sent with a ``Content-Encoding`` (gzip, as some client libraries compress large bodies) is
refused here with 415, saying the server takes ``identity`` (RFC 9110, 15.5.16): nothing undoes the
coding, so gzip's bytes were read as the body ("not valid UTF-8 at byte 1") and a plain body
labelled gzip was taken as it came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import ContentTooLarge
from app.core.problems import send_problem


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(_template(path), limit) for path, limit in (larger or {}).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        coding = headers.get(b"content-encoding", b"").strip().lower()
        if coding not in (b"", b"identity") and declared != b"0":
            await _refuse_coding(scope, send, coding.decode("latin-1"))
            return
        path = scope.get("path", "")
        route_limit = next((limit for pattern, limit in self.larger if pattern.fullmatch(path)), None)
        if route_limit is not None:
            await self._counted(scope, receive, send, route_limit, declared)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send, self.max_bytes)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # No Content-Length (a chunked body): read it here, up to the limit, and hand it on whole.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client went away: let the app see it
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await self._refuse(scope, send, self.max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, limit: int, declared: bytes | None
    ) -> None:
        """A route with a limit of its own: the body streams through, counted as it is read."""
        too_large = declared is not None and declared.isdigit() and int(declared) > limit
        seen = 0
        started = False

        async def counting() -> Message:
            nonlocal seen
            if too_large:
                raise ContentTooLarge(_detail(limit))
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise ContentTooLarge(_detail(limit))
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except ContentTooLarge:
            if started:
                raise
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        await send_problem(scope, send, 413, "content-too-large", "Content too large", _detail(limit), [])


def _template(path: str) -> re.Pattern[str]:
    """``/a/{id}/b`` -> a pattern matching ``/a/<one segment>/b``."""
    parts = re.split(r"\{[^/{}]+\}", path)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def _detail(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


async def _refuse_coding(scope: Scope, send: Send, coding: str) -> None:
    reason = f"{coding[:40]!r} is not accepted: send the body uncompressed"
    await send_problem(
        scope,
        send,
        415,
        "unsupported-content-encoding",
        "Unsupported content encoding",
        f"Content-Encoding: {reason}",
        [{"field": "Content-Encoding", "reason": reason}],
        headers=[(b"accept-encoding", b"identity")],
    )
