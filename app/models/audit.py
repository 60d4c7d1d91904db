"""The append-only audit trail: who did what to which object, with before and after values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, DateTime, ForeignKey, Index, Integer, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.models.base import Base, JSONType, utcnow

# Audit actions about accounts and access (logins, failed ones included, refusals, users, API keys):
# they change no recommendation data, so they leave the data version alone.
ACCOUNT_EVENT_PREFIXES = ("auth.", "authz.", "user.", "api_key.")


class AuditEvent(Base):
    """One event. Never updated: a trigger made by the migration refuses UPDATE on both databases."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id", "id"),
        Index("ix_audit_events_actor", "actor_user_id", "id"),
        Index("ix_audit_events_action", "action", "id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    # Who, as shown: the email, "api-key:<name>", or what a failed login claimed to be.
    actor: Mapped[str | None] = mapped_column(String(400))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))  # "recommendation.update", "auth.login_failed", ...
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))


class DataVersion(Base):
    """One row (id 1, made by the migration): a counter that every transaction changing data bumps
    just before it commits, so the data version (``app.recommendations.reading.data_version``)
    moves in commit order. An audit event's id is given out when it is inserted: on PostgreSQL two
    writers may commit out of id order, and the newest id alone would then miss the later commit.
    The counter's row lock is taken last, after the transaction's own rows are written, and held
    for the commit only: writers queue there for a moment and never deadlock on it."""

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


_BUMP = update(DataVersion).where(DataVersion.id == 1).values(counter=DataVersion.counter + 1)
_DATA_CHANGED = "nrtd.data_changed"


def bump_data_version(conn: Connection | Session) -> None:
    """For a write that records no audit event of its own (search documents rebuilt, links
    rescored), as the last statement of its transaction."""
    conn.execute(_BUMP)


@event.listens_for(Session, "before_flush")
def _note_data_events(session: Session, _context: object, _instances: object) -> None:
    new = session.new
    if any(isinstance(obj, AuditEvent) and not obj.action.startswith(ACCOUNT_EVENT_PREFIXES) for obj in new):
        session.info[_DATA_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    """A session whose transaction records a data event (``app.audit.service.record``) bumps the
    counter as its last statement."""
    session.flush()  # the transaction's own rows first: the counter's lock is the last one taken
    if session.info.pop(_DATA_CHANGED, False):
        bump_data_version(session)


@event.listens_for(Session, "after_rollback")
def _forget_data_events(session: Session) -> None:
    session.info.pop(_DATA_CHANGED, None)
