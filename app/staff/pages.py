"""Rendering a staff page: the request's language, the signed-in user, the CSRF token, links that keep
the language, and HTML for every error (a 403 page, a redirect to sign in, a 404 page)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.routing import Match

from app.auth.service import StaffSession
from app.core.actor import ADMIN, EVERYONE, MANAGERS, STAFF
from app.core.catalogue import marked
from app.core.dates import EARLIEST_DAY, LATEST_DAY
from app.core.deps import abandon
from app.core.error_pages import UPGRADE_MESSAGE, UPGRADE_PENDING
from app.core.errors import DomainError
from app.core.languages import known_language
from app.staff import once
from app.staff.forms import field_errors
from app.staff.session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    PasswordChangeRequired,
    SignInRequired,
    StaleFormToken,
    form_page,
    login_url,
)
from app.staff.typed_words import typed_words
from app.web.filter_labels import FILTER_LABELS
from app.web.i18n import LANGUAGES, asked_language, choose_language, environment, translations
from app.web.number_locale import number_locale

_ = marked  # the pages' modules mark their messages with it (pybabel extracts `_`)
TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML = "text/html; charset=utf-8"
LANG_COOKIE = "nrtd_lang"


class Notices(dict[str, str]):
    """The notices by key; each page module adds its own. A key given a second, different message is
    refused when the module is imported: otherwise the last module imported would silently change
    what another page says."""

    def __setitem__(self, key: str, message: str) -> None:
        if self.get(key, message) != message:
            raise ValueError(f"notice {key!r} is already {self[key]!r}: choose another key")
        super().__setitem__(key, message)


# What a page says after a successful POST redirected to it (``?done=<key>``): known keys only, so a
# link cannot make a page say anything else.
NOTICES = Notices(
    {
        "signed-out": _("You are signed out."),
        "session-ended": _("Your session ended. Sign in again to go on."),
        "password-changed": _("Your password is changed. Your other sessions have ended."),
        "saved": _("Your changes are saved."),
    }
)

# The workspace's sections: key, path, label, who sees the link (the pages check roles themselves).
_EVERYONE, _STAFF = EVERYONE, STAFF
NAV: list[tuple[str, str, str, frozenset[str]]] = [
    ("home", "/staff/", _("My work"), _EVERYONE),
    ("recommendations", "/staff/recommendations", _("Recommendations"), _EVERYONE),
    ("review", "/staff/review", _("Review queue"), MANAGERS),
    ("clusters", "/staff/clusters", _("Clusters"), _STAFF),
    ("actions", "/staff/actions", _("Actions"), _STAFF),
    ("progress", "/staff/progress", _("Progress updates"), _STAFF),
    ("values", "/staff/values", _("Indicator values"), _STAFF),
    ("imports", "/staff/imports", _("Imports"), _STAFF),
    ("reports", "/staff/reports", _("Reports and exports"), _STAFF),
    ("calendar", "/staff/calendar", _("Calendar"), _EVERYONE),
    ("entities", "/staff/entities", _("Entities"), MANAGERS),
    ("users", "/staff/users", _("Users"), frozenset({ADMIN})),
    ("api-keys", "/staff/api-keys", _("API keys"), frozenset({ADMIN})),
    ("audit", "/staff/audit", _("Audit log"), MANAGERS),
]

# Staff pages hold internal data: never stored by a browser or a proxy.
NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie, Accept-Language"}


def _language(request: Request) -> tuple[str, bool]:
    """?lang= first (then remembered in a cookie), then the remembered choice, then Accept-Language."""
    asked = asked_language(request.query_params.get("lang"))
    if asked:
        return asked, True
    remembered = known_language(request.cookies.get(LANG_COOKIE) or "", LANGUAGES)  # "es-MX" is es
    if remembered:
        return remembered, False
    lang, _ = choose_language(None, request.headers.get("accept-language"))
    return lang, False


def _answers_get(request: Request, path: str) -> bool:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


def _readable_address(request: Request) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The page a link to "this page" (the language switcher) opens: its own address where it answers a
    GET. A page answering a form (a refusal, a confirmation) at an address that answers no GET leads
    to the page the form was on (the Referer, on this site), or else to the nearest page above."""
    if request.method in ("GET", "HEAD") or _answers_get(request, request.url.path):
        return request.url.path, tuple(request.query_params.multi_items())
    referer = urlsplit(request.headers.get("referer", ""))
    on_this_site = referer.netloc == request.url.netloc and referer.path.startswith("/staff/")
    if on_this_site and _answers_get(request, referer.path):
        return referer.path, tuple(parse_qsl(referer.query))
    path = request.url.path
    while path.count("/") > 2 and not _answers_get(request, path):
        path = path.rsplit("/", 1)[0]
    return (path if _answers_get(request, path) else "/staff/"), ()


