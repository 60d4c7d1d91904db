"""The staff API's answers are its caller's alone: ``Cache-Control: private, no-cache`` and ``Vary:
Authorization, X-API-Key`` on every one whose route does not say otherwise.

They were sent without any caching header. A shared cache (a proxy, a CDN) keeps no answer to a request
with an ``Authorization`` header (RFC 9111, 3.5), but an API key is a header of its own: an answer to a
machine client could be stored and handed to the next caller of the address, with or without a key. A
browser may keep the answer (``private``) but asks again before reusing it (``no-cache``), and with
another caller's credentials it is another answer (``Vary``): a reader is never shown what a
coordinator's token read, and a 304 answers a revalidation (app.core.conditional). A route that says
more itself (``no-store`` on an export or a login) keeps its own.

A refusal of the public API (an unknown or not yet published record, a bad filter, a missing key)
carried no caching header either, and 404 is a status a cache may keep by its own reckoning
(RFC 9111, 4.2.2): a record published since would stay "not found" for the readers behind it. Such a
refusal is ``no-store``, unless its route says otherwise.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STAFF_CACHE_CONTROL = "private, no-cache"
STAFF_VARY = ("Authorization", "X-API-Key")
PUBLIC_REFUSAL_CACHE_CONTROL = "no-store"


class StaffPrivateMiddleware:
    """The headers above on answers under ``prefix`` but not under ``public_prefix``, and
    ``no-store`` on refusals under ``public_prefix``."""

    def __init__(self, app: ASGIApp, *, prefix: str, public_prefix: str) -> None:
        self.app = app
        self.prefix = prefix
        self.public_prefix = public_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(self.public_prefix):
            await self.app(scope, receive, self._public_refusals(send))
            return
        if not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = STAFF_CACHE_CONTROL
                varied = {name.strip().lower() for name in headers.get("vary", "").split(",")}
                for name in STAFF_VARY:
                    if name.lower() not in varied and "*" not in varied:
                        headers.add_vary_header(name)
            await send(message)

        await self.app(scope, receive, send_private)

    @staticmethod
    def _public_refusals(send: Send) -> Send:
        async def send_refusal(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = PUBLIC_REFUSAL_CACHE_CONTROL
            await send(message)

        return send_refusal
