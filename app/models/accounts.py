"""Institutions, people and their credentials: entities, users, login tokens, API keys, login failures
and the addresses each user logged in from."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

EntityKind = Literal[
    "ministry",
    "agency",
    "parliament",
    "judiciary",
    "nhri",
    "statistics_office",
    "civil_society",
    "other",
]


class Entity(Base):
    """A ministry or other institution responsible for recommendations and actions; archived, not deleted."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    acronym: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(255))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_phone: Mapped[str | None] = mapped_column(String(64))
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class User(Base):
    """A person with a role. Deactivated, never deleted. Email is stored lower-cased."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an admin created the account or reset its password: its owner picks a new one first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the password was last set: a temporary one (must_change_password) expires from then on.
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language of the reminder digests (an interface language) and how often they come.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    digest: Mapped[str] = mapped_column(String(8), default="weekly", server_default="weekly")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


DigestFrequency = Literal["daily", "weekly", "never"]
DIGEST_FREQUENCIES = get_args(DigestFrequency)


# A calendar token opens one user's iCalendar feed (GET /api/v1/calendar.ics) and nothing else.
TokenKind = Literal["bearer", "session", "calendar"]


class AuthToken(Base):
    """An opaque bearer token from a login, a staff workspace's browser session (its cookie), or the
    secret in a user's calendar feed URL; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(8), default="bearer", server_default="bearer")
    # A session's token for its forms (CSRF), and when it was last used (the idle timeout).
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """A machine client's key: shown once, stored as SHA-256, scoped, revocable."""

    __tablename__ = "api_keys"
    # One name per creator among the keys in use: a revoked key's name may be given to its
    # replacement. Named uq_<table>_<column> so that app.core.unique refuses a duplicate naming `name`.
    __table_args__ = (
        Index(
            "uq_api_keys_name",
            "created_by_id",
            "name",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # The first characters of the key, stored in clear so an admin can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    scope: Mapped[str] = mapped_column(String(8), default="read")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When it last authenticated a request, written at most once a minute (app.auth.service).
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """One failed login: the email tried and the client address, to slow down guessing.

    Counted per (account, address) pair, per account and per address; kept in the database so
    every replica sees the same counts. Rows older than the counting window are ignored.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_at", "account", "failed_at"),
        Index("ix_login_failures_address_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(320))  # the email tried, normalised
    address: Mapped[str] = mapped_column(String(64))  # the client address, or "unknown"
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)


class KnownLoginAddress(Base):
    """An address a user logged in from with the right password: logins from it pass the
    per-account ceiling that a flood from elsewhere trips. Only a hash of the address is kept."""

    __tablename__ = "known_login_addresses"
    __table_args__ = (UniqueConstraint("user_id", "address_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The unique constraint's index (user_id first) serves the lookups by user.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address_hash: Mapped[str] = mapped_column(String(64))
    last_login_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
