"""A create form sent twice creates one thing.

Edits are guarded by versions (a second sending of the same edit is refused as a change already
made); a create form has no version to compare. Each create form's page carries a one-time token
(the hidden field ``form_token``, new each time the page is drawn). The first sending claims it in
``form_submissions`` within the request's transaction and records the page it led to; a second
sending with the same token (a double click, the button pressed again on a slow connection, a reload
of the page the POST answered) creates nothing and is sent to that page. Two sendings at once queue
on the row's key: the second waits for the first's commit, then follows it. The claim is the rule the
JSON API's ``Idempotency-Key`` follows too (app/idempotency/claims.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import Response
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.idempotency import claims
from app.models import FormSubmission

FIELD = "form_token"


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
    row = FormSubmission(user_id=user_id, token=token)
    earlier = claims.claim(
        db,
        row,
        owner=[FormSubmission.user_id == user_id],
        same_key=[FormSubmission.token == token],
        claimed_at=FormSubmission.created_at,
    )
    # Empty when the first sending created nothing (its values were refused): this one may create.
    return earlier.location if earlier is not None else None


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
