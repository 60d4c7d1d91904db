"""Measure every page of the staff workspace against its target (not a test: machines are noisy).

    python benchmarks/bench_staff.py --database-url URL [--requests 60] [--port 8766]

Target: every staff page answers in p95 <= 100 ms at 5,000 recommendations and 500 actions, on the
2-core development machine, one client (the time from sending the request to the last byte of the
answer over loopback: the server's time plus a fraction of a millisecond).

The database must already hold the recommendations (see docs/benchmarks.md: a generated UHRI export of
5,000 records imported with ``nrtd import uhri``). The script adds what the pages also show when the
database lacks it: three entities, 500 actions (a third overdue) linked to recommendations, a progress
update per action in each state, 1,000 recommendations waiting for review (each with the revision
an import would have written), a cluster of 50 recommendations, and one user per role with a staff
session (written straight into the database, the way a sign-in does). Then it starts the real server
(``python -m app.cli serve``) on 127.0.0.1, requests each page ``--warmup`` times untimed and
``--requests`` times timed, one at a time, as a coordinator (and the focal point's own pages as the
focal point), and prints a Markdown table. Exits 1 when a page misses the target or does not answer
200, 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.auth.passwords import hash_password
from app.auth.service import secret_hash
from app.core.db import make_engine
from app.models import (
    Action,
    ActionEntity,
    ActionRecommendation,
    AuthToken,
    Cluster,
    ClusterRecommendation,
    Entity,
    ImportRun,
    ProgressUpdate,
    Recommendation,
    RecommendationText,
    Revision,
    User,
)
from benchmarks.server import (  # the shared server and statistics helpers
    BenchError,
    _sigterm,
    redact,
    server_arguments,
    serving,
    timed_path,
    verdict,
)

P95_TARGET_MS = 100.0
MIN_RECOMMENDATIONS = 5000
ACTIONS = 500
REVIEW_QUEUE = 1000
STATES = ("draft", "submitted", "returned", "approved")


@dataclass
class World:
    """Ids the object pages need, and each role's session cookie."""

    ids: dict[str, int]
    sessions: dict[str, str] = field(default_factory=dict)


def _session(session: Session, user_id: int) -> str:
    secret, now = secrets.token_urlsafe(32), datetime.now(UTC)
    session.add(
        AuthToken(
            token_hash=secret_hash(secret),
            user_id=user_id,
            kind="session",
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(hours=12),
        )
    )
    return secret


def _entities(session: Session) -> list[int]:
    names = ["Ministry of Justice (bench)", "Ministry of Education (bench)", "Ministry of Health (bench)"]
    ids = []
    for name in names:
        entity_id = session.scalar(select(Entity.id).where(Entity.name == name))
        if entity_id is None:
            entity = Entity(name=name, kind="ministry")
            session.add(entity)
            session.flush()
            entity_id = entity.id
        ids.append(entity_id)
    return ids


def _plans(session: Session, entities: list[int], recommendations: list[int], author: int) -> None:
    """Actions up to ACTIONS, each with a lead entity, three recommendations and a progress update."""
    have = session.scalar(select(func.count()).select_from(Action)) or 0
    today = date.today()
    for n in range(have, ACTIONS):
        entity = entities[n % len(entities)]
        action = Action(
            title=f"Benchmark action {n}: train officials and report on the measures taken",
            lead_entity_id=entity,
            start_date=today - timedelta(days=400),
            due_date=today + timedelta(days=(n % 3 - 1) * 90),  # a third overdue
            status="in_progress" if n % 2 else "planned",
        )
        session.add(action)
        session.flush()
        session.add(ActionEntity(action_id=action.id, entity_id=entity))
        for k in range(3):
            rec = recommendations[(n * 3 + k) % len(recommendations)]
            session.add(ActionRecommendation(action_id=action.id, recommendation_id=rec))
        session.add(
            ProgressUpdate(
                action_id=action.id,
                reported_on=today - timedelta(days=n % 60),
                narrative=f"Progress on action {n}: the training took place in three regions.",
                author_id=author,
                state=STATES[n % len(STATES)],
            )
        )


def _review_queue(session: Session, run_id: int) -> None:
    """REVIEW_QUEUE recommendations waiting for review, each with the revision an import would have
    written (its English text changed): the queue and the dashboard then have work to show."""
    waiting = session.scalar(
        select(func.count()).select_from(Recommendation).where(Recommendation.needs_review)
    )
    if waiting or not run_id:
        return
    rows = session.execute(
        select(RecommendationText.recommendation_id, RecommendationText.original)
        .where(RecommendationText.lang == "en")
        .order_by(RecommendationText.recommendation_id)
        .limit(REVIEW_QUEUE)
    ).all()
    for rec_id, original in rows:
        old = original.replace("the State", "the State party", 1) + " Report on it."
        changes = {"texts.en": {"old": old, "new": original}}
        session.add(Revision(recommendation_id=rec_id, import_run_id=run_id, changes=changes))
    ids = [rec_id for rec_id, _ in rows]
    session.execute(update(Recommendation).where(Recommendation.id.in_(ids)).values(needs_review=True))


