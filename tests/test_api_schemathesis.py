"""Schemathesis against the whole OpenAPI document, once per role and anonymously.

A real uvicorn server on 127.0.0.1 serves the app on the test database, seeded with
recommendations, entities, a cluster and an action. For every operation and every role, generated
requests (valid and invalid) must never give a 5xx, every response must match the documented
status codes, media types and schemas, and invalid input must be rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import Engine

from app.core.config import Settings
from tests import accounts
from tests.conftest import reset_data
from tests.factories import import_records, record
from tests.live_server import live_server

# Generated requests per operation, role and mode: enough to reach every parameter.
pytestmark = pytest.mark.slow
EXAMPLES = 5
ROLES = ("admin", "coordinator", "focal_point", "reader", "anonymous")


@pytest.fixture(scope="module")
def seeded(migrated_engine: Engine, database_url: str) -> Iterator[dict[str, dict[str, str]]]:
    import_records(
        migrated_engine,
        [
            record(
                f"st-{n}",
                f"<p>{n}. Ensure access to education and health for children, paragraph {n}.</p>",
                themes=["Right to education"],
                sdgs=["4.1"],
                countries=["Peru"],
            )
            for n in range(1, 6)
        ],
    )
    entity = accounts.create_entity(migrated_engine, "Ministry of Schemas")
    headers = {
        role: accounts.headers_for(migrated_engine, role, entity_id=entity if role == "focal_point" else None)
        for role in ROLES
        if role != "anonymous"
    }
    headers["anonymous"] = {}
    yield headers
    reset_data(migrated_engine)


@pytest.fixture(scope="module")
def api_schema(seeded: dict[str, dict[str, str]], database_url: str) -> Iterator[Any]:
    # Generous limits: generated requests must not throttle each other into 429s (which the
    # client would wait out, per Retry-After).
    server_settings = Settings(
        database_url=database_url,
        country="Peru",
        login_max_failures=10**6,
        login_max_failures_per_ip=10**6,
        public_rate_limit=10**6,
    )
    with live_server(server_settings) as base_url:
        yield schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms(
    api_schema: Any, seeded: dict[str, dict[str, str]], role: str, mode: GenerationMode
) -> None:
    """Valid input may still be refused: 403 for a role, 404 for an id that does not exist, 412/428
    for a write without the current ETag; so "valid input is accepted" is the one check left out."""
    failures: list[str] = []
    # Logging out would revoke the token the other operations run with (tests/auth/test_auth.py).
    operations = [
        operation
        for operation in (result.ok() for result in api_schema.get_all_operations())
        if operation.label != "POST /api/v1/auth/logout"
    ]
    assert len(operations) > 50
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            # Our credentials replace whatever the generator made up for the security schemes.
            headers = {
                name: value
                for name, value in (case.headers or {}).items()
                if name.lower() not in ("authorization", "x-api-key")
            }
            case.headers = headers
            case.call_and_validate(headers=seeded[role], excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            continue  # no invalid request exists for an operation without parameters
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are reported
            failures.append(f"{operation.label}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
