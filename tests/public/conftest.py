"""Clients on the app for the public API tests, with settings of the test's choosing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import committed_client
from tests.conftest import MakeApp, ModuleWorld
from tests.public.world import World, build_world

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(make_app: MakeApp) -> Iterator[MakeClient]:
    """``make_client(**settings)``: a client without credentials on an app with those settings,
    in the test's mode (``make_app``)."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        client = TestClient(make_app(**overrides))
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


def _build(settings: Settings, engine: Engine) -> World:
    with committed_client(settings) as client:
        return build_world(client, engine)


@pytest.fixture
def world(module_world: ModuleWorld, settings: Settings, migrated_engine: Engine) -> World:
    """The module's world, committed once (through the real import and the staff API)."""
    return module_world(_build, settings, migrated_engine)
