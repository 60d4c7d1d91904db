"""Two sendings of one create form at once (a double click on a slow connection reaches the server as
two requests in flight): the second waits for the first's commit on the token's row, then follows it
to what it created instead of creating another."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from fastapi import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.actor import Actor
from app.models import FormSubmission
from app.staff import once
from tests import accounts


def _coordinator(engine: Engine) -> StaffSession:
    user_id = accounts.create_user(engine, "twice@example.org", "coordinator")
    return StaffSession(
        actor=Actor(role="coordinator", label="twice@example.org", user_id=user_id), csrf_token=""
    )


def test_the_second_of_two_sendings_at_once_waits_and_follows_the_first(engine: Engine) -> None:
    staff = _coordinator(engine)
    values = {"form_token": once.new_token()}
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        assert once.sent_before(first, staff, values) is None  # the first claims the token
        waiting = pool.submit(once.sent_before, second, staff, values)
        time.sleep(0.5)
        assert not waiting.done()  # the second waits for the first to end
        created = Response(status_code=303, headers={"location": "/staff/clusters/7?done=cluster-created"})
        once.settle(first, staff, values, created)
        first.commit()
        assert waiting.result(timeout=30) == "/staff/clusters/7?done=cluster-created"
        second.commit()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FormSubmission)) == 1


def test_a_first_sending_that_failed_leaves_the_token_to_the_second(engine: Engine) -> None:
    staff = _coordinator(engine)
    values = {"form_token": once.new_token()}
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        assert once.sent_before(first, staff, values) is None
        waiting = pool.submit(once.sent_before, second, staff, values)
        time.sleep(0.5)
        first.rollback()  # the first failed: nothing created
        assert waiting.result(timeout=30) is None  # the second creates
        second.commit()
