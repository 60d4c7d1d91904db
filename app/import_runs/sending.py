"""The CSV template of manual recommendations as a download: one answer for the API and the staff
workspace (each behind its own credentials: a token, or the staff session)."""

from __future__ import annotations

from fastapi import Response

from app.feed.template.columns import TEMPLATE_FILENAME, TEMPLATE_MEDIA_TYPE, template_download

DISPOSITION = f'attachment; filename="{TEMPLATE_FILENAME}"'


def template_response() -> Response:
    return Response(
        content=template_download(),
        media_type=TEMPLATE_MEDIA_TYPE,
        headers={"Content-Disposition": DISPOSITION},
    )
