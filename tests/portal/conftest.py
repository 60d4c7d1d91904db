"""Fixtures of the portal tests: the seeded world, and an anonymous client on the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import app_for
from tests.portal.seed import Seeded, seed


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed(engine)


@pytest.fixture
def portal(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An anonymous browser-like client (no credentials, English unless a test asks otherwise)."""
    with TestClient(app_for(settings)) as client:
        yield client
