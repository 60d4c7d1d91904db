"""Every timestamp the API returns carries an offset (UTC), whatever the database hands back: SQLite
gives naive values for every column, PostgreSQL for ``uhri_published_at`` (a timestamp as UHRI gives it)."""

from __future__ import annotations

import re
import types
from datetime import datetime
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import AfterValidator, BaseModel
from sqlalchemy import Engine

from app.core.timestamps import UtcDateTime
from app.main import create_app
from tests.factories import ids_by_external_id, import_records, record

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


# The validator every UtcDateTime field carries.
_UTC: AfterValidator = get_args(UtcDateTime)[1]


def _naive_fields(tp: Any, where: str, metadata: tuple[Any, ...], seen: set[type]) -> list[str]:
    """The places under ``tp`` holding a ``datetime`` that is not turned into UTC on the way out."""
    if get_origin(tp) is Annotated:
        inner, *more = get_args(tp)
        return _naive_fields(inner, where, (*metadata, *more), seen)
    if tp is datetime:
        utc = any(isinstance(m, AfterValidator) and m.func is _UTC.func for m in metadata)
        return [] if utc else [where]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return []
        seen.add(tp)
        found: list[str] = []
        for name, field in tp.model_fields.items():
            found += _naive_fields(field.annotation, f"{tp.__name__}.{name}", tuple(field.metadata), seen)
        return found
    if get_origin(tp) in (Union, types.UnionType, list, dict, tuple, set, frozenset):
        return [bad for arg in get_args(tp) for bad in _naive_fields(arg, where, (), seen)]
    return []


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """The app's routes, those of included routers too (FastAPI keeps them in the router included)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def test_every_datetime_of_every_response_model_is_utc() -> None:
    seen: set[type] = set()
    naive: list[str] = []
    for route in _api_routes(create_app().routes):
        if route.response_model is not None:
            naive += _naive_fields(route.response_model, route.path, (), seen)
    assert len(seen) > 50  # the walk reached the API's models
    assert naive == []


def _times(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for item in value.values() for t in _times(item)]
    if isinstance(value, list):
        return [t for item in value for t in _times(item)]
    return [value] if isinstance(value, str) and ISO_TIME.match(value) else []


def test_uhri_published_at_has_an_offset(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record("T1", uhri_published_at=datetime(2025, 3, 3, 10, 53, 45, 827000))])
    rec_id = ids_by_external_id(engine)["T1"]
    detail = client.get(f"/api/v1/recommendations/{rec_id}")
    assert detail.status_code == 200
    assert detail.json()["uhri_published_at"] in ("2025-03-03T10:53:45.827000Z", "2025-03-03T10:53:45.827Z")
    listed = client.get("/api/v1/recommendations").json()
    times = _times(detail.json()) + _times(listed)
    assert len(times) >= 5  # created_at, updated_at, revisions' changed_at ...
    assert [t for t in times if not OFFSET.search(t)] == []
