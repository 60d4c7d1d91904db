"""Statistics answer in bounded time: a short last word is not a prefix, a time limit stops the
queries (503 with Retry-After, on SQLite and PostgreSQL alike), and a computation is kept per
data version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from app.exports import stats
from app.exports.deadline import StatisticsTimeout, query_deadline
from app.recommendations.schemas import RecommendationListParams
from tests.factories import import_records, record
from tests.public.conftest import MakeClient

PUBLIC_STATS = "/api/v1/public/stats"
# Counts to a billion: minutes of work on either database unless something stops it.
ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT count(*) FROM n"
)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record_statement)
    yield seen
    event.remove(engine, "before_cursor_execute", record_statement)


def test_a_one_or_two_letter_last_word_matches_whole_words_only(
    make_client: MakeClient, engine: Engine
) -> None:
    import_records(
        engine,
        [
            record("with-a", "<p>1. Adopt a law against torture.</p>"),
            record("without", "<p>2. Adopt laws against torture.</p>"),
        ],
    )
    public = make_client()
    total = {
        q: public.get(PUBLIC_STATS, params={"q": q}).json()["total"] for q in ("a", "ad", "ado", "adopt la")
    }
    # "a" and "ad" are words of their own, not every word starting with them; from three letters on
    # the last word is also a prefix.
    assert total == {"a": 1, "ad": 0, "ado": 2, "adopt la": 0}
    listed = public.get("/api/v1/public/recommendations", params={"q": "a"}).json()
    assert listed["total"] == 1  # the list searches the same way


def test_the_time_limit_stops_a_running_statement(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(StatisticsTimeout) as refused, query_deadline(session, 0.2):
            session.execute(text(ENDLESS)).scalar_one()
        assert refused.value.status == 503 and refused.value.headers["Retry-After"].isdigit()
        session.rollback()
        # The connection works normally afterwards, without a limit.
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_slow_statistics_are_a_503_with_retry_after(make_client: MakeClient, engine: Engine) -> None:
    import_records(engine, [record("slow", "<p>1. Ratify the convention.</p>")])
    hurried = make_client(stats_timeout=1e-9)  # spent before the first query starts
    response = hurried.get(PUBLIC_STATS, params={"mechanism": "CRC"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"].isdigit()
    assert "NRTD_STATS_TIMEOUT" in response.json()["detail"]
    assert make_client().get(PUBLIC_STATS, params={"mechanism": "CRC"}).json()["total"] == 1


def test_statistics_are_computed_once_per_data_version(engine: Engine, statements: list[str]) -> None:
    import_records(engine, [record("kept", "<p>1. Ratify the convention.</p>")])
    params = RecommendationListParams(mechanism=["CRC"])
    today = date(2026, 1, 1)
    with Session(engine) as session:
        first = stats.public_statistics(session, params, today=today, timeout=5)
        computed = len(statements)
        again = stats.public_statistics(session, params, today=today, timeout=5)
        # The filter values' check (mechanism=CRC exists) and the data version only.
        assert again == first and len(statements) == computed + 2
    import_records(engine, [record("new", "<p>2. Adopt a plan.</p>")])
    with Session(engine) as session:
        assert stats.public_statistics(session, params, today=today, timeout=5).total == 2
