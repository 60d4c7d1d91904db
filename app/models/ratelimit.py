"""The public rate limit's counts when no Redis is configured (app.core.ratelimit writes them)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.ratelimit import TABLE
from app.models.base import Base


class RateLimitWindow(Base):
    """Requests one client made in one minute (``window_start`` counts minutes since the epoch)."""

    __tablename__ = TABLE

    client: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
