"""The authorization matrix: one table of role x route x entity -> expected status, run for real.

Columns:
  admin, coord      an admin and a coordinator, acting on entity A's objects
  fp_own            a focal point of entity A, acting on entity A's objects
  fp_other          the same focal point, acting on entity B's objects
  fp_none           a focal point with no entity, acting on entity A's objects
  reader            a reader, acting on entity A's objects
  anon              no credentials

The world (two entities, their actions, indicators, progress in every state and evidence files, a
cluster, recommendations, a follow-up selection: tests/auth/authz_world.py, which also says each
route's concrete request) is committed once for the module; each route runs on it inside rolled-back
transactions. Refusals are checked first, in one transaction, and must write nothing but their
audit event; every expected success that writes then runs in a transaction of its own. A route
the app serves but the table lacks (or the reverse) fails the test. The public routes
(/api/v1/public/...) need no account; tests/public covers who may read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.exports.schemas import RecommendationFacets
from app.models import AuditEvent, Recommendation
from app.public.schemas import PublicRecommendationDetail, PublicRecommendationPage
from tests.apps import app_for
from tests.auth.authz_world import Call, World, build_world, call_for
from tests.conftest import ModuleWorld, bound, rolled_back
from tests.factories import import_records, record

COLUMNS = ("admin", "coord", "fp_own", "fp_other", "fp_none", "reader", "anon")

# method path -> expected status per column, in COLUMNS order.
MATRIX = """
POST   /api/v1/auth/token                                  200 200 200 200 200 200 200
POST   /api/v1/auth/logout                                 204 204 204 204 204 204 401
GET    /api/v1/me                                          200 200 200 200 200 200 401
GET    /api/v1/me/reminders                                200 200 200 200 200 200 401
PUT    /api/v1/me/reminders                                200 200 200 200 200 200 401
POST   /api/v1/me/password                                 204 204 204 204 204 204 401
GET    /api/v1/users                                       200 403 403 403 403 403 401
POST   /api/v1/users                                       201 403 403 403 403 403 401
GET    /api/v1/users/{user_id}                             200 403 403 403 403 403 401
PATCH  /api/v1/users/{user_id}                             200 403 403 403 403 403 401
GET    /api/v1/api-keys                                    200 403 403 403 403 403 401
POST   /api/v1/api-keys                                    201 403 403 403 403 403 401
POST   /api/v1/api-keys/{key_id}/revoke                    200 403 403 403 403 403 401
GET    /api/v1/entities                                    200 200 200 200 200 403 401
POST   /api/v1/entities                                    201 201 403 403 403 403 401
GET    /api/v1/entities/{entity_id}                        200 200 200 200 200 403 401
PATCH  /api/v1/entities/{entity_id}                        200 200 403 403 403 403 401
GET    /api/v1/recommendations                             200 200 200 200 200 200 401
GET    /api/v1/recommendations/facets                      200 200 200 200 200 200 401
POST   /api/v1/recommendations                             201 201 403 403 403 403 401
POST   /api/v1/recommendations/bulk                        200 200 403 403 403 403 401
POST   /api/v1/recommendations/reviewed                    200 200 403 403 403 403 401
POST   /api/v1/recommendations/publish                     200 200 403 403 403 403 401
GET    /api/v1/recommendations/{recommendation_id}         200 200 200 200 200 200 401
PATCH  /api/v1/recommendations/{recommendation_id}         200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/archive 200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/unarchive 200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/publish 200 200 403 403 403 403 401
GET    /api/v1/recommendations/{recommendation_id}/follow-up 200 200 200 200 200 403 401
PUT    /api/v1/recommendations/{recommendation_id}/follow-up 200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/follow-up/grades 201 201 403 403 403 403 401
GET    /api/v1/follow-up                                   200 200 200 200 200 403 401
GET    /api/v1/follow-up/grades                            200 200 200 200 200 403 401
GET    /api/v1/recommendations/{recommendation_id}/similar 200 200 200 200 200 403 401
GET    /api/v1/clusters                                    200 200 200 200 200 403 401
POST   /api/v1/clusters                                    201 201 403 403 403 403 401
GET    /api/v1/clusters/{cluster_id}                       200 200 200 200 200 403 401
PATCH  /api/v1/clusters/{cluster_id}                       200 200 403 403 403 403 401
GET    /api/v1/clusters/{cluster_id}/recommendations       200 200 200 200 200 403 401
POST   /api/v1/clusters/{cluster_id}/recommendations       200 200 403 403 403 403 401
DELETE /api/v1/clusters/{cluster_id}/recommendations       200 200 403 403 403 403 401
GET    /api/v1/actions                                     200 200 200 200 200 403 401
POST   /api/v1/actions                                     201 201 403 403 403 403 401
GET    /api/v1/actions/{action_id}                         200 200 200 200 200 403 401
PATCH  /api/v1/actions/{action_id}                         200 200 200 403 403 403 401
GET    /api/v1/actions/{action_id}/indicators              200 200 200 200 200 403 401
POST   /api/v1/actions/{action_id}/indicators              201 201 201 403 403 403 401
GET    /api/v1/indicators/{indicator_id}                   200 200 200 200 200 403 401
PATCH  /api/v1/indicators/{indicator_id}                   200 200 200 403 403 403 401
GET    /api/v1/indicators/{indicator_id}/values            200 200 200 200 200 403 401
POST   /api/v1/indicators/{indicator_id}/values            201 201 201 403 403 403 401
GET    /api/v1/indicator-values                            200 200 200 200 200 403 401
GET    /api/v1/indicator-values/{value_id}                 200 200 200 404 404 403 401
PATCH  /api/v1/indicator-values/{value_id}                 200 200 200 404 404 403 401
DELETE /api/v1/indicator-values/{value_id}                 204 204 204 404 404 403 401
POST   /api/v1/indicator-values/{value_id}/corrections     201 201 201 403 403 403 401
POST   /api/v1/indicator-values/{value_id}/submit          200 200 200 404 404 403 401
POST   /api/v1/indicator-values/{value_id}/approve         200 200 403 403 403 403 401
POST   /api/v1/indicator-values/{value_id}/return          200 200 403 403 403 403 401
GET    /api/v1/actions/{action_id}/progress                200 200 200 403 403 403 401
POST   /api/v1/actions/{action_id}/progress                201 201 201 403 403 403 401
GET    /api/v1/progress/{progress_id}                      200 200 200 404 404 403 401
PATCH  /api/v1/progress/{progress_id}                      200 200 200 404 404 403 401
DELETE /api/v1/progress/{progress_id}                      204 204 204 404 404 403 401
POST   /api/v1/progress/{progress_id}/submit               200 200 200 404 404 403 401
POST   /api/v1/progress/{progress_id}/approve              200 200 403 403 403 403 401
POST   /api/v1/progress/{progress_id}/return               200 200 403 403 403 403 401
POST   /api/v1/progress/{progress_id}/publish              200 200 403 403 403 403 401
POST   /api/v1/progress/{progress_id}/unpublish            200 200 403 403 403 403 401
GET    /api/v1/progress                                    200 200 200 200 200 403 401
POST   /api/v1/progress/approve                            200 200 403 403 403 403 401
POST   /api/v1/progress/return                             200 200 403 403 403 403 401
GET    /api/v1/progress/{progress_id}/evidence             200 200 200 404 404 403 401
POST   /api/v1/progress/{progress_id}/evidence             201 201 201 404 404 403 401
GET    /api/v1/evidence/{evidence_id}                      200 200 200 404 404 403 401
GET    /api/v1/evidence/{evidence_id}/content              200 200 200 404 404 403 401
DELETE /api/v1/evidence/{evidence_id}                      204 204 204 404 404 403 401
GET    /api/v1/audit                                       200 200 403 403 403 403 401
GET    /api/v1/taxonomies/{kind}                           200 200 200 200 200 200 401
GET    /api/v1/import-runs                                 200 200 200 200 200 403 401
GET    /api/v1/import-runs/{run_id}                        200 200 200 200 200 403 401
GET    /api/v1/import-template.csv                         200 200 200 200 200 403 401
GET    /api/v1/reports/implementation                      200 200 200 200 200 403 401
GET    /api/v1/recommendations/{recommendation_id}/sources 200 200 200 200 200 403 401
POST   /api/v1/recommendations/{recommendation_id}/sources/{other_id}/link 200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/sources/{other_id}/unlink 200 200 403 403 403 403 401
POST   /api/v1/recommendations/{recommendation_id}/sources/settle 422 422 403 403 403 403 401
GET    /api/v1/reports/template                            200 200 200 200 200 403 401
PUT    /api/v1/reports/template                            200 200 403 403 403 403 401
DELETE /api/v1/reports/template                            204 204 403 403 403 403 401
GET    /api/v1/exports/recommendations.csv                 200 200 200 200 200 403 401
GET    /api/v1/exports/recommendations.xlsx                200 200 200 200 200 403 401
GET    /api/v1/exports/recommendations.json                200 200 200 200 200 403 401
GET    /api/v1/stats                                       200 200 200 200 200 403 401
GET    /api/v1/deadlines                                   200 200 200 200 200 403 401
POST   /api/v1/deadlines                                   201 201 403 403 403 403 401
GET    /api/v1/deadlines/{deadline_id}                     200 200 200 404 404 403 401
PATCH  /api/v1/deadlines/{deadline_id}                     200 200 403 403 403 403 401
DELETE /api/v1/deadlines/{deadline_id}                     204 204 403 403 403 403 401
POST   /api/v1/deadlines/publications                      204 204 403 403 403 403 401
POST   /api/v1/deadlines/sent                              204 204 403 403 403 403 401
GET    /api/v1/me/calendar-token                           200 200 200 200 200 200 401
POST   /api/v1/me/calendar-token                           200 200 200 200 200 200 401
DELETE /api/v1/me/calendar-token                           404 404 404 404 404 404 401
GET    /api/v1/calendar.ics                                422 422 422 422 422 422 422
"""


def _table() -> dict[tuple[str, str], dict[str, int]]:
    table: dict[tuple[str, str], dict[str, int]] = {}
    for line in MATRIX.strip().splitlines():
        method, path, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        table[(method, path)] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return table


TABLE = _table()


def _openapi_routes(settings: Settings) -> set[tuple[str, str]]:
    paths = app_for(settings).openapi()["paths"]
    # The public routes need no account at all: tests/public covers who may read them.
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if path.startswith("/api/v1") and not path.startswith("/api/v1/public/")
    }


def test_every_route_is_in_the_matrix(own_database: str) -> None:
    served = _openapi_routes(Settings(database_url=own_database, country="Peru"))
    assert served - TABLE.keys() == set(), "routes missing from the authorization matrix"
    assert TABLE.keys() - served == set(), "the matrix lists routes the app does not serve"


def _request(
    client: TestClient, method: str, call: Call, headers: dict[str, str], admin: dict[str, str]
) -> int:
    send = dict(headers)
    if call.etag_from:
        etag = client.get(call.etag_from, headers=admin).headers.get("ETag")
        assert etag, f"no ETag on GET {call.etag_from}"
        send["If-Match"] = etag
    if call.files is not None:
        response = client.request(method, call.path, files=call.files, headers=send)
    elif call.form is not None:
        response = client.request(method, call.path, data=call.form, headers=send)
    else:
        response = client.request(method, call.path, json=call.body, headers=send)
    status: int = response.status_code
    return status


def _denials(conn: Connection) -> int:
    with Session(conn) as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "authz.denied")
            )
            or 0
        )


@contextmanager
def _transaction(client: TestClient, engine: Engine, world: World, template: str) -> Iterator[Connection]:
    """A rolled-back transaction the client's app works in, the world put in the state the route
    needs (an archived recommendation to unarchive)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    with rolled_back(engine) as conn, bound(app, conn):
        if template.endswith("/unarchive"):
            response = client.post(
                f"/api/v1/recommendations/{world.ids['manual']}/archive", headers=world.headers["admin"]
            )
            assert response.status_code == 200, response.text
        yield conn


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine, storage_dir: Path) -> World:
    """The module's world, committed once."""
    return module_world(build_world, migrated_engine, storage_dir)