def page_language(request: Request) -> str:
    """The language the page answering ``request`` is in (``StaffPage.lang``)."""
    return _language(request)[0]


def page_numbers(request: Request, lang: str | None = None) -> str:
    """The locale the page answering ``request`` reads and writes numbers in (``StaffPage.numbers``):
    its language's, the way of the region ``?lang=`` or the browser names (app.web.number_locale)."""
    named = (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))  # ?lang=, then remembered
    return number_locale(lang or page_language(request), request.headers.get("accept-language"), *named)


@dataclass
class StaffPage:
    """What every staff template sees: language, section, who is signed in, and URL helpers."""

    lang: str
    chose_language: bool
    section: str
    path: str
    query: tuple[tuple[str, str], ...]
    staff: StaffSession | None = None
    demo: bool = False
    notices: list[str] = field(default_factory=list)
    feed_lang: str = "en"  # the language of the labels the feed gives (the first import language)
    numbers: str = ""  # the locale numbers are typed and shown in ("es_MX"): page_numbers

    def __post_init__(self) -> None:
        self.numbers = self.numbers or self.lang

    @classmethod
    def of(cls, request: Request, section: str, staff: StaffSession | None = None) -> StaffPage:
        lang, chose = _language(request)
        settings = getattr(request.app.state, "settings", None)
        notice = NOTICES.get(request.query_params.get("done") or "")
        translate = translations(lang).gettext
        path, query = _readable_address(request)
        return cls(
            lang,
            chose,
            section,
            path,
            query,
            staff=staff,
            demo=bool(settings and settings.demo),
            notices=[translate(notice)] if notice else [],
            feed_lang=settings.languages[0] if settings else "en",
            numbers=page_numbers(request, lang),
        )

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def url(self, path: str, **params: Any) -> str:
        """A link to ``path`` with ``params`` (empty ones dropped; lists repeated)."""
        items: list[tuple[str, str]] = []
        for key, value in params.items():
            values = value if isinstance(value, list | tuple) else [value]
            items.extend((key, str(item)) for item in values if item not in (None, ""))
        return path + ("?" + urlencode(items) if items else "")

    def switch_url(self, lang: str) -> str:
        items = [(key, value) for key, value in self.query if key not in ("lang", "done")]
        return self.path + "?" + urlencode([*items, ("lang", lang)])

    def with_query(self, **changes: Any) -> str:
        """This page's URL with some parameters replaced (None removes one): for pagination and sorting."""
        items = [(key, value) for key, value in self.query if key not in changes and key != "done"]
        for key, value in changes.items():
            values = value if isinstance(value, list | tuple) else [value]
            items.extend((key, str(item)) for item in values if item not in (None, ""))
        return self.path + ("?" + urlencode(items) if items else "")


# The first and last days a date box offers (its min and max): the years the API takes for a date a
# person records (app.core.dates.EnteredDate), so the browser's date picker offers no other.
DATE_RANGE = (EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat())


def html(page: StaffPage, template: str, context: dict[str, Any]) -> str:
    staff = page.staff
    return (
        environment(TEMPLATES, page.lang, page.numbers)
        .get_template(template)
        .render(
            lang=page.lang,
            languages=LANGUAGES,
            page=page,
            url=page.url,
            switch_url=page.switch_url,
            section=page.section,
            demo=page.demo,
            actor=staff.actor if staff else None,
            csrf_field=CSRF_FIELD,
            csrf_token=staff.csrf_token if staff else "",
            form_token_field=once.FIELD,
            new_form_token=once.new_token,
            # A date box's min and max: the years a recorded date may fall in (EnteredDate's).
            date_range=DATE_RANGE,
            notices=page.notices,
            nav=[
                (key, path, page.gettext(label))
                for key, path, label, roles in NAV
                if staff and staff.actor.role in roles
            ],
            **context,
        )
    )


def render(
    request: Request, page: StaffPage, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    response = HTMLResponse(
        html(page, template, context),
        status_code=status,
        headers={**NO_STORE, "Content-Language": page.lang},
    )
    if page.chose_language:
        chosen = page.numbers.replace("_", "-")  # the region too ("es-MX"): its numbers' way
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, path="/staff/", samesite="lax")
    return response


CONFIRMED = "confirmed"  # a destructive step's form carries confirmed=yes once the user said so


def is_confirmed(values: Mapping[str, Any]) -> bool:
    return values.get(CONFIRMED) == "yes"


