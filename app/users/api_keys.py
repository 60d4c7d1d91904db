"""API keys, administered by admins: created (the key returned once, its hash stored), listed,
revoked. An admin's keys in use have one name each: a revoked key's name may be given again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.audit.service import record, snapshot
from app.auth.schemas import EntityRef
from app.auth.service import new_api_key_secret, secret_hash
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.core.timestamps import as_utc
from app.core.unique import refuse_duplicates
from app.entities.service import entity_refs, require_entity
from app.models import ApiKey
from app.users.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyListParams, ApiKeyOut, ApiKeyPage
from app.users.service import focal_point_needs_entity

_KEYS = CursorOrder("api-keys", (int,))

API_KEY_FIELDS = ("name", "prefix", "role", "entity_id", "scope", "expires_at", "revoked_at")
# Enough to tell keys apart in a list ("nrtd_" and 7 random characters), far too little to guess the rest.
PREFIX_LENGTH = 12


def _key_out(key: ApiKey, refs: Mapping[int, EntityRef]) -> dict[str, object]:
    return {
        **{
            name: getattr(key, name)
            for name in (
                "id",
                "name",
                "prefix",
                "role",
                "scope",
                "created_by_id",
                "created_at",
                "expires_at",
                "revoked_at",
                "last_used_at",
            )
        },
        "entity": refs.get(key.entity_id) if key.entity_id else None,
    }


def _keys_out(session: Session, keys: Sequence[ApiKey]) -> list[ApiKeyOut]:
    refs = entity_refs(session, {key.entity_id for key in keys if key.entity_id})
    return [ApiKeyOut.model_validate(_key_out(key, refs)) for key in keys]


def create_api_key(session: Session, actor: Actor, data: ApiKeyCreate) -> ApiKeyCreated:
    focal_point_needs_entity(data.role, data.entity_id)
    if data.entity_id is not None:
        require_entity(session, data.entity_id, "entity_id")
    now = datetime.now(UTC)
    if data.expires_at is not None and as_utc(data.expires_at) <= now:
        raise InvalidInput(
            "expires_at is in the past",
            errors=[{"field": "expires_at", "reason": _("must be in the future")}],
        )
    _key_name_free(session, actor.user_id, data.name)
    secret = new_api_key_secret()
    key = ApiKey(
        name=data.name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=secret_hash(secret),
        role=data.role,
        entity_id=data.entity_id,
        scope=data.scope,
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=data.expires_at,
    )
    session.add(key)
    session.flush()
    record(session, actor, "api_key.create", "api_key", key.id, after=snapshot(key, API_KEY_FIELDS))
    refs = entity_refs(session, {key.entity_id} if key.entity_id else set())
    return ApiKeyCreated.model_validate({**_key_out(key, refs), "key": secret})


def _key_name_free(session: Session, creator_id: int | None, name: str) -> None:
    in_use = select(ApiKey.id).where(
        ApiKey.created_by_id == creator_id, ApiKey.name == name, ApiKey.revoked_at.is_(None)
    )
    if creator_id is not None and session.scalar(in_use) is not None:
        raise _key_name_taken(name)


def _key_name_taken(name: str) -> Conflict:
    return Conflict(
        f"you already have an API key named {name!r} that is not revoked",
        errors=[
            {
                "field": "name",
                "reason": _("already the name of another of your API keys: revoke it or choose another name"),
            }
        ],
    )


# Two keys of one name created by one admin at once: the second is refused as above.
refuse_duplicates("api_keys", "name", _key_name_taken)


def list_api_keys(session: Session, params: ApiKeyListParams) -> ApiKeyPage:
    conditions: list[ColumnElement[bool]] = []
    if params.revoked is not None:
        conditions.append(ApiKey.revoked_at.is_not(None) if params.revoked else ApiKey.revoked_at.is_(None))
    total = session.scalar(select(func.count()).select_from(ApiKey).where(*conditions)) or 0
    if params.cursor:
        (after_id,) = decode_cursor(params.cursor, _KEYS)
        conditions.append(ApiKey.id > after_id)
    query = select(ApiKey).where(*conditions).order_by(ApiKey.id)
    keys, next_cursor = keyset_page(session, query, params.limit, lambda key: (key.id,), order=_KEYS)
    return ApiKeyPage(items=_keys_out(session, keys), next_cursor=next_cursor, total=total)


def _load_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"API key {key_id} does not exist")
    return key


def get_api_key(session: Session, key_id: int) -> ApiKeyOut:
    return _keys_out(session, [_load_key(session, key_id)])[0]


def revoke_api_key(session: Session, actor: Actor, key_id: int) -> ApiKeyOut:
    """Revoke a key for good; revoking a revoked key changes nothing."""
    key = _load_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.flush()
        record(
            session,
            actor,
            "api_key.revoke",
            "api_key",
            key.id,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
        )
    return _keys_out(session, [key])[0]
