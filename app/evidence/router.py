"""HTTP layer of evidence files: upload (multipart), list, describe, download, remove."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData, UploadFile
from starlette.responses import FileResponse

from app.auth.deps import CredentialsBeforeBody, StaffUser
from app.core.catalogue import marked as _
from app.core.deps import AppSettings, DbSession, RowId
from app.core.errors import InvalidInput
from app.core.etag import etag
from app.core.problem_docs import problem_responses
from app.evidence import service
from app.evidence.schemas import EvidenceList, EvidenceOut
from app.evidence.sending import download, sent_file, store_of, upload_form
from app.idempotency.header import CREATED, Idempotent

router = APIRouter(tags=["plans"])

UPLOAD_PATH = "/api/v1/progress/{id}/evidence"
_MULTIPART: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "One file: PDF, PNG, JPEG, GIF, WebP, TIFF, Word, Excel, "
                            "PowerPoint, OpenDocument, CSV or plain UTF-8 text; at most "
                            "NRTD_EVIDENCE_MAX_BYTES",
                        }
                    },
                }
            }
        },
    }
}
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The file, as an attachment, with the media type found from its content",
    }
}


async def _form(request: Request) -> FormData:
    return await upload_form(request)


@router.post(
    "/progress/{progress_id}/evidence",
    status_code=201,
    summary="Attach a file to a draft or returned progress update (multipart field `file`)",
    description="The type is found from the content, not the name: PDF, images (PNG, JPEG, GIF, WebP, "
    "TIFF), office documents (Word, Excel, PowerPoint, OpenDocument), CSV and plain UTF-8 text. "
    "Anything else (programs, web pages, SVG, archives, empty files) is a 422 naming `file` and the "
    "reason; a file over NRTD_EVIDENCE_MAX_BYTES is a 413; a 507 when the server cannot write it to its "
    "storage (full or read-only: nothing is attached). JPEG, PNG, WebP and TIFF images are stored "
    "without their metadata (EXIF with its GPS position, XMP, IPTC, comments, thumbnails; the orientation "
    "kept, no pixel re-encoded): the `size` and `sha256` returned are those of the stored file, not of the "
    "one sent; an image whose structure cannot be followed is a 422.",
    responses={**problem_responses(409, 413, 507), **CREATED},
    openapi_extra=_MULTIPART,
    # Before anything: the credentials, so that nobody without them has the body received.
    dependencies=[CredentialsBeforeBody],
    response_model=EvidenceOut,
)
def attach_evidence(
    # Then the body is received (and its size checked) before the unit of work begins.
    form: Annotated[FormData, Depends(_form)],
    db: DbSession,
    actor: StaffUser,
    settings: AppSettings,
    progress_id: RowId,
    once: Idempotent,
) -> Response:
    uploaded = form.get("file")
    if not isinstance(uploaded, UploadFile):
        raise InvalidInput(
            "send the file as the multipart field `file`",
            errors=[{"field": "file", "reason": _("is required")}],
        )
    if (earlier := once.replay(db, lambda: sent_file(uploaded))) is not None:
        return earlier
    out = service.attach(
        db,
        actor,
        store_of(settings),
        progress_id,
        uploaded.file,
        uploaded.filename,
        settings.evidence_max_bytes,
    )
    # A file is never changed, only removed: its version is always 1.
    return once.answer(db, 201, out, etag=etag(1), location=f"/api/v1/evidence/{out.id}")


@router.get("/progress/{progress_id}/evidence", summary="The files attached to a progress update")
def list_evidence(db: DbSession, actor: StaffUser, progress_id: RowId) -> EvidenceList:
    return service.list_evidence(db, actor, progress_id)


@router.get("/evidence/{evidence_id}", summary="One evidence file's description")
def get_evidence(db: DbSession, actor: StaffUser, evidence_id: RowId) -> EvidenceOut:
    return service.get_evidence(db, actor, evidence_id)


@router.get(
    "/evidence/{evidence_id}/content",
    summary="Download an evidence file (staff who may read its progress update)",
    response_class=FileResponse,
    responses=_FILE,
)
def download_evidence(db: DbSession, actor: StaffUser, settings: AppSettings, evidence_id: RowId) -> Response:
    row = service.readable_file(db, actor, evidence_id)
    return download(service.stored_path(store_of(settings), row), row, "private, no-store")


@router.delete(
    "/evidence/{evidence_id}",
    status_code=204,
    summary="Remove a file from a draft or returned progress update",
    responses=problem_responses(409),
)
def remove_evidence(db: DbSession, actor: StaffUser, evidence_id: RowId) -> Response:
    service.remove(db, actor, evidence_id)
    return Response(status_code=204)