def confirm_page(
    request: Request,
    page: StaffPage,
    *,
    question: str,
    consequence: str,
    action: str,
    yes: str,
    cancel: str,
    hidden: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A step that cannot be undone, asked once more: ``question`` and what will be lost, a button
    that posts the same form to ``action`` with ``confirmed=yes`` (no script needed), and Cancel
    back to ``cancel``. Texts come translated."""
    context = {
        "question": question,
        "consequence": consequence,
        "action": action,
        "yes": yes,
        "cancel": cancel,
        "hidden": dict(hidden or {}),
    }
    return render(request, page, "confirm.html", context)


def redirect(url: str, request: Request | None = None) -> Response:
    """After a successful POST: see the result with a GET (303), or tell htmx to go there."""
    if request is not None and request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _field_label(field: str, gettext: Callable[[str], str]) -> str:
    return gettext(FILTER_LABELS[field]) if field in FILTER_LABELS else field


def error_page(
    request: Request,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    *,
    typed: list[str] | None = None,
    problem: str = "",
    back: tuple[str, str] | None = None,
) -> Response:
    """The workspace's error page; ``back``: a link (its address and its label, a catalogue message)
    to the page the request came from, beside the one to "My work"."""
    page = StaffPage.of(request, "", getattr(request.state, "staff_session", None))
    _ = page.gettext
    headings = {
        400: _("The request could not be understood"),
        403: _("You may not do this"),
        404: _("Page not found"),
        409: _("This conflicts with what is stored"),
        412: _("Someone else changed this first"),
        413: _("The file is too large"),
        422: _("Some values are not valid"),
        429: _("Too many requests"),
        503: _("The service is busy"),
    }
    if status == 503 and problem == UPGRADE_PENDING:  # the schema is older than this release
        headings[503] = _("The service is being upgraded")
        detail = UPGRADE_MESSAGE
    # A refused filter named as the list's form names it; the reasons say what the detail says, in
    # the page's language, so a 422's detail (the API's English sentence) is left out beside them.
    named = [{**error, "field": _field_label(str(error.get("field")), _)} for error in errors or []]
    body = html(
        page,
        "error.html",
        {
            "status": status,
            "heading": headings.get(status, _("Something went wrong")),
            "detail": "" if named and status == 422 else detail,
            "errors": named,
            "typed": typed or [],
            "back": back,
        },
    )
    return HTMLResponse(body, status_code=status, headers={**NO_STORE, "Content-Language": page.lang})


async def session_ended_page(request: Request) -> Response | None:
    """A form sent after its session ended (idle too long, signed out elsewhere): rather than the
    sign-in form, which lost what was typed (a progress narrative written on a phone), a page that
    says nothing was saved, shows what was typed so it can be copied, and signs in back to the form.
    None for a browser that had no session (no cookie) and for a form with no words typed (a button
    with its hidden ids: sign out, submit, unlink): the sign-in form does then."""
    if SESSION_COOKIE not in request.cookies:
        return None
    typed = await typed_words(request)
    if not typed:
        return None
    page = StaffPage.of(request, "")
    sign_in = "/staff/login?next=" + quote(form_page(request) or "/staff/", safe="/")
    body = html(page, "session_ended.html", {"typed": typed, "sign_in": sign_in})
    return HTMLResponse(body, status_code=401, headers={**NO_STORE, "Content-Language": page.lang})


class StaffRoute(APIRoute):
    """A page's errors as HTML: no session -> the sign-in form; a forced password change -> its form;
    any other refusal -> an error page naming the reason (never JSON in a browser), with the request's
    writes undone and its refusal's audit event kept, as the API's unit of work does."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def html_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                ended = await session_ended_page(request) if request.method not in ("GET", "HEAD") else None
                return ended or redirect(login_url(request), request)
            except PasswordChangeRequired as exc:
                return redirect(exc.headers["Location"], request)
            except StaleFormToken as exc:
                # A page opened before signing in again: what was typed in it is shown, to copy.
                abandon(request, exc)
                return error_page(request, exc.status, exc.detail, typed=await typed_words(request))
            except DomainError as exc:
                abandon(request, exc)
                back = getattr(exc, "back", None)  # a refusal that knows the page to go back to
                response = error_page(request, exc.status, exc.detail, exc.errors, back=back)
                response.headers.update({k: v for k, v in exc.headers.items() if k.lower() == "retry-after"})
                return response
            except RequestValidationError as exc:
                if any(tuple(error["loc"])[:1] == ("path",) for error in exc.errors()):
                    return error_page(request, 404, "")  # /staff/clusters/abc names no page
                errors = [{"field": name, "reason": reason} for name, reason in field_errors(exc).items()]
                return error_page(request, 422, "", errors)
            except ValidationError as exc:
                errors = [{"field": name, "reason": reason} for name, reason in field_errors(exc).items()]
                return error_page(request, 422, "", errors)

        return html_errors


def staff_router() -> APIRouter:
    """A router for one area of the workspace: its pages answer errors in HTML, stay out of the
    OpenAPI document, and are mounted under /staff by ``app.staff.router``."""
    return APIRouter(include_in_schema=False, route_class=StaffRoute)
