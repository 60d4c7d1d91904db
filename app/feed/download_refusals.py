"""Why a feed could not be downloaded (importers/download.py), as a run's message stores it after
"download failed: ": catalogue messages, read back and translated as app/feed/refusals.py says. ``url``
is the feed's address, ``seconds`` a duration as the importer writes it ("20 s"); what the network
library or the server said in their own words (``error``, ``phrase``) is kept as they said it.
"""

from __future__ import annotations

from app.core.catalogue import marked as _

DOWNLOAD_FAILED = _("download failed: %(reason)s")
NOT_HTTP = _("not an http(s) URL: %(url)s")
FAILED = _("download of %(url)s failed: %(reason)s")
FAILED_AFTER = _("download of %(url)s failed after %(attempts)s attempts: %(reason)s")
GAVE_UP = _(
    "download of %(url)s failed after %(attempts)s attempts: %(reason)s; gave up after %(seconds)s "
    "without data"
)
NO_TIME_LEFT = _(
    "download of %(url)s failed after %(attempts)s attempts: %(reason)s; no time left of the %(seconds)s "
    "a download may take"
)
UNKNOWN_HOST = _("download of %(url)s failed: unknown host %(host)s (%(error)s); not retried")
BAD_CERTIFICATE = _(
    "download of %(url)s failed: the certificate of %(host)s does not verify (%(error)s); not retried"
)
NOT_TLS = _(
    "download of %(url)s failed: %(address)s did not answer in TLS (%(error)s), as a plain HTTP server "
    "does; use http:// in the URL, or the port of its HTTPS service; not retried"
)
TOOK_TOO_LONG = _(
    "download of %(url)s took longer than the %(seconds)s a download may take (%(received)s bytes "
    "received); not retried"
)
HTTP_REFUSED = _("HTTP %(status)s %(phrase)s for %(url)s (%(hint)s); not retried")
HINTS = {
    401: _("the server wants credentials"),
    403: _("the server refuses access"),
    404: _("no such file at this URL"),
    410: _("the file is gone from this URL"),
}
CLIENT_ERROR = _("a client error")
NOT_MODIFIED = _("%(url)s answered 304 Not Modified to an unconditional request")
TOO_LARGE = _("%(url)s is %(size)s bytes, over the limit of %(limit)s")
SENT_TOO_MUCH = _("%(url)s sent more than the limit of %(limit)s bytes")
CANNOT_WRITE = _("cannot write %(part)s: %(error)s")
WEB_PAGE = _(
    "%(url)s sent a web page (HTML), not the export: a sign-in, maintenance or error page, or the address "
    "of a page rather than of the file; open the URL in a browser to see it, and check NRTD_UHRI_URL (or "
    "the URL given); not retried"
)
# What an attempt met (retried, then given up on): the reason of FAILED_AFTER and the others.
NO_CONNECTION = _("no connection within %(seconds)s")
NO_ANSWER = _("no answer within %(seconds)s")
CONNECTION_REFUSED = _("connection refused")
CANNOT_CONNECT = _("cannot connect")
CANNOT_CONNECT_BECAUSE = _("cannot connect: %(error)s")
CLOSED_EARLY = _("connection closed after %(received)s of %(expected)s bytes")
STOPPED_SENDING = _("the server stopped sending: nothing for %(seconds)s after %(received)s bytes")

FIXED = (*HINTS.values(), CLIENT_ERROR, CONNECTION_REFUSED, CANNOT_CONNECT)
WITH_VALUES = (
    DOWNLOAD_FAILED, NOT_HTTP, FAILED, FAILED_AFTER, GAVE_UP, NO_TIME_LEFT, UNKNOWN_HOST, BAD_CERTIFICATE,
    NOT_TLS, TOOK_TOO_LONG, HTTP_REFUSED, NOT_MODIFIED, TOO_LARGE, SENT_TOO_MUCH, CANNOT_WRITE, WEB_PAGE,
    NO_CONNECTION, NO_ANSWER, CANNOT_CONNECT_BECAUSE, CLOSED_EARLY, STOPPED_SENDING,
)  # fmt: skip
