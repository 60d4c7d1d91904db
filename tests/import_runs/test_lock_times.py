"""The import lock's refusal says until when the lease is held in the instance's zone, named: the
``nrtd`` commands and the staff upload form said it in UTC where the instance has NRTD_TIME_ZONE."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from app.core.errors import ImportLocked
from app.core.time_zone import in_zone
from app.import_runs.lock import import_lock
from app.models import ImportLease


def test_the_lease_end_is_said_in_the_instance_zone(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's advisory lock has no lease, nor an end")
    with import_lock(engine, ttl_seconds=3600):
        with engine.connect() as conn:
            expires = conn.execute(select(ImportLease.expires_at)).scalar_one()
        lima = (expires if expires.tzinfo else expires.replace(tzinfo=UTC)).astimezone(
            ZoneInfo("America/Lima")
        )
        with (
            in_zone("America/Lima"),
            pytest.raises(ImportLocked) as refused,
            import_lock(engine, ttl_seconds=60),
        ):
            pass
    assert f"until {lima:%Y-%m-%d %H:%M} America/Lima)" in str(refused.value)
    assert "UTC" not in str(refused.value)
