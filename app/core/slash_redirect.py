"""The redirect of an address with a slash too many or too few (``/staff/actions/`` to
``/staff/actions``), to a location the request's ``Host`` header has no say in.

Starlette's own (``redirect_slashes``) wrote an absolute URL from the ``Host`` header: a request
with a forged Host (a poisoned shared cache, a proxy that passes the header on) sent the reader to
another site. The location is ``NRTD_BASE_URL`` followed by the path when that is set, as every other
address the service hands out; else the path alone (RFC 9110 allows a relative Location), which the
client resolves against the address it asked.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import Settings

# Characters a path segment may hold as they are (RFC 3986 pchar, with the "/" between segments).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_DOTS = {".": "%2E", "..": "%2E%2E"}


def redirect_location(settings: Settings, path: str, query: str = "") -> str:
    """Where a redirect the app builds points: ``path`` (an address of this app, as the router sees
    it, not percent-encoded) after ``NRTD_BASE_URL`` when that is set, else ``path`` alone."""
    # A segment "." or ".." (sent as %2E) stays encoded: a client would otherwise resolve it away
    # and land on another page ("/actions/.." is "/").
    segments = [_DOTS.get(segment, segment) for segment in quote(path, safe=_PATH_SAFE).split("/")]
    location = "/".join(segments) + (f"?{query}" if query else "")
    return settings.base_url + location if "base_url" in settings.model_fields_set else location


def link_path(path: str) -> str:
    """``path`` (the address a request came to, as the router sees it, not percent-encoded) written
    in a link of its own page, which must lead to this site: percent-encoded (a NUL, a tab, a
    backslash, which a browser drops or reads as a slash), and a second slash at its start encoded
    (``//host/x`` read as a link is another site's address; ``/%2Fhost/x`` is the same address here)."""
    encoded = quote(path, safe=_PATH_SAFE)
    return "/%2F" + encoded[2:] if encoded.startswith("//") else encoded


class SlashRedirect:
    """The router's answer to an address no route matches (its ``default``): a 307 to the same
    address with the trailing slash added or removed when a route matches that, else ``fallback``."""

    def __init__(self, router: Router, fallback: ASGIApp) -> None:
        self.router = router
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]  # the app is served at the root (no root_path)
        # "//host/" with its slash removed would read as another site's address ("//host").
        if scope["type"] == "http" and path != "/" and not path.startswith("//"):
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            if other and self._matched({**scope, "path": other}):
                settings: Settings = scope["app"].state.settings
                query = scope.get("query_string", b"").decode("latin-1")
                response = RedirectResponse(redirect_location(settings, other, query), status_code=307)
                await response(scope, receive, send)
                return
        await self.fallback(scope, receive, send)

    def _matched(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is not Match.NONE for route in self.router.routes)


def redirect_slashes_safely(router: Router) -> None:
    """Replace the router's own slash redirect with ``SlashRedirect``."""
    router.redirect_slashes = False
    router.default = SlashRedirect(router, router.default)
