"""What the error handlers (``app.core.problems``) tell the page a browser gets instead of a problem+json
body: the failed request, its status, headers, refused fields, and the problem's type where the page
says more than its status does."""

from __future__ import annotations

from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from app.core.catalogue import marked


# Given a failed request, its status, headers and the fields refused at the door (each a "field" and
# its "reason": the middlewares' refusals): an HTML page for a browser, or None for problem+json.
# ``app.main`` passes the portal's (``app.portal.errors.error_page``); core knows no page.
# ``problem``: the problem's type when a page says more than its status does (``UPGRADE_PENDING``: a 503
# that is an upgrade, not a busy moment).
class ErrorPage(Protocol):
    def __call__(
        self,
        request: Request,
        status: int,
        headers: dict[str, str],
        errors: list[dict[str, str]],
        problem: str = "",
    ) -> Response | None: ...


# The problem type of a request that met a schema older than this release (``nrtd migrate`` not run).
UPGRADE_PENDING = "upgrade-pending"
# What a browser's page says then, in the reader's language (the portal's and the workspace's).
UPGRADE_MESSAGE = marked("The service is being upgraded to a new release. Please try again in a few minutes.")
