"""Two first uploads of the State's report template at once (PostgreSQL).

Both read "no template yet" and named the shipped one's version, so both passed the If-Match check
and both inserted the single row: the second's insert waited for the first's commit, then failed on
the primary key, and its client got a 500. It now gets the answer a second upload sent after the
first gets: 412, the template it named having been replaced. SQLite's writers hold the database's
write lock for their whole request: no other upload can come between.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.actor import COORDINATOR, Actor
from app.core.errors import PreconditionFailed
from app.reports import state_template
from tests import accounts
from tests.lock_waits import until_a_lock_is_awaited
from tests.reports.word_templates import state_template as a_template


@pytest.fixture(autouse=True)
def _postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take the write lock first: no other request can come between")


def test_the_second_of_two_first_uploads_at_once_is_a_412(engine: Engine) -> None:
    user_id = accounts.create_user(engine, "twice@example.org", COORDINATOR)
    actor = Actor(role=COORDINATOR, label="twice@example.org", user_id=user_id)
    shipped = state_template.version(None)
    with Session(engine) as first, Session(engine) as second, ThreadPoolExecutor(max_workers=1) as pool:
        state_template.upload(first, actor, "first.docx", a_template(), shipped)
        racing = pool.submit(state_template.upload, second, actor, "second.docx", a_template(), shipped)
        until_a_lock_is_awaited(engine)  # the second's insert waits for the first's row
        first.commit()
        with pytest.raises(PreconditionFailed) as refused:
            racing.result(timeout=30)
        second.rollback()
    assert refused.value.status == 412
    with Session(engine) as session:
        stored = state_template.current(session)
        assert stored is not None and stored.filename == "first.docx"
