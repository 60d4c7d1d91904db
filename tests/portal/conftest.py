"""Fixtures of the portal tests: the seeded world, and an anonymous client on the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import MakeApp, ModuleWorld
from tests.portal.seed import Seeded, seed


@pytest.fixture
def seeded(module_world: ModuleWorld, migrated_engine: Engine) -> Seeded:
    """The module's world, committed once."""
    return module_world(seed, migrated_engine)


@pytest.fixture
def portal(make_app: MakeApp) -> Iterator[TestClient]:
    """An anonymous browser-like client (no credentials, English unless a test asks otherwise)."""
    with TestClient(make_app()) as client:
        yield client
