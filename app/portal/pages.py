"""Rendering a page: the request's language, links that keep it, caching, and HTML error pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from app.core.caching import cached_response
from app.core.error_pages import UPGRADE_MESSAGE, UPGRADE_PENDING
from app.core.publisher import Publisher
from app.core.slash_redirect import link_path
from app.portal.static import PORTAL_DIR
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, choose_language, environment, translations

HTML = "text/html; charset=utf-8"
# The pages whose 422 is about a search (what they refuse is a search's value): elsewhere a request's.
SEARCH_PATHS = ("/", "/actions")
# The same URL is rendered in another language for another Accept-Language.
VARY = "Authorization, X-API-Key, Accept-Language"


@dataclass(frozen=True)
class PageContext:
    """The language of a request, and the URL helpers the templates use."""

    lang: str
    explicit: bool  # chosen with ?lang= (then kept in every link), not from Accept-Language
    section: str
    path: str
    query: tuple[tuple[str, str], ...]
    demo: bool = False  # NRTD_DEMO: every page says the data is the synthetic sample
    publisher: Publisher | None = None  # the site's name, publisher, contact and licence (settings)
    feed_lang: str = "en"  # the language of the labels the feed gives (the first import language)

    @classmethod
    def of(cls, request: Request, section: str) -> PageContext:
        lang, explicit = choose_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        settings = getattr(request.app.state, "settings", None)
        return cls(
            lang,
            explicit,
            section,
            # The address as the page's links write it (language switcher, "without these values"):
            # percent-encoded (a NUL, refused before the app, is written the way it came), and never
            # read as another site's ("//host/x", which an unknown address is answered at too).
            link_path(request.url.path),
            tuple(request.query_params.multi_items()),
            demo=bool(settings and settings.demo),
            publisher=Publisher.of(settings) if settings else None,
            feed_lang=settings.languages[0] if settings else "en",
        )

    def url(self, path: str, **params: Any) -> str:
        """A link to ``path`` (which may hold a query and a fragment: the calendar's links) with
        ``params`` (empty ones dropped; a list or tuple: the parameter repeated) and the chosen language."""
        items = [
            (key, str(value))
            for key, given in params.items()
            for value in (given if isinstance(given, list | tuple) else [given])
            if value not in (None, "")
        ]
        if self.explicit:
            items.append(("lang", self.lang))
        path, hash_sign, fragment = path.partition("#")
        if items:
            path += ("&" if "?" in path else "?") + urlencode(items)
        return path + hash_sign + fragment

    def api_url(self, path: str, **params: Any) -> str:
        """A link to a public API route (an export, the report), which reads ``lang`` alone, never
        Accept-Language: with the page's language whenever it is not the API's default, so that a page
        shown in Spanish because the browser prefers it links the Spanish files, as ?lang=es does."""
        keep = self.explicit or self.lang != DEFAULT_LANGUAGE
        return replace(self, explicit=keep).url(path, **params)

    def switch_url(self, lang: str) -> str:
        """This page in another language."""
        items = [(key, value) for key, value in self.query if key != "lang"]
        return self.path + "?" + urlencode([*items, ("lang", lang)])

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)


def _html(page: PageContext, template: str, context: dict[str, Any]) -> str:
    return (
        environment(PORTAL_DIR / "templates", page.lang)
        .get_template(template)
        .render(
            lang=page.lang,
            languages=LANGUAGES,
            url=page.url,
            switch_url=page.switch_url,
            section=page.section,
            explicit_lang=page.explicit,
            demo=page.demo,
            site=page.publisher,
            feed_lang=page.feed_lang,
            **context,
        )
    )


def fragment(page: PageContext, template: str, context: dict[str, Any]) -> Markup:
    """A partial of the portal (``_action.html``, ``_cluster.html``) rendered to embed in another page:
    the staff workspace's "what the public sees" preview shows exactly what the portal page shows."""
    return Markup(_html(page, template, context))  # noqa: S704  (rendered by the autoescaping environment)


def render(request: Request, page: PageContext, template: str, context: dict[str, Any]) -> Response:
    """The page, cacheable like the public API's responses (ETag, 304 on If-None-Match)."""
    body = _html(page, template, context).encode()
    return cached_response(request, body, HTML, headers={"Vary": VARY, "Content-Language": page.lang})


def render_error(
    request: Request,
    status: int,
    headers: dict[str, str],
    refused: Mapping[str, str] | None = None,
    *,
    problem: str = "",
) -> Response:
    """The error page of ``status`` in the reader's language (``?lang=``, then Accept-Language). A 422
    names the values ``refused`` (name -> "label: reason", ``app.portal.request_errors``) and links the
    same page without them; it is about a search on the search and the action list, else a request."""
    page = PageContext.of(request, "")
    _ = page.gettext
    invalid = (
        (_("Invalid search"), _("Some of the search values are not valid. Please check them."))
        if page.path in SEARCH_PATHS
        else (_("Invalid request"), _("Some of the values in the address of this page are not valid."))
    )
    texts = {
        401: (_("Sign-in required"), _("On this site the public data needs an API key or a login.")),
        404: (_("Page not found"), _("There is no such page, or it is not published.")),
        405: (_("Not allowed"), _("This address cannot be used this way.")),
        413: (_("Request too large"), _("The request sent to this address is larger than the site accepts.")),
        422: invalid,
        429: (_("Too many requests"), _("Please wait a minute before trying again.")),
        503: (_("Service busy"), _("The site is busy. Please try again in a moment.")),
    }
    if status == 503 and problem == UPGRADE_PENDING:  # the schema is older than this release
        texts[503] = (_("The site is being upgraded"), _(UPGRADE_MESSAGE))
    if status == 422 and "\x00" in request.url.path:  # refused at the door (app.core.nul_guard)
        texts[422] = (_("Page not found"), _("This address is not valid."))
    heading, message = texts.get(status, (_("Something went wrong"), _("Please try again later.")))
    context: dict[str, Any] = {"heading": heading, "message": message, "refused": []}
    if status == 422 and refused:
        kept = [(key, value) for key, value in page.query if key not in refused]
        without = page.path + ("?" + urlencode(kept) if kept else "")
        context.update(refused=list(refused.values()), without_url=without)
    body = _html(page, "error.html", context)
    return HTMLResponse(body, status_code=status, headers={**headers, **_uncached(page)})


def render_invalid(request: Request, page: PageContext, template: str, context: dict[str, Any]) -> Response:
    """A page that shows what is wrong with the request (422): the form again, never cached."""
    body = _html(page, template, context)
    return HTMLResponse(body, status_code=422, headers=_uncached(page))


def _uncached(page: PageContext) -> dict[str, str]:
    # An error depends on the Accept header too (JSON clients get problem+json: app.portal.errors).
    return {"Cache-Control": "no-store", "Vary": f"{VARY}, Accept", "Content-Language": page.lang}
