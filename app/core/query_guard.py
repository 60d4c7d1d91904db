"""Refuse query parameters holding NUL characters (422 naming the parameter), on every route.

PostgreSQL cannot compare text with NUL (psycopg refuses it), SQLite can: refusing them at the
door gives the same clear answer on both databases instead of a 500 on one.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.catalogue import marked as _
from app.core.problems import send_problem


class QueryGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if b"%00" in query or b"\x00" in query:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
            names = sorted({name.replace("\x00", "\\0") for name, value in pairs if "\x00" in name + value})
            if names:
                errors = [{"field": name, "reason": _("must not contain NUL characters")} for name in names]
                detail = "; ".join(f"{name}: must not contain NUL characters" for name in names)
                await send_problem(scope, send, 422, "validation-error", "Invalid input", detail, errors)
                return
        await self.app(scope, receive, send)
