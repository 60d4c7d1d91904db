"""The entities and clusters a form offers as choices: every current one, in name order.

Read through their services a page (the API's largest) after another, so that a State with more
than one page of them still finds the last in every form; a select is cut nowhere.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.clusters import service as clusters_service
from app.clusters.schemas import MAX_PAGE_SIZE as MAX_CLUSTERS
from app.clusters.schemas import ClusterListParams
from app.entities import service as entities_service
from app.entities.schemas import MAX_PAGE_SIZE as MAX_ENTITIES
from app.entities.schemas import EntityListParams


def every_entity(db: Session) -> list[tuple[int, str]]:
    """Every current entity: its id and its name (with its acronym, as forms show it)."""
    options: list[tuple[int, str]] = []
    cursor: str | None = None
    while True:
        page = entities_service.list_entities(db, EntityListParams(limit=MAX_ENTITIES, cursor=cursor))
        options.extend((e.id, f"{e.name} ({e.acronym})" if e.acronym else e.name) for e in page.items)
        if page.next_cursor is None:
            return options
        cursor = page.next_cursor


def every_cluster(db: Session) -> list[tuple[int, str]]:
    """Every current cluster: its id and its name."""
    options: list[tuple[int, str]] = []
    cursor: str | None = None
    while True:
        page = clusters_service.list_clusters(db, ClusterListParams(limit=MAX_CLUSTERS, cursor=cursor))
        options.extend((cluster.id, cluster.name) for cluster in page.items)
        if page.next_cursor is None:
            return options
        cursor = page.next_cursor
