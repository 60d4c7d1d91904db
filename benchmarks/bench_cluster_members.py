"""Time adding many recommendations to a cluster, and removing them, on a copy of a large database.

    .venv/bin/python benchmarks/bench_cluster_members.py --database-url sqlite:////tmp/copy-100k.db \\
        [--members 1000] [--runs 3]

Creates a cluster in a session, adds the first ``--members`` current recommendations (by id) through
the service the API and the staff pages call, removes them, and rolls everything back, ``--runs``
times; prints each run's times. Use a copy: nothing is kept, but the database is opened for writing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.clusters import service
from app.clusters.schemas import ClusterCreate
from app.core.actor import Actor
from app.core.db import make_engine
from app.models import Recommendation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    admin = Actor(role="admin", label="benchmark")
    for run in range(1, args.runs + 1):
        with Session(engine) as session:
            ids = list(
                session.scalars(
                    select(Recommendation.id)
                    .where(Recommendation.withdrawn.is_(False))
                    .order_by(Recommendation.id)
                    .limit(args.members)
                )
            )
            cluster, tag = service.create_cluster(session, admin, ClusterCreate(name=f"Benchmark {run}"))
            started = time.perf_counter()
            _added, tag = service.add_members(session, admin, cluster.id, ids, None)
            added = time.perf_counter() - started
            started = time.perf_counter()
            service.remove_members(session, admin, cluster.id, ids, tag)
            removed = time.perf_counter() - started
            session.rollback()
        print(f"run {run}: {len(ids)} added in {added * 1000:.0f} ms, removed in {removed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
