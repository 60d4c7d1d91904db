"""Refuse query parameters the application could not read as they were meant (422 naming the
parameter), on every route: NUL characters, and bytes that are not UTF-8 once percent-decoded.

PostgreSQL cannot compare text with NUL (psycopg refuses it), SQLite can: refusing them at the
door gives the same clear answer on both databases instead of a 500 on one.

A value percent-encoded in another encoding than UTF-8 (``comit%E9``, Latin-1's "comité", as an old
client or a hand-built link writes it) was decoded with a replacement character in place of the
byte: a search for "comit\ufffd" found other recommendations than the ones asked for, without a word.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.nul_guard import workspace_page as _workspace_page
from app.core.problems import send_problem

# A percent-encoded byte beyond ASCII: only then can a value fail to be UTF-8.
_HIGH_BYTE = re.compile(rb"%[89a-fA-F][0-9a-fA-F]")
UTF8_EXAMPLE = "é: %C3%A9"


def _not_utf8(query: bytes) -> list[str]:
    """The names of the parameters whose name or value is not UTF-8 once percent-decoded."""
    names: list[str] = []
    for part in query.split(b"&"):
        name, _sep, value = part.partition(b"=")
        try:
            for piece in (name, value):
                unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            shown = unquote(name.decode("latin-1").replace("+", " "), errors="replace")
            if shown not in names:
                names.append(shown)
    return names


class QueryGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if (b"%00" in query or b"\x00" in query) and _workspace_page(scope):
            # A staff page's search box given text pasted from a PDF, NULs and all (nul_guard.py):
            # they are left out, and the list answers the search.
            query = query.replace(b"%00", b"").replace(b"\x00", b"")
            scope = {**scope, "query_string": query}
        if b"%00" in query or b"\x00" in query:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
            names = sorted({name.replace("\x00", "\\0") for name, value in pairs if "\x00" in name + value})
            if names:
                errors = [{"field": name, "reason": _("must not contain NUL characters")} for name in names]
                detail = "; ".join(f"{name}: must not contain NUL characters" for name in names)
                await send_problem(scope, send, 422, "validation-error", "Invalid input", detail, errors)
                return
        if _HIGH_BYTE.search(query):
            names = _not_utf8(query)
            if names:
                reason = Reason(_("must be percent-encoded UTF-8 (%(example)s)"), example=UTF8_EXAMPLE)
                errors = [{"field": name, "reason": reason} for name in names]
                detail = "; ".join(f"{name}: {reason}" for name in names)
                await send_problem(scope, send, 422, "validation-error", "Invalid input", detail, errors)
                return
        await self.app(scope, receive, send)
