"""The ROUTES tables of tests/staff: their columns, their rows, a client per column, and requesting the
rows that name one object ({id}) with a real object's id (the matrix test, test_matrix.py, leaves
those to the area that owns the object)."""

from __future__ import annotations

from typing import Any

from tests.staff.conftest import StaffLogin

COLUMNS = ("admin", "coord", "fp", "reader", "anon")
ROLE_OF = {"admin": "admin", "coord": "coordinator", "fp": "focal_point", "reader": "reader"}


def rows(routes: str) -> list[tuple[str, str, dict[str, int]]]:
    """A ROUTES table's rows: method, path, and the expected status per column."""
    table = []
    for line in routes.strip().splitlines():
        method, path, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        table.append((method, path, dict(zip(COLUMNS, map(int, codes), strict=True))))
    return table


def object_rows(routes: str) -> list[tuple[str, str, dict[str, int]]]:
    return [row for row in rows(routes) if "{id}" in row[1]]


def client_for(role: str, staff_login: StaffLogin, entity_id: int) -> tuple[Any, str]:
    """A client of the column ``role`` (signed in, or "anon": none) and the CSRF token its forms send."""
    if role == "anon":
        client = staff_login("reader").client
        client.cookies.clear()
        return client, ""
    staff = staff_login(ROLE_OF[role], entity_id=entity_id)
    return staff.client, staff.csrf


def check_object_routes(
    routes: str, role: str, object_id: int, staff_login: StaffLogin, entity_id: int
) -> list[str]:
    """Each GET of one object answers ``role`` as listed; each POST listed 403 (or, for anon, 303) is
    refused with the CSRF token sent. Returns the rows that answered otherwise."""
    client, csrf = client_for(role, staff_login, entity_id)
    failures = []
    for method, template, codes in object_rows(routes):
        path = template.replace("{id}", str(object_id))
        expected = codes[role]
        if method == "GET":
            status = client.get(path).status_code
        elif expected in (303, 403):
            status = client.post(path, data={"csrf_token": csrf}).status_code
        else:
            continue
        if status != expected:
            failures.append(f"{method} {template}: {status}, expected {expected}")
    return failures
