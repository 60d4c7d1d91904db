"""304 Not Modified for every read that sends an ETag (RFC 9110, 13.1.2 and 15.4.5).

The public answers, exports and evidence files check ``If-None-Match`` themselves, before building
anything (``app.core.caching``). The staff API's resources (a recommendation, an action, an
indicator ...) and the static files sent their ETag but answered a client holding that version with
the whole body again. Here any 200 to a GET (or HEAD) whose ETag the request's ``If-None-Match`` names,
by the same weak comparison (``etag_matches``), becomes an empty 304 carrying the headers a 304 keeps
(ETag, Cache-Control, Vary ...): one rule, whichever route built the answer.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.caching import etag_matches

# What describes the body a 304 does not send (RFC 9110, 15.4.5: a 304 carries the headers the 200
# would have sent, but not the representation's own metadata).
_BODY_HEADERS = frozenset({b"content-type", b"content-length", b"content-encoding", b"content-disposition"})

# Set by a route whose ETag is the version a write names but whose body also shows other rows (an
# action's indicators, an indicator's latest value, an update's evidence, a recommendation's clusters,
# a cluster's lead entity, a follow-up's grades): those change without the version, so a client holding
# the tag is sent the body again rather than a 304 for what it showed before. Never sent to the client.
_VERSION_ONLY = b"x-nrtd-etag-is-version-only"


def send_version_etag(response: Response, tag: str) -> None:
    """Send ``tag`` (the version, for If-Match) as the ETag of a body that shows more than that version."""
    response.headers["ETag"] = tag
    response.headers[_VERSION_ONLY.decode()] = "1"


class NotModifiedMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        held = Headers(scope=scope).get("if-none-match")
        if held is None:
            await self.app(scope, receive, _without_marker(send))
            return
        not_modified = False

        async def send_or_not(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start" and message["status"] == 200:
                message, version_only = _unmarked(message)
                tag = Headers(raw=message.get("headers", [])).get("etag")
                if tag is not None and not version_only and etag_matches(held, tag):
                    not_modified = True
                    kept = [(name, value) for name, value in message["headers"] if name not in _BODY_HEADERS]
                    await send({**message, "status": 304, "headers": kept})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
            if not_modified:
                return  # the body of the answer replaced by the 304, dropped
            await send(message)

        await self.app(scope, receive, send_or_not)


def _unmarked(start: Message) -> tuple[Message, bool]:
    """The response's start without the marker, and whether it carried it."""
    raw = start.get("headers", [])
    if not any(name == _VERSION_ONLY for name, _ in raw):
        return start, False
    return {**start, "headers": [(name, value) for name, value in raw if name != _VERSION_ONLY]}, True


def _without_marker(send: Send) -> Send:
    async def sending(message: Message) -> None:
        await send(_unmarked(message)[0] if message["type"] == "http.response.start" else message)

    return sending