def prepare(database_url: str) -> World:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            recommendations = list(session.scalars(select(Recommendation.id).order_by(Recommendation.id)))
            if len(recommendations) < MIN_RECOMMENDATIONS:
                raise BenchError(
                    f"the database holds {len(recommendations)} recommendations; import at least "
                    f"{MIN_RECOMMENDATIONS} first (docs/benchmarks.md)"
                )
            entities = _entities(session)
            password = hash_password(secrets.token_urlsafe(16))
            users: dict[str, int] = {}
            for role, entity in (("admin", None), ("coordinator", None), ("focal_point", entities[0])):
                email = f"bench-{role}@example.org"
                user_id = session.scalar(select(User.id).where(User.email == email))
                if user_id is None:
                    user = User(email=email, role=role, entity_id=entity, password_hash=password, active=True)
                    session.add(user)
                    session.flush()
                    user_id = user.id
                users[role] = user_id
            _plans(session, entities, recommendations, users["focal_point"])
            cluster_id = session.scalar(select(Cluster.id).where(Cluster.name == "Benchmark cluster"))
            if cluster_id is None:
                cluster = Cluster(name="Benchmark cluster", lead_entity_id=entities[0])
                session.add(cluster)
                session.flush()
                cluster_id = cluster.id
                for rec in recommendations[:50]:
                    session.add(ClusterRecommendation(cluster_id=cluster_id, recommendation_id=rec))
            run_id = session.scalar(select(func.max(ImportRun.id))) or 0
            _review_queue(session, run_id)
            world = World(
                {
                    "recommendation": recommendations[len(recommendations) // 2],
                    "cluster": cluster_id,
                    "run": run_id,
                    "user": users["focal_point"],
                    "entity": entities[0],
                }
            )
            world.sessions = {role: _session(session, user_id) for role, user_id in users.items()}
            return world
    finally:
        engine.dispose()


def pages(world: World) -> list[tuple[str, str, str]]:
    """(role, name, path) of every page measured."""
    ids = world.ids
    coordinator = [
        ("My work", "/staff/"),
        ("Recommendations, first page", "/staff/recommendations"),
        ("Recommendations, full text", "/staff/recommendations?q=torture"),
        ("Recommendations, filtered", "/staff/recommendations?priority=high&status=not_started"),
        ("One recommendation", f"/staff/recommendations/{ids['recommendation']}"),
        ("Review queue", "/staff/review"),
        ("Clusters", "/staff/clusters"),
        ("One cluster", f"/staff/clusters/{ids['cluster']}"),
        ("Imports", "/staff/imports"),
        ("Reports and exports", "/staff/reports"),
        ("Entities", "/staff/entities"),
        ("Audit log", "/staff/audit"),
        ("Password", "/staff/password"),
    ]
    if ids["run"]:
        coordinator.append(("One import run", f"/staff/imports/{ids['run']}"))
    admin = [
        ("Users", "/staff/users"),
        ("One user", f"/staff/users/{ids['user']}"),
        ("API keys", "/staff/api-keys"),
    ]
    focal_point = [
        ("My work (focal point)", "/staff/"),
        ("Recommendations (focal point)", "/staff/recommendations"),
    ]
    return (
        [("coordinator", name, path) for name, path in coordinator]
        + [("admin", name, path) for name, path in admin]
        + [("focal_point", name, path) for name, path in focal_point]
    )


def measure(base: str, world: World, requests: int, warmup: int) -> list[tuple[str, str, float, float, int]]:
    rows = []
    clients = {
        role: httpx.Client(base_url=base, cookies={"nrtd_staff": secret}, timeout=60)
        for role, secret in world.sessions.items()
    }
    try:
        for role, name, path in pages(world):
            rows.append((name, path, *timed_path(clients[role], path, requests, warmup)))
    finally:
        for client in clients.values():
            client.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    server_arguments(parser, requests=60, warmup=5, port=8766)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _sigterm)
    try:
        world = prepare(args.database_url)
        with serving(args.database_url, args.port) as probe:
            rows = measure(str(probe.base_url), world, args.requests, args.warmup)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    print(f"Staff pages on {redact(args.database_url)}, {args.requests} timed requests each\n")
    print("| Page | Path | p50 ms | p95 ms | Status |")
    print("| --- | --- | ---: | ---: | --- |")
    for name, path, p50, p95, status in rows:
        print(f"| {name} | `{path}` | {p50:.1f} | {p95:.1f} | {status} |")
    checks = [(f"{name} ({path})", p95, status) for name, path, _, p95, status in rows]
    return verdict(checks, P95_TARGET_MS, "Every page")


if __name__ == "__main__":
    sys.exit(main())
