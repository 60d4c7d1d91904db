"""A retry sent while the first request with its key is still being processed (a client that timed out
and retried at once): it waits for the first to end, then is answered the first's answer; if the
first failed, it is processed itself. Real threads, real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.clusters.schemas import ClusterCreate
from app.core.actor import Actor
from app.core.config import Settings
from app.idempotency import service
from app.idempotency.service import Answer
from app.models import Cluster, IdempotencyRecord
from tests import accounts
from tests.live_server import live_server

KEY = "retry-7f3e"
ROUTE = "POST /api/v1/clusters"
SENT = service.fingerprint({"name": "Prisons"})


def _coordinator(engine: Engine) -> Actor:
    user_id = accounts.create_user(engine, "retrying@example.org", "coordinator")
    return Actor(role="coordinator", label="retrying@example.org", user_id=user_id)


def test_a_retry_waits_for_the_first_request_and_is_answered_its_answer(engine: Engine) -> None:
    actor = _coordinator(engine)
    answer = Answer(201, '{"id":7}', {"Location": "/api/v1/clusters/7", "ETag": '"1"'})
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        assert service.sent_before(first, actor, ROUTE, KEY, SENT) is None  # the first claims the key
        waiting = pool.submit(service.sent_before, second, actor, ROUTE, KEY, SENT)
        time.sleep(0.5)
        assert not waiting.done()  # the retry waits for the first to end
        service.record(first, actor, ROUTE, KEY, answer)
        first.commit()
        assert waiting.result(timeout=30) == answer
        second.commit()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_a_first_request_that_failed_leaves_the_key_to_the_retry(engine: Engine) -> None:
    actor = _coordinator(engine)
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        assert service.sent_before(first, actor, ROUTE, KEY, SENT) is None
        waiting = pool.submit(service.sent_before, second, actor, ROUTE, KEY, SENT)
        time.sleep(0.5)
        first.rollback()  # the first failed: nothing created, nothing kept
        assert waiting.result(timeout=30) is None  # the retry holds the key and creates
        second.commit()


def test_a_pair_sent_at_once_to_the_server_creates_once(engine: Engine, settings: Settings) -> None:
    headers = accounts.headers_for(engine, "coordinator")
    rounds = 4
    with live_server(settings) as base:
        for round_ in range(rounds):
            start = threading.Barrier(2)

            def send(round_: int = round_, start: threading.Barrier = start) -> requests.Response:
                start.wait()
                return requests.post(
                    f"{base}/api/v1/clusters",
                    json={"name": f"Sent at once {round_}"},
                    headers={**headers, "Idempotency-Key": f"pair-{round_}"},
                    timeout=30,
                )

            with ThreadPoolExecutor(max_workers=2) as pool:
                one, other = pool.submit(send), pool.submit(send)
                answers = [one.result(), other.result()]
            assert [answer.status_code for answer in answers] == [201, 201], [a.text for a in answers]
            assert answers[0].content == answers[1].content
            assert answers[0].headers["Location"] == answers[1].headers["Location"]
            replayed = sorted(answer.headers.get("Idempotent-Replayed", "") for answer in answers)
            assert replayed == ["", "true"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Cluster)) == rounds


def test_the_server_holds_a_retry_until_the_request_with_its_key_ends(
    engine: Engine, settings: Settings
) -> None:
    actor = _coordinator(engine)
    assert actor.user_id is not None
    headers = {**accounts.bearer(accounts.issue_token(engine, actor.user_id)), "Idempotency-Key": KEY}
    body = ClusterCreate(name="Prisons")
    answer = Answer(201, '{"id":7}', {"Location": "/api/v1/clusters/7", "ETag": '"1"'})
    sent = service.fingerprint(body.model_dump(mode="json"))
    with live_server(settings) as base, Session(engine) as first, ThreadPoolExecutor(max_workers=1) as pool:
        assert service.sent_before(first, actor, ROUTE, KEY, sent) is None  # "the first request"
        retry = pool.submit(
            requests.post, f"{base}/api/v1/clusters", json={"name": "Prisons"}, headers=headers, timeout=30
        )
        time.sleep(0.5)
        assert not retry.done()
        service.record(first, actor, ROUTE, KEY, answer)
        first.commit()
        replayed = retry.result(timeout=30)
    assert replayed.status_code == 201 and replayed.content == b'{"id":7}'
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.headers["ETag"] == '"1"'
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Cluster)) == 0
