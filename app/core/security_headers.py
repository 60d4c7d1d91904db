"""Headers that tell browsers to refuse what this service never does: sniff types, frame, inline code.

The portal and the staff pages load scripts, styles and images from this origin only and have no
inline script or style, so one strict policy fits every answer (JSON included: a JSON body opened in a
browser runs nothing either). The interactive API documentation (/docs, /redoc) is FastAPI's page,
which loads Swagger UI or ReDoc from this origin (app.apidocs) and starts it with an inline script: it
gets a policy that allows exactly that, and nothing from elsewhere.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = path == DOCS_PATHS[0] or path.startswith(DOCS_PATHS[0] + "/") or path == DOCS_PATHS[1]
        policy = (DOCS_CSP if docs else STRICT_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                # A route that sets one of these itself knows better (e.g. a download's own policy).
                for name, value in [*_COMMON, (b"content-security-policy", policy)]:
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
