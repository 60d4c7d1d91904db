"""HEAD answered wherever GET is (RFC 9110, 9.3.2): the GET's status and headers, no body.

FastAPI's routes answer only the methods they declare, so every page and read answered a link
checker's or ``curl -I``'s HEAD with 405, while the public API's CORS headers announce HEAD. The
request is handled as its GET and the body dropped on the way out (a streamed body's parts too);
its ``Content-Length`` is the GET's, as the RFC allows. A route without GET still answers 405.

A route whose GET is costly to build (an export) asks ``is_head`` and answers the headers alone.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_HEAD = "nrtd.head"


def is_head(scope: Scope) -> bool:
    """Whether the request, handled as a GET, came as a HEAD: its body will be dropped."""
    return bool(scope.get(_HEAD))


def headers_only(media_type: str, headers: dict[str, str]) -> Response:
    """A HEAD's answer built without the GET's body: its status and headers, without Content-Length
    (not 0: the GET's length is not known)."""
    response = Response(status_code=200, media_type=media_type, headers=headers)
    del response.headers["content-length"]
    return response


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET", _HEAD: True}, receive, headers_only)
