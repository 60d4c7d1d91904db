"""The entities and clusters a form offers as choices: every current one, in name order.

Read through their services a page (the API's largest) after another, so that a State with more
than one page of them still finds the last in every form; a select is cut nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from app.clusters import service as clusters_service
from app.clusters.schemas import MAX_PAGE_SIZE as MAX_CLUSTERS
from app.clusters.schemas import ClusterListParams, ClusterOut
from app.entities import service as entities_service
from app.entities.schemas import MAX_PAGE_SIZE as MAX_ENTITIES
from app.entities.schemas import EntityListParams, EntityOut

_Item = TypeVar("_Item", covariant=True)


class _Page(Protocol[_Item]):
    """A keyset page of a service's list: its items and the cursor of the next one (None: the last)."""

    @property
    def items(self) -> Sequence[_Item]: ...

    @property
    def next_cursor(self) -> str | None: ...


def _every(read: Callable[[str | None], _Page[_Item]]) -> list[_Item]:
    """Every item of a list read a page at a time: ``read(cursor)`` gives the page after ``cursor``."""
    found: list[_Item] = []
    cursor: str | None = None
    while True:
        page = read(cursor)
        found.extend(page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def every_entity(db: Session) -> list[tuple[int, str]]:
    """Every current entity: its id and its name (with its acronym, as forms show it)."""

    def read(cursor: str | None) -> _Page[EntityOut]:
        return entities_service.list_entities(db, EntityListParams(limit=MAX_ENTITIES, cursor=cursor))

    return [(e.id, f"{e.name} ({e.acronym})" if e.acronym else e.name) for e in _every(read)]


def every_cluster(db: Session) -> list[tuple[int, str]]:
    """Every current cluster: its id and its name."""

    def read(cursor: str | None) -> _Page[ClusterOut]:
        return clusters_service.list_clusters(db, ClusterListParams(limit=MAX_CLUSTERS, cursor=cursor))

    return [(cluster.id, cluster.name) for cluster in _every(read)]
