"""SQLite, without statistics, looks ``withdrawn = false`` up by ix_recommendations_withdrawn and so
reads every current recommendation. Reads led by something smaller (the follow-up rows, a
mechanism's or a term's own index) keep that column off its index (``app.core.db.off_index``);
their plans are checked here, as SQLite explains them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.clusters import service as clusters
from app.clusters.schemas import ClusterCreate
from app.core.actor import Actor
from app.deadlines.schemas import DeadlineListParams
from app.deadlines.service import Audience, list_deadlines
from app.followup import service as followup
from app.followup.schemas import FollowUpListParams
from app.taxonomies import service as taxonomies
from tests.factories import ids_by_external_id, import_records, record

# A walk of every current recommendation (a lookup by id in that index, "withdrawn=? AND rowid=?", is not).
WALK = "ix_recommendations_withdrawn (withdrawn=?)"


@pytest.fixture
def sqlite(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner without statistics; PostgreSQL plans from its statistics")
    return engine


@contextmanager
def _plans(engine: Engine) -> Iterator[list[str]]:
    """The plan of every SELECT run inside, as EXPLAIN QUERY PLAN words it."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    plans: list[str] = []
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append("\n".join(str(row[-1]) for row in rows))


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda s: followup.list_follow_up(s, FollowUpListParams()), id="follow-up list"),
        pytest.param(lambda s: followup.count_by_grade(s), id="follow-up grades"),
        pytest.param(lambda s: taxonomies.mechanisms_in_use(s), id="mechanisms in use"),
        pytest.param(lambda s: taxonomies.term_labels_in_use(s, "themes"), id="themes in use"),
    ],
)
def test_small_reads_do_not_walk_the_current_recommendations(
    sqlite: Engine, read: Callable[[Session], object]
) -> None:
    with _plans(sqlite) as plans, Session(sqlite) as session:
        read(session)
    assert plans and not [plan for plan in plans if WALK in plan], plans


def test_the_deadlines_do_not_walk_the_current_recommendations(sqlite: Engine) -> None:
    with _plans(sqlite) as plans, Session(sqlite) as session:
        list_deadlines(
            session, Audience.of(session, Actor(role="coordinator", label="test")), DeadlineListParams()
        )
    assert plans and not [plan for plan in plans if WALK in plan], plans


def test_adding_recommendations_to_a_cluster_does_not_walk_the_current_recommendations(
    sqlite: Engine,
) -> None:
    """The refusal of linked copies is led by the ids given: walking every current recommendation for
    each id (17 to 25 s for 1,000 ids at 100,000 recommendations) is not."""
    # SQLite turns to the walk from about 100 ids on (30 it still looks up by the links).
    import_records(sqlite, [record(f"plan-{n}") for n in range(100)])
    ids, admin = sorted(ids_by_external_id(sqlite).values()), Actor(role="admin", label="test")
    with Session(sqlite) as session:
        cluster, _tag = clusters.create_cluster(session, admin, ClusterCreate(name="Plans"))
        with _plans(sqlite) as plans:
            clusters.add_members(session, admin, cluster.id, ids, None)
        session.rollback()
    assert plans and not [plan for plan in plans if WALK in plan], plans