@pytest.mark.parametrize(("method", "template"), sorted(TABLE), ids=lambda value: str(value))
def test_route(settings: Settings, migrated_engine: Engine, world: World, method: str, template: str) -> None:
    expected = TABLE[(method, template)]
    with TestClient(app_for(settings)) as client:
        # Refusals first, all in one transaction: each must write nothing but its audit event.
        with _transaction(client, migrated_engine, world, template) as conn:
            for column in COLUMNS:
                if expected[column] < 400:
                    continue
                side = "other" if column == "fp_other" else "own"
                denials = _denials(conn)
                call = call_for(method, template, world, side)
                status = _request(client, method, call, world.headers[column], world.headers["admin"])
                assert status == expected[column], f"{column}: {method} {call.path} gave {status}"
                if status == 403:
                    assert _denials(conn) == denials + 1, f"{column}: no authz.denied audit event"
        # Each success in a transaction of its own.
        for column in COLUMNS:
            if expected[column] >= 400:
                continue
            side = "other" if column == "fp_other" else "own"
            call = call_for(method, template, world, side)
            with _transaction(client, migrated_engine, world, template):
                status = _request(client, method, call, world.headers[column], world.headers["admin"])
            assert status == expected[column], f"{column}: {method} {call.path} gave {status}"


# What a reader's 200 may hold, per GET route: the public allowlist (extra keys forbidden), or the
# reader's own account. A route added with a reader 200 must say here what it shows.
READER_VIEWS: dict[str, type[BaseModel] | None] = {
    "/api/v1/recommendations": PublicRecommendationPage,
    "/api/v1/recommendations/facets": RecommendationFacets,  # counts of published data (below)
    "/api/v1/recommendations/{recommendation_id}": PublicRecommendationDetail,
    "/api/v1/taxonomies/{kind}": None,  # labels and counts of current recommendations (below)
    "/api/v1/me": None,  # the reader's own account
    "/api/v1/me/calendar-token": None,  # whether the reader has a calendar feed (tests/deadlines)
    "/api/v1/me/reminders": None,  # the reader's own digest settings (docs/reminders.md)
}


