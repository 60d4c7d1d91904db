"""The JSON API's ``Idempotency-Key``: a create request sent again with the same key is answered what
the first was answered, and creates nothing.

A key belongs to the user or API key that sent it and to the route (method and path): another caller's
same key, or the same key on another route, is another key. The first request with a key claims it
(app/idempotency/claims.py) and, in the same transaction, records its answer; a retry with the same
request is given that answer again; with another request, a 422. A request that failed left nothing
(its transaction rolled back), so a retry is processed anew. Keys are kept two days (``KEPT_FOR``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.idempotency.claims import KEPT_FOR, claim
from app.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# A password sent is no part of a request's fingerprint: nothing derived from it is kept beside its
# hash (a retry with the same key and another password is the first request again).
UNFINGERPRINTED = frozenset({"password"})

__all__ = ["HEADER", "KEPT_FOR", "MAX_LENGTH", "Answer", "KeyReused", "fingerprint", "record", "sent_before"]


class KeyReused(InvalidInput):
    problem = "idempotency-key-reused"
    title = "Idempotency-Key already used"


@dataclass(frozen=True)
class Answer:
    """A response as a retry is given it again: status, JSON body and headers (Location, ETag...)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(sent: Mapping[str, Any]) -> str:
    """What a request asked, in a form that ignores how it was written (the order of a JSON object's
    keys, spaces): the SHA-256 of its fields as canonical JSON, a password left out."""
    fields = {name: value for name, value in sent.items() if name not in UNFINGERPRINTED}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _owner(actor: Actor) -> list[ColumnElement[bool]] | None:
    if actor.api_key_id is not None:
        return [IdempotencyRecord.api_key_id == actor.api_key_id]
    if actor.user_id is not None:
        return [IdempotencyRecord.user_id == actor.user_id]
    return None


def _same_key(route: str, key: str) -> list[ColumnElement[bool]]:
    return [IdempotencyRecord.route == route, IdempotencyRecord.key == key]


def sent_before(db: Session, actor: Actor, route: str, key: str, sent: str) -> Answer | None:
    """The answer the first request with ``key`` on ``route`` was given, if this is a retry of it (same
    fingerprint, ``sent``); else None, and the key is claimed by this request (``record`` keeps its
    answer). The same key sent with another request is a ``KeyReused`` (422)."""
    owner = _owner(actor)
    if owner is None:
        return None
    row = IdempotencyRecord(
        user_id=None if actor.api_key_id is not None else actor.user_id,
        api_key_id=actor.api_key_id,
        route=route,
        key=key,
        fingerprint=sent,
    )
    earlier = claim(db, row, owner, _same_key(route, key), IdempotencyRecord.created_at)
    if earlier is None:
        return None
    if earlier.status is None or earlier.body is None:
        # Claimed by a request that answered nothing it recorded: not pinned, this one is processed.
        earlier.fingerprint = sent
        return None
    if earlier.fingerprint != sent:
        raise KeyReused(
            f"{HEADER} {key!r} was used for a different request to {route}: send a new key for a new request",
            errors=[{"field": HEADER, "reason": _("was used for a different request: send a new key")}],
        )
    return Answer(earlier.status, earlier.body, dict(earlier.headers or {}))


def record(db: Session, actor: Actor, route: str, key: str, answer: Answer) -> None:
    """Keep the answer of the request that claimed ``key`` (``sent_before``), for its retries."""
    owner = _owner(actor)
    if owner is None:
        return
    row = db.scalar(select(IdempotencyRecord).where(*owner, *_same_key(route, key)))
    if row is not None:
        row.status, row.body, row.headers = answer.status, answer.body, answer.headers
