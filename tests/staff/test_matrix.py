"""Who may open each page of the staff workspace: every /staff/ route the app serves is listed in the
ROUTES table of one of the tests/staff/test_*.py modules (a route missing from them fails), and each
GET is requested for real by every role.

Columns: admin, coord (coordinator), fp (a focal point of an entity), reader, anon (no session).
Codes: 200 the page; 303 a redirect (for anon: to the sign-in form); 403 the refusal page; 404.
A POST row is checked for anon (303 to sign in) and for the roles marked 403 (refused, CSRF token
sent), which must change nothing; what a successful POST does is each area's own tests' business.
Paths use {id} for an object the world of this module makes (see ``_path``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from sqlalchemy import Connection

import tests.staff
from app.core.config import Settings
from tests import accounts
from tests.apps import app_for
from tests.staff.conftest import StaffLogin
from tests.staff.route_table import COLUMNS, client_for, rows

# The pages of the foundation (sign-in, password, home, static files).
ROUTES = """
GET    /staff                          308 308 308 308 308
GET    /staff/                         200 200 200 200 303
GET    /staff/login                    200 200 200 200 200
POST   /staff/login                    403 403 403 403 403
POST   /staff/logout                   303 303 303 303 303
GET    /staff/password                 200 200 200 200 303
POST   /staff/password                 422 422 422 422 303
GET    /staff/static/{name}            200 200 200 200 200
"""


def _tables() -> dict[tuple[str, str], dict[str, int]]:
    table: dict[tuple[str, str], dict[str, int]] = {}
    for info in pkgutil.iter_modules(tests.staff.__path__):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"tests.staff.{info.name}")
        for method, path, codes in rows(getattr(module, "ROUTES", "")):
            assert (method, path) not in table, f"{method} {path} is listed twice"
            table[(method, path)] = codes
    return table


def _served(settings: Settings) -> set[tuple[str, str]]:
    app = app_for(settings)
    served: set[tuple[str, str]] = set()
    # FastAPI keeps included routers whole; their effective routes carry the full path.
    routes = [
        context
        for route in app.routes
        for context in (
            route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        )
    ]
    for route in routes:
        path = getattr(route, "path", "")
        if path == "/staff" or path.startswith("/staff/"):
            for method in set(getattr(route, "methods", None) or ()) - {"HEAD"}:
                served.add((method, path))
    assert served, "no staff route found: has the way FastAPI lists routes changed?"
    return served


def _normalise(path: str) -> str:
    """Route parameters named anyhow ({cluster_id}, {run_id}) are {id} in the tables, {name} kept."""
    return re.sub(r"\{(?!name\})[a-z_]+\}", "{id}", path)


# An app resets its rate limit counts (a table) when handed out: the database is migrated first, when
# this test runs alone as when another test of the run has migrated it already.
@pytest.mark.usefixtures("migrated_engine")
def test_every_staff_route_is_in_a_table(settings: Settings) -> None:
    served = {(method, _normalise(path)) for method, path in _served(settings)}
    listed = set(_tables())
    assert served - listed == set(), "staff routes missing from the ROUTES tables"
    assert listed - served == set(), "the ROUTES tables list routes the app does not serve"


def _path(template: str, ids: dict[str, int]) -> str:
    return template.replace("{name}", "staff.css").replace("{id}", str(ids.get("id", 1)))


@pytest.mark.parametrize("role", COLUMNS)
def test_each_page_answers_each_role_as_listed(role: str, staff_login: StaffLogin, db: Connection) -> None:
    entity = accounts.create_entity(db, "Ministry of the matrix")
    client, csrf = client_for(role, staff_login, entity)
    failures = []
    # Signing out ends the session the other rows need: it goes last.
    rows = sorted(_tables().items(), key=lambda row: (row[0] == ("POST", "/staff/logout"), row[0]))
    for (method, template), codes in rows:
        expected = codes[role]
        if "{id}" in template:
            continue  # pages of one object: their area's tests request them with real ids
        if method == "GET":
            status = client.get(_path(template, {})).status_code
        elif expected == 403 or (role == "anon" and expected == 303):
            # A signed-in role's successful POST is its area's tests' business (it may start work
            # that outlives the test: an import); only refusals and the sign-in redirect are checked.
            status = client.post(_path(template, {}), data={"csrf_token": csrf}).status_code
        else:
            continue
        if status != expected:
            failures.append(f"{method} {template}: {status}, expected {expected}")
    assert failures == []
