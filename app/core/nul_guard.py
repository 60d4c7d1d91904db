"""Refuse the NUL character (U+0000) in path parameters, JSON bodies and form bodies: a 422 naming
each field that holds one, on every route, before any route or schema sees it.

PostgreSQL cannot store or compare text holding NUL (psycopg refuses it: a 500), SQLite stores it;
no name, note or password has a use for it. One check at the door gives both databases the same
clear answer whatever route a body reaches, the login form included, instead of a validator to
remember on every input schema. A staff page's form is the exception: its NULs are left out (pasted
from a PDF with the text, nobody typed them) and the form goes on to its page. Query strings have
their own guard (query_guard.py). Other bodies (an uploaded file) are data, not text fields, and pass
untouched. Holding each JSON body, it also refuses one naming a key twice in an object (json_keys.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.catalogue import marked as _
from app.core.json_keys import repeated_keys
from app.core.problems import send_problem

REASON = _("must not contain NUL characters")
_JSON_NUL = b"\\u0000"


def _shown(name: str) -> str:
    return name.replace("\x00", "\\0")


def _json_fields(value: Any, where: str) -> Iterator[str]:
    """The dotted paths (``items.0.name``) of the strings and keys in ``value`` holding NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            yield where or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{_shown(key)}" if where else _shown(key)
            if "\x00" in key:
                yield path
            else:
                yield from _json_fields(item, path)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _json_fields(item, f"{where}.{n}" if where else str(n))


def nul_fields(body: bytes, kind: str) -> list[str]:
    """The fields of a JSON or form body holding NUL; [] when there are none (or the body does
    not parse: the route's own validation answers that)."""
    if kind == "json":
        if _JSON_NUL not in body:
            return []  # a raw NUL byte is not valid JSON: the route refuses it as such
        try:
            return sorted(set(_json_fields(json.loads(body), "")))
        except ValueError:
            return []
    if b"%00" not in body and b"\x00" not in body:
        return []
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return sorted({_shown(name) for name, value in pairs if "\x00" in name + value})


def _body_kind(scope: Scope) -> str | None:
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    media = content_type.split(b";")[0].strip().lower()
    if media == b"application/json" or media.endswith(b"+json"):
        return "json"
    if media == b"application/x-www-form-urlencoded":
        return "form"
    return None


def workspace_page(scope: Scope) -> bool:
    """Whether the request is for a staff page (a browser's form), not the API."""
    path = str(scope.get("path", ""))
    return path == "/staff" or path.startswith("/staff/")


def _without_nul(body: bytes, scope: Scope) -> tuple[bytes, Scope]:
    """A staff page's form with its NUL characters left out. A person does not type them: they come
    with text pasted from a PDF, invisible in the box; refused, the form was lost on a page that could
    name no field (this runs before the page's route)."""
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    cleaned = urlencode([(name.replace("\x00", ""), value.replace("\x00", "")) for name, value in pairs])
    encoded = cleaned.encode()
    headers = [(key, value) for key, value in scope["headers"] if key != b"content-length"]
    headers.append((b"content-length", str(len(encoded)).encode()))
    return encoded, {**scope, "headers": headers}


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", ""):
            await self._refuse(scope, send, ["path"])
            return
        kind = _body_kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        # The body is small (BodyLimitMiddleware, outside this one, bounds it): read it whole,
        # check it, and hand the same bytes on.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client went away: let the app see it
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        fields = nul_fields(body, kind)
        if fields and kind == "form" and workspace_page(scope):
            body, scope = _without_nul(body, scope)
            fields = []
        if fields:
            await self._refuse(scope, send, fields)
            return
        repeated = repeated_keys(body) if kind == "json" else []
        if repeated:
            detail = "; ".join(f"{error['field']}: {error['reason']}" for error in repeated)
            await send_problem(scope, send, 422, "validation-error", "Invalid input", detail, repeated)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, fields: list[str]) -> None:
        errors = [{"field": name, "reason": REASON} for name in fields]
        detail = "; ".join(f"{name}: {REASON}" for name in fields)
        await send_problem(scope, send, 422, "validation-error", "Invalid input", detail, errors)
