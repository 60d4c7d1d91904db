"""Staff forms sent at the same moment to a real server (uvicorn in a thread, real sockets): two
coordinators saving one action from its page, and one coordinator's double click. Each round one
save wins and the other is shown the conflict page with what was typed; nobody waits out the lock
timeout for a 503, and the server keeps answering meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, update

from app.core.config import Settings
from app.models import AuthToken
from app.staff.session import SESSION_COOKIE
from tests import accounts
from tests.live_server import live_server

pytestmark = pytest.mark.slow

ROUNDS = 6


@pytest.fixture
def base_url(settings: Settings, engine: Engine) -> Iterator[str]:
    with live_server(settings) as url:
        yield url


class _Coordinator:
    def __init__(self, engine: Engine, base_url: str, email: str) -> None:
        self.user_id = accounts.create_user(engine, email, "coordinator")
        secret, self.csrf = accounts.issue_session(engine, self.user_id)
        self.client = httpx.Client(base_url=base_url, timeout=60, follow_redirects=False)
        self.client.cookies.set(SESSION_COOKIE, secret)

    def save(self, path: str, tag: str, title: str) -> Callable[[], httpx.Response]:
        form = {"csrf_token": self.csrf, "title": title, "status": "planned", "etag": tag}
        return lambda: self.client.post(path, data=form)


def _at_once(sends: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(sends))
    answers: list[httpx.Response | None] = [None] * len(sends)

    def send(index: int) -> None:
        barrier.wait()
        answers[index] = sends[index]()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _action(engine: Engine, base_url: str) -> tuple[int, Callable[[], str]]:
    headers = accounts.headers_for(engine, "coordinator")
    created = httpx.post(f"{base_url}/api/v1/actions", json={"title": "Train judges"}, headers=headers)
    assert created.status_code == 201, created.text
    action_id = created.json()["id"]

    def current_tag() -> str:
        return httpx.get(f"{base_url}/api/v1/actions/{action_id}", headers=headers).headers["ETag"]

    return action_id, current_tag


def _statuses(answers: list[httpx.Response]) -> list[int]:
    return sorted(answer.status_code for answer in answers)


def test_two_coordinators_saving_one_action_at_once(base_url: str, engine: Engine) -> None:
    action_id, current_tag = _action(engine, base_url)
    path = f"/staff/actions/{action_id}"
    first = _Coordinator(engine, base_url, "first@example.org")
    second = _Coordinator(engine, base_url, "second@example.org")
    for round_number in range(ROUNDS):
        tag = current_tag()
        answers = _at_once(
            [first.save(path, tag, f"First {round_number}"), second.save(path, tag, f"Second {round_number}")]
        )
        assert _statuses(answers) == [303, 412], (round_number, [a.text[:300] for a in answers])
        # The conflict page, keeping what the second typed, never the API's JSON in the browser.
        lost = next(answer for answer in answers if answer.status_code == 412)
        assert lost.headers["content-type"].startswith("text/html"), lost.text[:300]
        assert "Someone else changed this first" in lost.text
        assert f"First {round_number}" in lost.text or f"Second {round_number}" in lost.text


def test_a_double_click_when_the_session_s_idle_clock_is_due(base_url: str, engine: Engine) -> None:
    # Both sendings write the session's idle clock (last written over a minute ago) in the same row.
    action_id, current_tag = _action(engine, base_url)
    path = f"/staff/actions/{action_id}"
    coordinator = _Coordinator(engine, base_url, "clicker@example.org")
    for round_number in range(ROUNDS):
        with engine.begin() as conn:
            conn.execute(
                update(AuthToken)
                .where(AuthToken.user_id == coordinator.user_id)
                .values(last_used_at=datetime.now(UTC) - timedelta(minutes=2))
            )
        tag = current_tag()
        send = coordinator.save(path, tag, f"Clicked {round_number}")
        answers = _at_once([send, send])
        assert _statuses(answers) in ([303, 303], [303, 412]), (round_number, [a.text[:300] for a in answers])
