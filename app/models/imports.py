"""Import runs, what they rejected, and the cross-process import lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

OUTCOMES = ("succeeded", "failed", "not_modified")
# What a run read (``format``): the UHRI full export (json), the UHRI search export (xlsx), a UPR Info
# export or the template as CSV (csv), the template of manual recommendations saved as an Excel
# workbook (template-xlsx). Runs of that workbook stored before it had a value of its own say "xlsx"
# with the source "manual": ``run_format`` reads them as "template-xlsx".
TEMPLATE_WORKBOOK = "template-xlsx"
FORMATS = ("json", "xlsx", "csv", TEMPLATE_WORKBOOK)


def run_format(source: str, stored: str) -> str:
    """A run's format as it is shown: an old run of the template's workbook as one."""
    return TEMPLATE_WORKBOOK if source == "manual" and stored == "xlsx" else stored


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    format: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(255))
    languages: Mapped[str] = mapped_column(String(64), default="en")
    full_export: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    read: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # other countries' records
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class RejectedRecord(Base):
    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)


class ImportWarning(Base):
    """Something an import run could read only in part (a follow-up paragraph naming a paragraph the
    document lacks): the records were written; this says what was not understood."""

    __tablename__ = "import_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(300))  # "CAT/C/PER/CO/7, paragraph 45"
    message: Mapped[str] = mapped_column(Text)


class FeedValidator(Base):
    """HTTP validators (ETag, Last-Modified) of the last good import of a URL, per scope.

    The scope is the country filter of that run ("*" for all countries): a 304 says the file is
    the same, which only means "nothing to do" for a run that would keep the same records.
    """

    __tablename__ = "feed_validators"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    scope: Mapped[str] = mapped_column(String(255), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))


class ImportLease(Base):
    """The import lock on SQLite (PostgreSQL uses an advisory lock instead)."""

    __tablename__ = "import_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
