"""HTTP clients on the app, bound to the test database.

``client`` is logged in as a coordinator (most API tests are about what staff see);
``anonymous_client`` carries no credentials; ``headers_for`` gives other roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.apps import app_for


@pytest.fixture
def anonymous_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app on the test database; ``engine`` (the fixture) empties the database afterwards."""
    with TestClient(app_for(settings)) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous_client: TestClient, engine: Engine) -> TestClient:
    anonymous_client.headers.update(accounts.headers_for(engine, "coordinator"))
    return anonymous_client


@pytest.fixture
def headers_for(engine: Engine) -> Callable[..., dict[str, str]]:
    """``headers_for(role, entity_id=None)``: Authorization headers of a new user."""

    def make(role: str, entity_id: int | None = None) -> dict[str, str]:
        return accounts.headers_for(engine, role, entity_id=entity_id)

    return make