def test_a_reader_sees_only_published_data(world: World, engine: Engine, settings: Settings) -> None:
    """Committed mode: the withdrawn recommendation comes through a real import."""
    reader_routes = {
        path for (method, path), row in TABLE.items() if method == "GET" and row["reader"] == 200
    }
    assert reader_routes == READER_VIEWS.keys(), "say what a reader may see on each route it reaches"
    import_records(engine, [record("az-gone", "<p>1. Gone.</p>", themes=["Only withdrawn qz"])])
    with Session(engine) as session, session.begin():
        gone = session.scalars(select(Recommendation).where(Recommendation.external_id == "az-gone")).one()
        gone.withdrawn, gone.withdrawn_at, gone.needs_review = True, datetime.now(UTC), True
        gone_id = gone.id
    reader = world.headers["reader"]
    with TestClient(app_for(settings)) as client:
        for template, model in READER_VIEWS.items():
            if model is None:
                continue
            response = client.get(call_for("GET", template, world, "own").path, headers=reader)
            assert response.status_code == 200, response.text
            model.model_validate(response.json())  # extra="forbid": a staff-only key fails here
        listed = client.get("/api/v1/recommendations", params={"limit": 200}, headers=reader).json()
        assert gone_id not in [item["id"] for item in listed["items"]]
        assert client.get(f"/api/v1/recommendations/{gone_id}", headers=reader).status_code == 404
        assert (
            client.get(f"/api/v1/recommendations/{gone_id}", headers=world.headers["coord"]).status_code
            == 200
        )
        counted = client.get("/api/v1/recommendations/facets", headers=reader).json()["theme"]
        assert "Only withdrawn qz" not in [bucket["value"] for bucket in counted]
        themes = client.get("/api/v1/taxonomies/themes", headers=reader).json()["items"]
        assert "Only withdrawn qz" not in [theme["label"] for theme in themes]
        assert themes and all(theme["count"] > 0 for theme in themes)
        staff_themes = client.get("/api/v1/taxonomies/themes", headers=world.headers["coord"]).json()
        assert "Only withdrawn qz" in [theme["label"] for theme in staff_themes["items"]]
        for query in ({"withdrawn": "true"}, {"needs_review": "true"}):
            assert client.get("/api/v1/recommendations", params=query, headers=reader).status_code == 403
