"""The evidence files a report lists under a progress update, with the address to open each at.

A public report only ever shows published updates of published actions, exactly the updates whose
files the public API serves (``app.public.evidence``): their public address. A staff report gives
the staff address, the one its reader may open whatever the update's state. Addresses are absolute
(``address``, the site's): a Word or Excel file handed on has no page to resolve a path against.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.evidence.reading import evidence_rows, type_name
from app.evidence.schemas import content_url
from app.models import ProgressUpdate
from app.public.schemas import public_evidence_url
from app.reports.schemas import ReportEvidenceFile


def report_files(
    session: Session, updates: Iterable[ProgressUpdate], *, public: bool, address: str
) -> dict[int, list[ReportEvidenceFile]]:
    """By progress update id, the files of ``updates`` (those the report shows), oldest first: one
    statement."""
    link = public_evidence_url if public else content_url
    return {
        progress_id: [
            ReportEvidenceFile(
                filename=row.filename,
                type=type_name(row.media_type),
                size=row.size,
                url=address.rstrip("/") + link(row.id),
            )
            for row in rows
        ]
        for progress_id, rows in evidence_rows(session, {update.id for update in updates}).items()
    }
