"""Response shapes of evidence files (they are uploaded as multipart, not JSON)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.core.timestamps import UtcDateTime


def content_url(evidence_id: int) -> str:
    return f"/api/v1/evidence/{evidence_id}/content"


def workspace_url(evidence_id: int) -> str:
    """Where a person downloads the file in the browser, signed in to the staff workspace (the API's
    address takes a bearer token, which a browser following a link does not send)."""
    return f"/staff/evidence/{evidence_id}"


class EvidenceOut(BaseModel):
    id: int
    progress_update_id: int
    filename: str = Field(description="The uploaded name, made safe (no path, no control characters)")
    media_type: str = Field(description="What the content was found to be (not what the name says)")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the content")
    uploaded_by_id: int | None
    created_at: UtcDateTime
    url: str = Field(description="Where staff who may read the update download it")


class EvidenceList(BaseModel):
    items: list[EvidenceOut] = Field(description="Oldest first")
    total: int
