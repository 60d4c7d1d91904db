"""One app per distinct settings, shared by the tests of a run.

Building the app is cheap, but its first request pays for FastAPI's route setup (a third of a
second of a core); a thousand tests each on a new app spent minutes on it. Apps are kept per the
settings they are built from; what a test may change between requests (the public rate limiter's
buckets) is reset when it is handed out.

The settings the app reads per request (``request.app.state.settings``, as a server does with its
one set) are the test's own: an app whose other settings are the same is handed out with them in
its state, rather than a new app built for each value of, say, ``public_access``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

# Settings read only from the app's state, per request, by the code that uses them (never when the
# app, its middleware, engine, rate limiter or export slots are built): two apps differing only in
# these behave as one app whose state holds each in turn. Any other setting gives an app of its own.
PER_REQUEST = frozenset(
    {
        "public_access",  # app.auth.deps.public_caller
        "site_name",  # app.core.publisher.Publisher.of, by request
        "publisher",
        "contact_email",
        "contact_url",
        "data_licence",
        "data_licence_url",
        "base_url",  # app.core.deps.site_address
        "accessibility_statement",  # app.portal.accessibility
        "demo",  # the pages' banner
        # The staff page's scheduled import hands the request's settings to the importer.
        "uhri_url",
        "uhri_languages",  # and the pages' and reports' label language (Settings.languages)
        "http_timeout",
        "http_retries",
        "staff_session_idle_minutes",  # app.staff.session
        "staff_cookie_secure",
        "login_max_failures",  # app.auth.throttle, given the request's settings
        "stats_timeout",  # the statistics routes' AppSettings
        "export_cache_dir",  # app.exports.sending._cache
    }
)

_apps: dict[str, list[FastAPI]] = {}
# The apps whose connections stay open between tests, the one handed out last at the end. A client's
# exit runs the app's lifespan, which closes the app's connections (a server's last act:
# tests/cli/test_cli_serve_stop.py checks it); the run's apps close theirs when they have not been
# handed out for a while instead (or at the end of the run), so the next test's requests reuse
# them: a new PostgreSQL connection costs some 10 ms, twice a test when each test closed them.
_open: OrderedDict[int, FastAPI] = OrderedDict()
KEPT_OPEN = 4
# The apps handed out in the running test, with the per-request settings each was handed out with:
# an app is not handed out again in the same test with other ones (the test may still use the first
# client), another app of the same build is.
_lent: dict[int, str] = {}


def _key(settings: Settings) -> str:
    return settings.model_dump_json(exclude=set(PER_REQUEST))


def app_for(settings: Settings) -> FastAPI:
    lent_as = settings.model_dump_json(include=set(PER_REQUEST))
    built = _apps.setdefault(_key(settings), [])
    app = next((app for app in built if _lent.get(id(app), lent_as) == lent_as), None)
    if app is None:
        app = create_app(settings)
        app.router.lifespan_context = _connections_kept
        built.append(app)
    else:
        # The test's settings, as create_app keeps them (the country's everyday name resolved: the
        # same for every app of this build).
        resolved = {"country": app.state.settings.country}
        app.state.settings = settings.model_copy(update=resolved) if settings.country else settings
    _lent[id(app)] = lent_as
    _keep_open(app)
    app.state.public_limiter.reset()
    return app


@asynccontextmanager
async def _connections_kept(app: FastAPI) -> AsyncIterator[None]:
    """The lifespan of the run's apps: their connections are closed by ``_keep_open``."""
    yield


def _close_connections(app: FastAPI) -> None:
    """What the app's own lifespan does when it ends (app.main._closing_connections)."""
    app.state.engine.dispose()
    app.state.public_limiter.close()


def _keep_open(app: FastAPI) -> None:
    _open[id(app)] = app
    _open.move_to_end(id(app))
    while len(_open) > KEPT_OPEN:
        _close_connections(_open.popitem(last=False)[1])


def new_test() -> None:
    """The running test has been handed no app yet."""
    _lent.clear()


def dispose_all() -> None:
    for built in _apps.values():
        for app in built:
            _close_connections(app)
    _apps.clear()
    _open.clear()


@contextmanager
def committed_client(settings: Settings) -> Iterator[TestClient]:
    """A client on the run's app for these settings, not bound to a test's connection: what it writes is
    committed (a module's world built through the staff API). Not an app of its own: setting up one's
    routes costs a second."""
    lent_before = set(_lent)
    app = app_for(settings)
    assert not app.dependency_overrides, "a module's world is built before any test binds the app"
    try:
        with TestClient(app) as client:
            yield client
    finally:
        if id(app) not in lent_before:
            del _lent[id(app)]  # done with: the test whose setup built the world may take it as it likes
