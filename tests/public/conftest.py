"""Clients on the app for the public API tests, with settings of the test's choosing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import app_for
from tests.public.world import World, build_world

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, engine: Engine) -> Iterator[MakeClient]:
    """``make_client(**settings)``: a client without credentials on an app with those settings."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        client = TestClient(app_for(settings.model_copy(update=overrides)))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def public(make_client: MakeClient) -> TestClient:
    """An anonymous client with the default settings (NRTD_PUBLIC_ACCESS=open)."""
    return make_client()


@pytest.fixture
def world(public: TestClient, engine: Engine) -> World:
    return build_world(public, engine)
