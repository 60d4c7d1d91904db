"""Schemathesis on the public routes, anonymously, against a real server.

Driven through hypothesis directly, as tests/test_api_schemathesis.py does (schemathesis' pytest
plugin does not load under pytest 9). The server has a generous rate limit: generated requests
must not throttle each other into 429s. For every /api/v1/public operation, valid and invalid
requests must never give a 5xx, and every response must match the documented status codes,
media types and schemas; invalid input must be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import Engine

from app.core.config import Settings
from tests.apps import committed_client
from tests.conftest import reset_data
from tests.fuzzing import http_session, repeatable
from tests.live_server import live_server
from tests.public.world import World, build_world

pytestmark = pytest.mark.slow
EXAMPLES = 25
PREFIX = "/api/v1/public"


@pytest.fixture(scope="module")
def seeded(migrated_engine: Engine, _run_settings: Settings) -> Iterator[World]:
    # Built through the run's app (tests/apps.py), as the public tests' own world is: an app of its
    # own paid for setting up its routes again.
    with committed_client(_run_settings) as client:
        world = build_world(client, migrated_engine)
    yield world
    reset_data(migrated_engine)


@pytest.fixture(scope="module")
def public_schema(seeded: World, database_url: str) -> Iterator[Any]:
    server_settings = Settings(database_url=database_url, country="Peru", public_rate_limit=10**6)
    with live_server(server_settings) as base_url:
        yield schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with http_session() as session:
        yield session


# Invalid requests are refused by the requests' validation, whichever the database: they are
# sent in one run (the staff API's in the other, tests/test_api_schemathesis.py).
@pytest.mark.parametrize(
    "mode",
    [
        GenerationMode.POSITIVE,
        pytest.param(GenerationMode.NEGATIVE, marks=pytest.mark.database_run("postgresql")),
    ],
    ids=str,
)
def test_public_operations_conform_anonymously(
    public_schema: Any, http: requests.Session, mode: GenerationMode
) -> None:
    """A valid request may still be a 404 (an id that is not published): "valid input is accepted"
    is the one check left out."""
    operations = [
        operation
        for operation in (result.ok() for result in public_schema.get_all_operations())
        if operation.path.startswith(PREFIX)
    ]
    labels = {operation.label for operation in operations}
    assert {
        f"GET {PREFIX}/recommendations",
        f"GET {PREFIX}/feed.atom",
        f"GET {PREFIX}/actions/{{action_id}}",
    } <= labels
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @repeatable(EXAMPLES)
        def check(case: Any) -> None:
            # Anonymous: whatever the generator made up for the security schemes is dropped.
            case.headers = {
                name: value
                for name, value in (case.headers or {}).items()
                if name.lower() not in ("authorization", "x-api-key")
            }
            case.call_and_validate(session=http, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            continue
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are reported
            failures.append(f"{operation.label}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
