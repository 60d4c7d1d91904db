"""PostgreSQL plans a statement that searches the text with random reads priced as on cached or
solid-state storage (``app.core.db``): priced as on disks, a word in a tenth of the documents had
every document read instead of the full-text index's matches."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, func, select, text

from app.models import Recommendation
from app.recommendations.search import matching_ids


def _random_page_cost(conn: Connection) -> float:
    return float(conn.execute(text("SHOW random_page_cost")).scalar_one())


def _search(conn: Connection) -> None:
    condition = matching_ids("torture", "postgresql")
    assert condition is not None
    conn.execute(select(func.count()).select_from(Recommendation).where(condition)).scalar_one()


@pytest.fixture
def postgresql(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    return engine


def test_a_text_search_is_planned_with_cheap_random_reads_for_its_transaction(postgresql: Engine) -> None:
    with postgresql.begin() as conn:
        server = _random_page_cost(conn)
        conn.execute(text("SELECT count(*) FROM recommendations")).scalar_one()
        assert _random_page_cost(conn) == server  # other statements: the server's setting
        _search(conn)
        assert _random_page_cost(conn) == 1.1
    assert server > 1.1
    with postgresql.begin() as conn:
        assert _random_page_cost(conn) == server  # for the search's transaction only


def test_a_lower_setting_of_the_server_is_kept(postgresql: Engine) -> None:
    with postgresql.begin() as conn:
        conn.execute(text("SET LOCAL random_page_cost = 0.5"))
        _search(conn)
        assert _random_page_cost(conn) == 0.5
