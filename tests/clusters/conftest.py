"""Fixtures of the cluster API's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.factories import ids_by_external_id, import_records, record


@pytest.fixture
def rec_ids(engine: Engine) -> list[int]:
    import_records(engine, [record(f"r{n}") for n in range(5)])
    ids = ids_by_external_id(engine)
    return sorted(ids[f"r{n}"] for n in range(5))
