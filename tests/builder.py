"""The data builder of the test worlds: records through the real import, the rest as rows.

A world is a short composition: ``imported`` for recommendations (the import writes terms, texts,
search documents and revisions as it does in production), then ``building`` for what staff add on
top (entities, users, local fields, clusters, actions, indicators, progress in any state). Worlds
that must go through the staff API itself (tests/public/world.py) use ``imported`` and
``tests.accounts`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, update
from sqlalchemy.orm import Session

from app.feed.records import SourceRecord
from app.models import (
    Action,
    ActionCluster,
    ActionEntity,
    ActionRecommendation,
    Cluster,
    ClusterRecommendation,
    Entity,
    EvidenceFile,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Recommendation,
    User,
)
from app.models.base import utcnow
from app.models.local import DEFAULT_STATUS, RecommendationEntity, RecommendationLocal
from tests.accounts import create_user
from tests.factories import ids_by_external_id, import_records

# A progress update's state as the tests name it: "published" is an approved update made public.
PROGRESS_STATES = ("draft", "submitted", "returned", "approved", "published")


def bare_recommendation(
    conn: Connection,
    mechanism_id: int,
    external_id: str,
    *,
    withdrawn: bool = False,
    day: date = date(2024, 1, 1),
) -> int:
    """A recommendation row alone (no text, terms or search document), for a test that reads only the
    row: what counts it, what links to it, its withdrawal."""
    row = (
        insert(Recommendation)
        .values(
            source="uhri",
            external_id=external_id,
            type="recommendation",
            mechanism_id=mechanism_id,
            position="none",
            sort_date=date(2024, 1, 1),
            content_hash="x",
            needs_review=False,
            withdrawn=withdrawn,
        )
        .returning(Recommendation.id)
    )
    return int(conn.execute(row).scalar_one())


def imported(engine: Engine, records: Iterable[SourceRecord], *, source: str = "uhri") -> dict[str, int]:
    """One committed import run of ``records``; every recommendation's id by its external id."""
    import_records(engine, records, source=source)
    return ids_by_external_id(engine)


class Builder:
    """Rows staff would add, flushed as they are made so their ids are known."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _add(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def entity(self, name: str, *, kind: str = "ministry", **fields: Any) -> Entity:
        entity = Entity(name=name, kind=kind, **fields)
        self._add(entity)
        return entity

    def user(self, email: str, role: str, *, entity_id: int | None = None) -> int:
        """A user who can log in with ``tests.accounts.PASSWORD``."""
        return create_user(self.session.connection(), email, role, entity_id=entity_id)

    def local(self, recommendation_id: int, *, published: bool = True, **fields: Any) -> RecommendationLocal:
        """The local follow-up of a recommendation (status, priority, notes...).

        ``published``: the status and priority are also the published ones (what the public sees), as
        a coordinator's publication would make them; give ``published_status`` / ``published_priority``
        to make them differ."""
        if published:
            fields.setdefault("published_status", fields.get("status", DEFAULT_STATUS))
            fields.setdefault("published_priority", fields.get("priority"))
            fields.setdefault("published_at", utcnow())
        local = RecommendationLocal(recommendation_id=recommendation_id, **fields)
        self._add(local)
        return local

    def responsible(self, recommendation_id: int, entity_id: int, responsibility: str = "lead") -> None:
        self._add(
            RecommendationEntity(
                recommendation_id=recommendation_id, entity_id=entity_id, responsibility=responsibility
            )
        )

    def cluster(self, name: str, members: Iterable[int] = (), **fields: Any) -> Cluster:
        cluster = Cluster(name=name, **fields)
        self._add(cluster)
        self._add(*(ClusterRecommendation(cluster_id=cluster.id, recommendation_id=m) for m in members))
        return cluster

    def action(
        self,
        title: str,
        *,
        recommendations: Iterable[int] = (),
        clusters: Iterable[int] = (),
        entities: Iterable[int] = (),
        **fields: Any,
    ) -> Action:
        """An action linked to recommendations and clusters; ``entities`` are its supporting entities."""
        action = Action(title=title, **fields)
        self._add(action)
        self._add(
            *(ActionRecommendation(action_id=action.id, recommendation_id=r) for r in recommendations),
            *(ActionCluster(action_id=action.id, cluster_id=c) for c in clusters),
            *(ActionEntity(action_id=action.id, entity_id=e) for e in entities),
        )
        return action

    def indicator(self, action_id: int, name: str, **fields: Any) -> Indicator:
        indicator = Indicator(action_id=action_id, name=name, **fields)
        self._add(indicator)
        return indicator

    def progress(
        self,
        action_id: int,
        state: str,
        narrative: str,
        *,
        reported_on: date = date(2026, 1, 1),
        published_at: datetime | None = None,
        **fields: Any,
    ) -> ProgressUpdate:
        """A progress update in ``state`` (one of ``PROGRESS_STATES``)."""
        assert state in PROGRESS_STATES, state
        published = state == "published"
        update = ProgressUpdate(
            action_id=action_id,
            reported_on=reported_on,
            narrative=narrative,
            state="approved" if published else state,
            published=published,
            published_at=(published_at or datetime.now(UTC)) if published else None,
            **fields,
        )
        self._add(update)
        return update

    def evidence(self, progress_id: int, filename: str, media_type: str, size: int) -> EvidenceFile:
        """A file's row only: no stored content (what is shown of a file, not the file)."""
        row = EvidenceFile(
            progress_update_id=progress_id,
            filename=filename,
            media_type=media_type,
            size=size,
            sha256="0" * 64,
        )
        self._add(row)
        return row

    def value(
        self,
        indicator_id: int,
        state: str,
        value: float,
        *,
        measured_on: date = date(2026, 1, 1),
        **fields: Any,
    ) -> IndicatorValue:
        """An indicator value in review ``state`` (draft, submitted, returned, approved)."""
        row = IndicatorValue(
            indicator_id=indicator_id, measured_on=measured_on, value=value, state=state, **fields
        )
        self._add(row)
        return row

    def withdraw(self, recommendation_id: int) -> None:
        """The recommendation left the feed (as a full export without it would have it)."""
        self.session.execute(
            update(Recommendation).where(Recommendation.id == recommendation_id).values(withdrawn=True)
        )

    def author(self, email: str, *, entity_id: int | None = None) -> User:
        """A focal point who signs progress updates and cannot log in."""
        user = User(email=email, role="focal_point", entity_id=entity_id, password_hash="x")
        self._add(user)
        return user


@contextmanager
def building(bind: Engine | Connection) -> Iterator[Builder]:
    """One transaction of rows, committed when the block ends (a savepoint inside a test's connection).
    The rows stay readable after it."""
    session = Session(bind, join_transaction_mode="create_savepoint", expire_on_commit=False)
    with session, session.begin():
        yield Builder(session)
