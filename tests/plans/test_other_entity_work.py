"""Another ministry's work as a focal point meets it, every route at once (both databases).

The rule (docs/plans.md, "Who may do what"): what a focal point may not read at all (the progress
updates of an action their entity neither leads nor supports, and their evidence files; another
entity's indicator values not approved yet) answers exactly as an id that does not exist: 404, the
same words, so that a draft's id is not told from a free one. The refusal is still in the audit trail.
What they may read (the action, its indicators, approved values) but not change is a 403.

Before, another ministry's draft progress update answered 403 while its draft indicator value answered
404: the 403 told a focal point that the update existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from tests.accounts import headers_for
from tests.builder import building

UNKNOWN = 999999
FILE = {"file": ("minutes.txt", b"Minutes of the workshop.", "text/plain")}


@dataclass(frozen=True)
class Work:
    justice: int
    labour: int  # supports the action
    health: int  # has nothing to do with it
    action: int
    draft: int
    approved: int
    file: int
    indicator: int
    value: int
    approved_value: int


def _work(engine: Engine) -> Work:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        labour = build.entity("Ministry of Labour").id
        health = build.entity("Ministry of Health").id
        action = build.action("Train judges", lead_entity_id=justice, entities=[labour]).id
        author = build.author("author@justice.example", entity_id=justice)
        draft = build.progress(action, "draft", "Two workshops held.", author_id=author.id).id
        approved = build.progress(action, "approved", "Done.", author_id=author.id).id
        file = build.evidence(draft, "minutes.pdf", "application/pdf", 10).id
        indicator = build.indicator(action, "Judges trained").id
        value = build.value(indicator, "draft", 40, created_by_id=author.id).id
        approved_value = build.value(indicator, "approved", 30, created_by_id=author.id).id
    return Work(justice, labour, health, action, draft, approved, file, indicator, value, approved_value)


# (method, path, body, files): ``{id}`` is the object's id, or an id that does not exist.
Row = tuple[str, str, Any, Any]
HIDDEN: list[Row] = [
    ("GET", "/api/v1/progress/{draft}", None, None),
    ("GET", "/api/v1/progress/{approved}", None, None),
    ("PATCH", "/api/v1/progress/{draft}", {"narrative": "Changed."}, None),
    ("DELETE", "/api/v1/progress/{draft}", None, None),
    ("POST", "/api/v1/progress/{draft}/submit", None, None),
    ("GET", "/api/v1/progress/{draft}/evidence", None, None),
    ("POST", "/api/v1/progress/{draft}/evidence", None, FILE),
    ("GET", "/api/v1/evidence/{file}", None, None),
    ("GET", "/api/v1/evidence/{file}/content", None, None),
    ("DELETE", "/api/v1/evidence/{file}", None, None),
    ("GET", "/api/v1/indicator-values/{value}", None, None),
    ("PATCH", "/api/v1/indicator-values/{value}", {"value": 41}, None),
    ("DELETE", "/api/v1/indicator-values/{value}", None, None),
    ("POST", "/api/v1/indicator-values/{value}/submit", None, None),
]
REFUSED: list[Row] = [
    ("PATCH", "/api/v1/actions/{action}", {"title": "Changed"}, None),
    ("GET", "/api/v1/actions/{action}/progress", None, None),
    ("POST", "/api/v1/actions/{action}/progress", {"reported_on": "2025-01-01", "narrative": "n"}, None),
    ("POST", "/api/v1/actions/{action}/indicators", {"name": "Cases heard"}, None),
    ("PATCH", "/api/v1/indicators/{indicator}", {"name": "Changed"}, None),
    ("POST", "/api/v1/indicators/{indicator}/values", {"measured_on": "2025-01-01", "value": 1}, None),
    (
        "POST",
        "/api/v1/indicator-values/{approved_value}/corrections",
        {"measured_on": "2025-01-01", "value": 1},
        None,
    ),
]
READ = [
    "/api/v1/actions/{action}",
    "/api/v1/actions/{action}/indicators",
    "/api/v1/indicators/{indicator}",
    "/api/v1/indicators/{indicator}/values",
    "/api/v1/indicator-values/{approved_value}",
]


def _send(client: TestClient, headers: dict[str, str], row: tuple[Any, ...], ids: dict[str, int]) -> Any:
    method, path, body, files = row
    if method in ("PATCH", "DELETE"):
        headers = {**headers, "If-Match": '"1"'}
    url = path.format(**ids)
    if files is not None:
        return client.request(method, url, files=files, headers=headers)
    return client.request(method, url, json=body, headers=headers)


def _denials(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "authz.denied")) or 0


@pytest.fixture
def work(engine: Engine) -> Work:
    return _work(engine)


def test_another_entitys_work_in_progress_answers_as_an_id_that_does_not_exist(
    anonymous_client: TestClient, engine: Engine, work: Work
) -> None:
    health = headers_for(engine, "focal_point", entity_id=work.health)
    ids = {name: getattr(work, name) for name in Work.__dataclass_fields__}
    unknown = dict.fromkeys(ids, UNKNOWN)
    failures = []
    for row in HIDDEN:
        before = _denials(engine)
        real = _send(anonymous_client, health, row, ids)
        free = _send(anonymous_client, health, row, unknown)
        id_ = ids[row[1].split("{")[1].split("}")[0]]
        told = (real.status_code, real.json()["detail"].replace(str(id_), str(UNKNOWN)))
        if told != (404, free.json()["detail"]) or free.status_code != 404:
            failures.append(f"{row[0]} {row[1]}: {real.status_code} {real.json()['detail']!r}")
        elif _denials(engine) != before + 1:
            failures.append(f"{row[0]} {row[1]}: the refusal is not in the audit trail")
    for row in REFUSED:
        answer = _send(anonymous_client, health, row, ids)
        if answer.status_code != 403:
            failures.append(f"{row[0]} {row[1]}: {answer.status_code}, expected 403")
    for path in READ:
        answer = anonymous_client.get(path.format(**ids), headers=health)
        if answer.status_code != 200:
            failures.append(f"GET {path}: {answer.status_code}, expected 200")
    assert failures == []


def test_a_supporting_entity_reads_the_lead_entitys_drafts_but_may_not_change_them(
    anonymous_client: TestClient, engine: Engine, work: Work
) -> None:
    labour = headers_for(engine, "focal_point", entity_id=work.labour)
    ids = {name: getattr(work, name) for name in Work.__dataclass_fields__}
    for method, path, _, _ in HIDDEN:
        if method == "GET" and not path.endswith("/content"):  # the builder stores no content
            answer = anonymous_client.get(path.format(**ids), headers=labour)
            assert answer.status_code == 200, (path, answer.text)
    written_elsewhere = [row for row in HIDDEN if row[0] != "GET"]
    for row in written_elsewhere:
        answer = _send(anonymous_client, labour, row, ids)
        assert answer.status_code == 403, (row, answer.text)
