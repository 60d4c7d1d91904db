"""The evidence files of progress updates, in bulk (one statement for a page of updates)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.content import BINARY_KINDS, CSV, TEXT
from app.evidence.schemas import EvidenceOut, content_url
from app.models import EvidenceFile


def evidence_out(row: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=row.id,
        progress_update_id=row.progress_update_id,
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_by_id=row.uploaded_by_id,
        created_at=row.created_at,
        url=content_url(row.id),
    )


def evidence_rows(session: Session, progress_ids: Collection[int]) -> dict[int, list[EvidenceFile]]:
    """By progress update id, its files, oldest first."""
    result: dict[int, list[EvidenceFile]] = defaultdict(list)
    if not progress_ids:
        return result
    rows = session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.progress_update_id.in_(sorted(set(progress_ids))))
        .order_by(EvidenceFile.created_at, EvidenceFile.id)
    )
    for row in rows:
        result[row.progress_update_id].append(row)
    return result


def evidence_of(session: Session, progress_ids: Collection[int]) -> dict[int, list[EvidenceOut]]:
    return {
        key: [evidence_out(row) for row in rows] for key, rows in evidence_rows(session, progress_ids).items()
    }


def type_name(media_type: str) -> str:
    """A file's type as people name it in any language, by its extension: "PDF", "DOCX", "PNG"."""
    kind = BINARY_KINDS.get(media_type) or {CSV.media_type: CSV, TEXT.media_type: TEXT}.get(media_type)
    return kind.extension.upper() if kind is not None else media_type
