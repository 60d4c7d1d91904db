"""A list header sent on several lines is one list (RFC 9110, 5.3): `If-Match: "0"` and `If-Match:
"1"` mean `If-Match: "0", "1"`, as a proxy or a client library may split it. Everything that reads
the conditional headers (the If-Match check of writes, the 304 of public answers, exports and
evidence files) asks for the header once and got the first line alone, so the version read, named
on the second line, was refused (412) or sent again (200 rather than 304). The lines are joined
before anything reads them."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

_LISTS = (b"if-match", b"if-none-match")


class ListHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = _joined(scope)
        await self.app(scope, receive, send)


def _joined(scope: Scope) -> Scope:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    names = [name for name, _ in headers if name in _LISTS]
    if len(names) == len(set(names)):
        return scope  # each sent once at most (almost every request): nothing to join
    values: dict[bytes, list[bytes]] = {}
    for name, value in headers:
        if name in _LISTS and value.strip():
            values.setdefault(name, []).append(value.strip())
    kept = [(name, value) for name, value in headers if name not in _LISTS]
    return {**scope, "headers": kept + [(name, b", ".join(parts)) for name, parts in values.items()]}
