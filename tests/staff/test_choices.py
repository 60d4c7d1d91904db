"""The entities and clusters the forms offer: every current one in name order, read a page after
another. Pages of two here, so that a page boundary falls inside the list and at its very end."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from app.staff import choices
from tests.builder import building
from tests.conftest import session_on


@pytest.mark.parametrize("count", [3, 4])  # the last page cut short, then exactly full
def test_every_current_entity_and_cluster_across_pages(
    db: Connection, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(choices, "MAX_ENTITIES", 2)
    monkeypatch.setattr(choices, "MAX_CLUSTERS", 2)
    with building(db) as build:
        entities = [build.entity(f"Ministry {n}", acronym="M" if n == 0 else None).id for n in range(count)]
        clusters = [build.cluster(f"Cluster {n}").id for n in range(count)]
        build.entity("Ministry archived", archived=True)
        build.cluster("Cluster archived", archived=True)
    session = session_on(db)
    named = [(entity_id, f"Ministry {n}") for n, entity_id in enumerate(entities)]
    assert choices.every_entity(session) == [(entities[0], "Ministry 0 (M)"), *named[1:]]
    assert choices.every_cluster(session) == [(cid, f"Cluster {n}") for n, cid in enumerate(clusters)]
