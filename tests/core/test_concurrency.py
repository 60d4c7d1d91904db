"""Two real clients racing on one ETag against a real server: exactly one write wins.

Both clients read the same version, wait for each other at a barrier, then send their PATCH with
that version in If-Match. One gets 200, the other 412, and only the winner's audit event exists.
Several rounds, on a recommendation's local fields and on an action.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import AuditEvent
from tests import accounts
from tests.factories import import_records, record
from tests.live_server import live_server

pytestmark = pytest.mark.slow

ROUNDS = 4


@pytest.fixture
def base_url(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as url:
        yield url


def _events(engine: Engine, action: str, object_id: int) -> int:
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == action, AuditEvent.object_id == object_id)
            )
            or 0
        )


def _race(
    base_url: str, path: str, bodies: tuple[dict[str, object], dict[str, object]], headers: dict[str, str]
) -> list[int]:
    return sorted(answer.status_code for answer in _race_answers(base_url, path, bodies, headers))


def _race_answers(
    base_url: str, path: str, bodies: tuple[dict[str, object], dict[str, object]], headers: dict[str, str]
) -> list[httpx.Response]:
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []
    # One client for the read and both writers (each writer on a connection of its own): a new client
    # loads the system's certificates, 50 ms of a core.
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        etag = client.get(path).headers["ETag"]

        def write(body: dict[str, object]) -> None:
            barrier.wait()
            answers.append(client.patch(path, json=body, headers={"If-Match": etag}))

        threads = [threading.Thread(target=write, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return answers


def test_two_clients_patching_one_recommendation(base_url: str, engine: Engine) -> None:
    import_records(engine, [record("race-1", "<p>1. Ratify the convention.</p>")])
    headers = accounts.headers_for(engine, "coordinator")
    with httpx.Client(base_url=base_url, headers=headers) as client:
        rec_id = client.get("/api/v1/recommendations").json()["items"][0]["id"]
    for round_number in range(1, ROUNDS + 1):
        statuses = _race(
            base_url,
            f"/api/v1/recommendations/{rec_id}",
            ({"internal_notes": f"first {round_number}"}, {"internal_notes": f"second {round_number}"}),
            headers,
        )
        assert statuses == [200, 412], f"round {round_number}: {statuses}"
        assert _events(engine, "recommendation.update", rec_id) == round_number


def test_two_clients_patching_one_action(base_url: str, engine: Engine) -> None:
    headers = accounts.headers_for(engine, "coordinator")
    with httpx.Client(base_url=base_url, headers=headers) as client:
        created = client.post("/api/v1/actions", json={"title": "Train judges"})
        assert created.status_code == 201, created.text
        action_id = created.json()["id"]
    for round_number in range(1, ROUNDS + 1):
        statuses = _race(
            base_url,
            f"/api/v1/actions/{action_id}",
            ({"title": f"Train judges {round_number}a"}, {"title": f"Train judges {round_number}b"}),
            headers,
        )
        assert statuses == [200, 412], f"round {round_number}: {statuses}"
        assert _events(engine, "action.update", action_id) == round_number


def test_an_edit_read_before_an_import_withdrew_the_recommendation_is_refused(
    base_url: str, engine: Engine
) -> None:
    kept, gone = record("stays", "<p>1. Ratify.</p>"), record("leaves", "<p>2. Report.</p>")
    import_records(engine, [kept, gone], full_export=True)
    headers = accounts.headers_for(engine, "coordinator")
    with httpx.Client(base_url=base_url, headers=headers) as client:
        listed = client.get("/api/v1/recommendations").json()["items"]
        rec_id = next(item["id"] for item in listed if item["external_id"] == "leaves")
        read = client.get(f"/api/v1/recommendations/{rec_id}").headers["ETag"]
        import_records(engine, [kept], full_export=True)  # the next night's export no longer has it
        stale = client.patch(
            f"/api/v1/recommendations/{rec_id}", json={"status": "implemented"}, headers={"If-Match": read}
        )
        assert stale.status_code == 412, stale.text
        current = client.get(f"/api/v1/recommendations/{rec_id}")
        assert current.json()["withdrawn"] is True and current.headers["ETag"] != read
        again = client.patch(
            f"/api/v1/recommendations/{rec_id}",
            json={"status": "implemented"},
            headers={"If-Match": current.headers["ETag"]},
        )
        assert again.status_code == 200, again.text
    assert _events(engine, "recommendation.update", rec_id) == 1


def test_the_loser_of_a_race_is_told_the_version_the_winner_wrote(base_url: str, engine: Engine) -> None:
    # On PostgreSQL both requests read the row before either wrote: the loser must still be refused
    # by the If-Match check, naming the current ETag, not by its UPDATE finding the version moved.
    headers = accounts.headers_for(engine, "coordinator")
    with httpx.Client(base_url=base_url, headers=headers) as client:
        action_id = client.post("/api/v1/actions", json={"title": "Train judges"}).json()["id"]
        indicator = client.post(f"/api/v1/actions/{action_id}/indicators", json={"name": "Judges trained"})
        progress = client.post(
            f"/api/v1/actions/{action_id}/progress", json={"reported_on": "2026-01-05", "narrative": "Began"}
        )
        entity = client.post("/api/v1/entities", json={"name": "Ministry of Justice", "kind": "ministry"})
    races: list[tuple[str, str]] = [
        (f"/api/v1/actions/{action_id}", "title"),
        (f"/api/v1/indicators/{indicator.json()['id']}", "name"),
        (f"/api/v1/progress/{progress.json()['id']}", "narrative"),
        (f"/api/v1/entities/{entity.json()['id']}", "acronym"),
    ]
    for path, field in races:
        for round_number in range(ROUNDS):
            answers = _race_answers(
                base_url, path, ({field: f"A{round_number}"}, {field: f"B{round_number}"}), headers
            )
            assert sorted(answer.status_code for answer in answers) == [200, 412], (path, round_number)
            won = next(answer for answer in answers if answer.status_code == 200)
            lost = next(answer for answer in answers if answer.status_code == 412)
            reason = f"stale: current ETag is {won.headers['ETag']}"
            assert lost.json()["errors"] == [{"field": "If-Match", "reason": reason}], (path, lost.text)
