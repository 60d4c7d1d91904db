"""HTTP side of ``Idempotency-Key`` (the IETF httpapi draft's header) on the JSON API's create routes.

A route takes ``Idempotent`` (the header, checked, with the caller and the route) and, like a staff
create form with its one-time token (app/staff/once.py), asks first whether this request was answered
before, then has its answer recorded::

    if (earlier := once.replay(db, body)) is not None:
        return earlier
    detail, tag = service.create_thing(db, actor, body)
    return once.answer(db, 201, detail, etag=tag, location=f"/api/v1/things/{detail.id}")

A route without the header is answered as it always was. The answer is the same JSON, byte for byte,
the first time and on a replay (but for an API key's secret, never kept); a replay adds
``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth.deps import current_actor
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.etag import ETAG_HEADER, LOCATION_HEADER
from app.idempotency import service
from app.idempotency.service import HEADER, MAX_LENGTH, Answer

REPLAYED = "Idempotent-Replayed"
REPLAYED_HEADER: dict[str, Any] = {
    REPLAYED: {
        "description": "`true` when this is the answer to an earlier request with the same Idempotency-Key, "
        "given again (nothing was created this time)",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
# The create routes' 201 in the OpenAPI document: the new resource's version and address, and whether
# the answer is a replay.
CREATED: dict[int | str, dict[str, Any]] = {
    201: {"headers": {**ETAG_HEADER, **LOCATION_HEADER, **REPLAYED_HEADER}}
}
DESCRIPTION = (
    "Optional. A key of your choice, 1 to 255 printable ASCII characters (e.g. a UUID; compared as sent, "
    "a Structured Field string's quotes included), making a retry of this create safe: a repeat with the "
    "same key and the same body, by the same user or API key on the same path, creates nothing and is "
    "answered what the first request was (same status, body, Location and ETag, plus "
    "`Idempotent-Replayed: true`); the same key with another body is a 422. A request that failed "
    "(4xx, 5xx) does not keep the key: its retry is processed anew. A retry sent while the first is "
    "still being processed waits for it, then is answered its answer. Keys are kept two days."
)
_PRINTABLE = r"[\x20-\x7e]+"
# What the header may hold, in the OpenAPI document.
_SCHEMA = {"minLength": 1, "maxLength": MAX_LENGTH, "pattern": f"^{_PRINTABLE}$"}


def _key(sent: str) -> str:
    if not sent or len(sent) > MAX_LENGTH:
        reason = _("must be 1 to 255 characters long")
    elif not re.fullmatch(_PRINTABLE, sent):
        reason = _("must be printable ASCII characters only (no control or non-ASCII characters)")
    else:
        return sent
    raise InvalidInput(f"{HEADER}: {reason}", errors=[{"field": HEADER, "reason": reason}])


@dataclass(frozen=True)
class Idempotency:
    """The request's ``Idempotency-Key`` (None: not sent), its caller and its route (method and path)."""

    key: str | None
    actor: Actor
    route: str

    def replay(self, db: Session, sent: BaseModel | Callable[[], Mapping[str, Any]]) -> Response | None:
        """The first answer again, if this request repeats an earlier one with its key; else None and
        the key is this request's. ``sent`` is what the request asked: its body, or a function giving
        what stands for it (an upload's name and digest), called only when a key was sent."""
        if self.key is None:
            return None
        fields = sent.model_dump(mode="json") if isinstance(sent, BaseModel) else sent()
        earlier = service.sent_before(db, self.actor, self.route, self.key, service.fingerprint(fields))
        if earlier is None:
            return None
        return Response(
            earlier.body,
            status_code=earlier.status,
            headers={**earlier.headers, REPLAYED: "true"},
            media_type="application/json",
        )

    def answer(
        self,
        db: Session,
        status: int,
        content: BaseModel,
        *,
        etag: str | None = None,
        location: str | None = None,
        headers: Mapping[str, str] | None = None,
        kept: BaseModel | None = None,
    ) -> Response:
        """The route's answer (``content`` as JSON, with its ETag, Location and other headers), recorded
        for the retries of this request when it carries a key. ``kept``: what a retry is answered
        instead of ``content`` (an API key's description without its secret, shown once only)."""
        sent = dict(headers or {})
        if etag is not None:
            sent["ETag"] = etag
        if location is not None:
            sent["Location"] = location
        response = JSONResponse(_json(content), status_code=status, headers=sent)
        if self.key is not None:
            body = response.body if kept is None else JSONResponse(_json(kept)).body
            service.record(db, self.actor, self.route, self.key, Answer(status, bytes(body).decode(), sent))
        return response


def _json(content: BaseModel) -> Any:
    """``content`` as FastAPI writes a route's response model."""
    return content.model_dump(mode="json", by_alias=True)


def idempotency(
    request: Request,
    actor: Annotated[Actor, Depends(current_actor)],
    key: Annotated[
        str | None, Header(alias=HEADER, description=DESCRIPTION, json_schema_extra=_SCHEMA)
    ] = None,
) -> Idempotency:
    return Idempotency(
        key=None if key is None else _key(key),
        actor=actor,
        route=f"{request.method} {request.url.path}",
    )


Idempotent = Annotated[Idempotency, Depends(idempotency)]
