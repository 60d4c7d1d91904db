"""One app per distinct settings, shared by the tests of a run.

Building the app is cheap, but its first request pays for FastAPI's route setup (about 80 ms);
a thousand tests each on a new app spent minutes on it. Apps are kept per settings; what a test
may change between requests (the public rate limiter's buckets) is reset when it is handed out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

_apps: dict[str, FastAPI] = {}


def app_for(settings: Settings) -> FastAPI:
    key = settings.model_dump_json()
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = create_app(settings)
    app.state.public_limiter.reset()
    return app


def dispose_all() -> None:
    for app in _apps.values():
        app.state.engine.dispose()
        app.state.public_limiter.close()
    _apps.clear()


@contextmanager
def committed_client(settings: Settings) -> Iterator[TestClient]:
    """A client on the run's app for these settings, not bound to a test's connection: what it writes is
    committed (a module's world built through the staff API). Not an app of its own: setting up one's
    routes costs a second."""
    app = app_for(settings)
    assert not app.dependency_overrides, "a module's world is built before any test binds the app"
    with TestClient(app) as client:
        yield client
