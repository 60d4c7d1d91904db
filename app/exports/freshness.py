"""When the public data last changed, and when the source was last imported: the open-data page
and the exports' metadata say both.

"Last published change" is the newest time anything the public sees changed: a current
recommendation's feed data (``updated_at``, set by imports and manual edits), its published status
and priority (``published_at``: a coordinator's working change is not public until published, and
its time is not either), a published action or cluster (``updated_at``), and what a published
action shows: its published progress updates (``published_at``), its indicators (``updated_at``)
and their approved values (``reviewed_at``); and the last time something left the public's view,
which those rows no longer show: a recommendation's ``withdrawn_at`` (an import's withdrawal, or a
manual one archived; restoring one is the trail's ``recommendation.unarchive``), a copy linked to its
UHRI record or unlinked (the link's ``updated_at``), the audit trail's
``progress.unpublish``, and the ``action.update``
or ``cluster.update`` that changed ``published`` or ``archived`` (a withdrawal, or a publication
counted already); and the responsible entities the public reads (the trail's ``recommendation.update``
of a lead or supporting entity, ``entity.update`` of a name or acronym). It is one statement of fourteen
``max()``; a change of
internal fields alone (notes, budgets) of a published action can move it too, since those rows
carry one ``updated_at``, but never shows what changed. "Last import" is the end of the newest import run
that succeeded or found the source unchanged: the time the data was last checked against its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_is_public
from app.core.timestamps import as_utc
from app.models import (
    Action,
    AuditEvent,
    Cluster,
    ImportRun,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Recommendation,
    RecommendationLocal,
    SourceLink,
)
from app.recommendations import kept

IMPORTED = ("succeeded", "not_modified")


@dataclass(frozen=True)
class DataDates:
    published_change: datetime | None
    last_import: datetime | None


def _newest(column: Any, *where: Any) -> Any:
    return select(func.max(column)).where(*where).scalar_subquery()


def data_dates(session: Session) -> DataDates:
    """Kept per data version (``kept.counts``), which every change counted here moves: the newest
    current recommendation's ``updated_at`` has no index, and finding it read all of them (57 ms at
    250,000, on every view of the open-data page and every export)."""
    return DataDates(**kept.counts.get(session, ["data dates"], lambda: _read(session)))


def _withdrawals() -> list[Any]:
    """The newest audit events that may have taken something out of the public's view: the object no
    longer counts among the public rows above, so only the trail keeps the time. Two ``max()``, each
    reading through the index on ``action`` (one ``OR`` of them would read the whole trail)."""
    before = cast(AuditEvent.before, String)  # JSON on SQLite, JSONB on PostgreSQL: their text
    return [
        # A recommendation withdrawn (by an import, or archived by hand) leaves the public files; one
        # archived by hand and restored comes back with its own time unchanged.
        _newest(Recommendation.withdrawn_at, Recommendation.withdrawn.is_(True)),
        _newest(AuditEvent.at, AuditEvent.action == "recommendation.unarchive"),
        # A copy linked to its UHRI record leaves the public files (the record stands for both), one
        # unlinked comes back as a recommendation of its own: the link's time.
        _newest(SourceLink.updated_at),
        _newest(AuditEvent.at, AuditEvent.action == "progress.unpublish"),
        _newest(
            AuditEvent.at,
            AuditEvent.action.in_(("action.update", "cluster.update")),
            or_(before.like('%"published"%'), before.like('%"archived"%')),
        ),
    ]


def _entity_changes() -> list[Any]:
    """The newest changes of the responsible entities the public reads, which no public row times: a
    recommendation's lead or supporting entities (public as soon as assigned), and an entity's name or
    acronym (how every public file names it). An event records only the fields it changed, so an edit
    of the notes or of an entity's contact details (never public) is not counted."""
    before = cast(AuditEvent.before, String)
    return [
        _newest(
            AuditEvent.at,
            AuditEvent.action == "recommendation.update",
            or_(before.like('%"lead_entity_id"%'), before.like('%"supporting_entity_ids"%')),
        ),
        _newest(
            AuditEvent.at,
            AuditEvent.action == "entity.update",
            or_(before.like('%"name"%'), before.like('%"acronym"%')),
        ),
    ]


def _read(session: Session) -> dict[str, datetime | None]:
    # What hangs under an action is public only while the action is (docs/publishing.md).
    public_action = select(Action.id).where(Action.published.is_(True))
    public_indicator = select(Indicator.id).where(Indicator.action_id.in_(public_action))
    row = session.execute(
        select(
            _newest(ImportRun.finished_at, ImportRun.outcome.in_(IMPORTED)),
            _newest(Recommendation.updated_at, Recommendation.withdrawn.is_(False)),
            _newest(RecommendationLocal.published_at),
            _newest(Action.updated_at, Action.published.is_(True)),
            _newest(Cluster.updated_at, *cluster_is_public()),
            _newest(
                ProgressUpdate.published_at,
                ProgressUpdate.state == "approved",
                ProgressUpdate.published.is_(True),
                ProgressUpdate.action_id.in_(public_action),
            ),
            _newest(Indicator.updated_at, Indicator.action_id.in_(public_action)),
            _newest(
                IndicatorValue.reviewed_at,
                IndicatorValue.state == "approved",
                IndicatorValue.indicator_id.in_(public_indicator),
            ),
            *_withdrawals(),
            *_entity_changes(),
        )
    ).one()
    changes = [as_utc(value) for value in row[1:] if value is not None]
    return {
        "published_change": max(changes) if changes else None,
        "last_import": as_utc(row[0]) if row[0] is not None else None,
    }
