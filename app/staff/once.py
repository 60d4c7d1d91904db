"""A create form sent twice creates one thing.

Edits are guarded by versions (a second sending of the same edit is refused as a change already
made); a create form has no version to compare. Each create form's page carries a one-time token
(the hidden field ``form_token``, new each time the page is drawn). The first sending claims it in
``form_submissions`` within the request's transaction and records the page it led to; a second
sending with the same token (a double click, the button pressed again on a slow connection, a reload
of the page the POST answered) creates nothing and is sent to that page. Two sendings at once queue
on the row's key: the second waits for the first's commit, then follows it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import Response
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.models import FormSubmission
from app.models.base import utcnow

FIELD = "form_token"
# A page left open longer than this before its form is sent again is no longer recognised.
KEPT_FOR = timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _token(values: Mapping[str, Any]) -> str | None:
    token = values.get(FIELD)
    # A page drawn before forms carried a token sends none: it is created as it always was.
    return token if isinstance(token, str) and 16 <= len(token) <= 64 else None


def sent_before(db: Session, staff: StaffSession, values: Mapping[str, Any]) -> str | None:
    """The page the first sending of this form led to, if this is a second sending; else None, and
    the token is claimed by this request (``settle`` records where it leads)."""
    token, user_id = _token(values), staff.actor.user_id
    if token is None or user_id is None:
        return None
    db.execute(
        delete(FormSubmission).where(
            FormSubmission.user_id == user_id, FormSubmission.created_at < utcnow() - KEPT_FOR
        )
    )
    try:
        with db.begin_nested():  # a token already claimed undoes this insert only
            db.add(FormSubmission(user_id=user_id, token=token))
    except IntegrityError:
        # Claimed by a sending already committed (a concurrent one waited for it here). Empty when that
        # sending created nothing (its values were refused): this one may create.
        return db.scalar(
            select(FormSubmission.location).where(
                FormSubmission.user_id == user_id, FormSubmission.token == token
            )
        )
    return None


def settle(
    db: Session,
    staff: StaffSession,
    values: Mapping[str, Any],
    response: Response,
    location: str | None = None,
) -> Response:
    """Record where the first sending led (``location``, else the response's redirect) and return the
    response."""
    token, user_id = _token(values), staff.actor.user_id
    where = location or response.headers.get("location") or response.headers.get("hx-redirect")
    if token is not None and user_id is not None and where:
        row = db.get(FormSubmission, (user_id, token))
        if row is not None:
            row.location = where
    return response
