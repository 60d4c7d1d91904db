"""Schemathesis against the whole OpenAPI document, once per role and anonymously.

A real uvicorn server on 127.0.0.1 serves the app on the test database, seeded with
recommendations, entities, a cluster and an action. For every operation and every role, generated
requests (valid and invalid; drawn once per operation and mode, then sent by every role) must never
give a 5xx, every response must match the documented status codes, media types and schemas, and
invalid input must be rejected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
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
from tests import accounts
from tests.conftest import reset_data
from tests.factories import import_records, record
from tests.fuzzing import http_session, repeatable
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
def api_schema(seeded: dict[str, dict[str, str]], database_url: str, storage_dir: Path) -> Iterator[Any]:
    # Generous limits: generated requests must not throttle each other into 429s (which the
    # client would wait out, per Retry-After).
    server_settings = Settings(
        database_url=database_url,
        country="Peru",
        login_max_failures=10**6,
        login_max_failures_per_ip=10**6,
        public_rate_limit=10**6,
        storage_dir=str(storage_dir),
    )
    with live_server(server_settings) as base_url:
        yield schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with http_session() as session:
        yield session


Drawn = list[tuple[Any, dict[str, Any]]]
Cases = dict[tuple[str, GenerationMode], Drawn | None]


@pytest.fixture(scope="module")
def generated() -> Cases:
    """Each operation's generated cases per mode, drawn once and sent by every role.

    Generation is derandomized, so every role was sent the same cases when each drew its own; drawing
    them took most of the run's time. ``None``: no such case exists (an operation without parameters
    has no invalid request).

    Keyed by label, and also by the parameters of an operation without a body (``_shape``) once no
    case of that shape was found: the generator draws from the parameters' definitions alone, so an
    operation with the same ones has none either. Finding none takes the generator some 460 rejected
    drafts (a third of a second); eight operations whose one parameter is the optional API-key header
    made that three seconds of a run for the same answer."""
    return {}


def _shape(operation: Any) -> str | None:
    """What an operation's cases are drawn from, if that is its parameters alone (no body)."""
    if operation.body:
        return None
    return json.dumps([parameter.definition for parameter in operation.iter_parameters()], sort_keys=True)


def _cases(generated: Cases, operation: Any, mode: GenerationMode) -> Drawn | None:
    """The operation's cases in ``mode``, each with the headers the generator made for it."""
    key = (operation.label, mode)
    shape = _shape(operation)
    if key not in generated and shape is not None and generated.get((shape, mode), []) is None:
        generated[key] = None  # an operation of the same shape had no such case
    if key not in generated:
        drawn: Drawn = []

        @given(case=operation.as_strategy(generation_mode=mode))
        @repeatable(EXAMPLES)
        def draw(case: Any) -> None:
            drawn.append((case, dict(case.headers or {})))

        try:
            draw()
        except Unsatisfiable:
            generated[key] = None
            if shape is not None:
                generated[(shape, mode)] = None
        else:
            generated[key] = drawn
    return generated[key]


# Valid requests are sent by every role (what each may see and do differs); invalid ones by the
# admin, who reaches every operation's validation, and by the reader, whose list and detail are
# answered through the public view's own parameters. For the others an invalid request meets the
# same validation as the admin's, or their refusal (401, 403), which the valid cases already reach.
# Valid requests reach the database with whatever values the schema allows: the admin's, which
# reach every operation, are sent in both runs; another role's differ from them in what the role
# may see and do, not in how each database reads them, so each role sends in one run. Invalid
# requests are refused by the requests' validation, whichever the database: they are sent in the
# SQLite run only (the public API's in the PostgreSQL run).
_RUN = {"coordinator": "postgresql", "focal_point": "postgresql", "reader": "sqlite", "anonymous": "sqlite"}
MATRIX = [
    pytest.param(
        role,
        GenerationMode.POSITIVE,
        id=f"{role}-positive",
        marks=[pytest.mark.database_run(_RUN[role])] if role in _RUN else [],
    )
    for role in ROLES
] + [
    pytest.param(
        role, GenerationMode.NEGATIVE, id=f"{role}-negative", marks=pytest.mark.database_run("sqlite")
    )
    for role in ("admin", "reader")
]


@pytest.mark.parametrize(("role", "mode"), MATRIX)
def test_every_operation_conforms(
    api_schema: Any,
    seeded: dict[str, dict[str, str]],
    generated: Cases,
    http: requests.Session,
    role: str,
    mode: GenerationMode,
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
        try:
            cases = _cases(generated, operation, mode)
            if cases is None:
                continue  # no invalid request exists for an operation without parameters
            assert cases, f"no case generated for {operation.label}"
            for case, generated_headers in cases:
                # Our credentials replace whatever the generator made up for the security schemes.
                case.headers = {
                    name: value
                    for name, value in generated_headers.items()
                    if name.lower() not in ("authorization", "x-api-key")
                }
                case.call_and_validate(
                    session=http, headers=seeded[role], excluded_checks=[positive_data_acceptance]
                )
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are reported
            failures.append(f"{operation.label}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
