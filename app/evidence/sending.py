"""An evidence file as an HTTP answer: always a download, never a page the browser renders."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

from app.core.caching import etag_matches
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.config import Settings
from app.core.downloads import content_disposition
from app.core.errors import ContentTooLarge, InvalidInput
from app.evidence.names import FALLBACK_NAME
from app.evidence.service import too_large_reason
from app.evidence.storage import BlobStore
from app.models import EvidenceFile

# Served content runs nothing even if a browser were to render it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"
# The multipart envelope around the files (boundaries, part headers, a CSRF token, and the text of
# the update that the staff page's Attach saves with them: a narrative of 20,000 characters is up to
# 80 KB): the body limit of an evidence upload route is NRTD_EVIDENCE_MAX_BYTES (times the files a
# form may send) plus this.
FORM_OVERHEAD = 256 * 1024
FILES_PER_FORM = 5


def store_of(settings: Settings) -> BlobStore:
    return BlobStore(settings.storage_dir)


def download(
    path: str,
    row: EvidenceFile,
    cache_control: str,
    if_none_match: str | None = None,
    vary: str | None = None,
) -> Response:
    """The stored file, read and sent in pieces, as an attachment named as uploaded (made safe), with
    the ETag of its content (its SHA-256, as a public answer's ETag is its body's hash); an empty 304
    when ``if_none_match`` (the request's If-None-Match) names it. ``vary``: the request headers the
    answer depends on, for a cache that may keep it (the public file's credentials)."""
    tag = '"' + row.sha256[:32] + '"'
    cache = {"Cache-Control": cache_control, "ETag": tag, **({"Vary": vary} if vary else {})}
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=cache)
    return FileResponse(
        path,
        media_type=row.media_type,
        headers={
            "Content-Disposition": content_disposition(row.filename, FALLBACK_NAME),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": DOWNLOAD_CSP,
            **cache,
        },
    )


async def upload_form(request: Request, max_files: int = 1) -> FormData:
    """The multipart form, parsed before the route's unit of work begins (a slow upload holds no
    database lock); its files are spooled to disk, at most 1 MB of each in memory. A body over the
    route's limit is stopped while it arrives (app/core/body_limit.py): 413 naming the field."""
    settings: Settings = request.app.state.settings
    try:
        return await request.form(max_files=max_files, max_fields=20)
    except ContentTooLarge:
        reason = too_large_reason(settings.evidence_max_bytes)
        raise ContentTooLarge(f"the file {reason}", errors=[{"field": "file", "reason": reason}]) from None
    except HTTPException as exc:
        # Starlette's own 400 for a form over its limits: the files are what a person sends too many of.
        if exc.status_code != 400 or not str(exc.detail).startswith("Too many files"):
            raise
        reason = too_many_files(max_files)
        raise InvalidInput(f"file: {reason}", errors=[{"field": "file", "reason": reason}]) from None


def too_many_files(max_files: int) -> str:
    return (
        _("one file per upload")
        if max_files == 1
        else Reason(_("at most %(count)s files in one upload"), count=max_files)
    )


def sent_file(uploaded: UploadFile) -> dict[str, Any]:
    """What an upload asked, for its ``Idempotency-Key``: the file's name and the SHA-256 of its bytes
    (a retry sends the same file under a new multipart boundary). The file is read from its start and
    left at its start."""
    digest = hashlib.sha256()
    uploaded.file.seek(0)
    while chunk := uploaded.file.read(1 << 20):
        digest.update(chunk)
    uploaded.file.seek(0)
    return {"file": uploaded.filename, "sha256": digest.hexdigest()}
