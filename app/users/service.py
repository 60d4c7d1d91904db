"""User accounts and API keys, administered by admins (and the first admin by the CLI).

Accounts are deactivated, never deleted: audit events and plans keep pointing at them. Only
hashes of passwords and keys are stored; the key itself is returned once, at creation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from app.audit.service import changed, record, snapshot
from app.auth import throttle
from app.auth.passwords import PreparedHash, new_password_hash
from app.auth.schemas import EntityRef
from app.auth.service import canonical_email, normalise_email
from app.core.actor import ADMIN, FOCAL_POINT, Actor
from app.core.catalogue import marked as _
from app.core.errors import Conflict, InvalidInput, NotFound, Refusals
from app.core.etag import check_if_match, etag
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.core.row_locks import lock_for_write
from app.core.unique import refuse_duplicates
from app.entities.filter_ids import check_filter_ids
from app.entities.service import entity_refs, require_entity
from app.models import AuthToken, User
from app.users.password_policy import password_problem
from app.users.schemas import (
    UserCreate,
    UserListParams,
    UserOut,
    UserPage,
    UserUpdate,
)

_USERS = CursorOrder("users", (int,))

USER_FIELDS = ("email", "full_name", "role", "entity_id", "active")

# The last admin's protection, said whole in the field's reason: the workspace shows it in the page's
# language beside the field (the problem's detail is English, for the API's logs).
LAST_ADMIN = _(
    "This is the last active admin: make another user an admin before demoting or deactivating this one."
)


def _now() -> datetime:
    return datetime.now(UTC)


def _user_out(user: User, refs: Mapping[int, EntityRef]) -> UserOut:
    return UserOut.model_validate(
        {
            **{name: getattr(user, name) for name in ("id", "email", "full_name", "role", "active")},
            "entity": refs.get(user.entity_id) if user.entity_id else None,
            "last_login_at": user.last_login_at,
            "version": user.version,
            "created_at": user.created_at,
            "updated_at": user.updated_at,
        }
    )


def _users_out(session: Session, users: Sequence[User]) -> list[UserOut]:
    refs = entity_refs(session, {user.entity_id for user in users if user.entity_id})
    return [_user_out(user, refs) for user in users]


def display_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """How staff pages name the authors of things: the full name, or the email when there is none."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name, User.email).where(User.id.in_(wanted)))
    return {user_id: full_name or email for user_id, full_name, email in rows}


def _load_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def focal_point_needs_entity(role: str, entity_id: int | None) -> None:
    if role == FOCAL_POINT and entity_id is None:
        raise InvalidInput(
            "a focal point must belong to an entity",
            errors=[
                {
                    "field": "entity_id",
                    "reason": _("a focal point needs the entity they work for: choose one"),
                }
            ],
        )


def list_users(session: Session, params: UserListParams) -> UserPage:
    check_filter_ids(session, {"entity_id": ("entity", params.entity_id)})
    conditions: list[ColumnElement[bool]] = []
    if params.role:
        conditions.append(User.role == params.role)
    if params.entity_id is not None:
        conditions.append(User.entity_id == params.entity_id)
    if params.active is not None:
        conditions.append(User.active == params.active)
    if params.q and params.q.strip():
        needle = params.q.strip().lower()
        conditions.append(
            or_(
                func.lower(User.email).contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    if params.cursor:
        (after_id,) = decode_cursor(params.cursor, _USERS)
        conditions.append(User.id > after_id)
    query = select(User).where(*conditions).order_by(User.id)
    users, next_cursor = keyset_page(session, query, params.limit, lambda user: (user.id,), order=_USERS)
    return UserPage(items=_users_out(session, users), next_cursor=next_cursor, total=total)


def get_user(session: Session, user_id: int) -> tuple[UserOut, str]:
    user = _load_user(session, user_id)
    return _users_out(session, [user])[0], etag(user.version)


def _acceptable_password(password: str, email: str, full_name: str | None) -> None:
    if problem := password_problem(password, email=email, full_name=full_name):
        raise InvalidInput(f"password: {problem}", errors=[{"field": "password", "reason": problem}])


def _email_free(session: Session, email: str) -> None:
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise _email_taken(email)


def _email_taken(email: str) -> Conflict:
    return Conflict(
        f"a user with the email {email} already exists",
        errors=[{"field": "email", "reason": _("already used by another user")}],
    )


# Two accounts created with one email at once: the second is refused as above.
refuse_duplicates("users", "email", _email_taken)


def check_invitation(session: Session, email: str, role: str, entity_id: int | None) -> None:
    """A new account's rules beyond its schema (the email free, a focal point's entity), every refusal
    in one answer; a form whose schema refused another field runs them too, to name them all at once."""
    checks = Refusals(Conflict)
    checks.check(_email_free, session, normalise_email(email))
    checks.check(focal_point_needs_entity, role, entity_id)
    if entity_id is not None:
        checks.check(require_entity, session, entity_id, "entity_id")
    checks.raise_any()


def create_user(
    session: Session,
    actor: Actor,
    data: UserCreate,
    *,
    must_change_password: bool = True,
    prepared: PreparedHash | None = None,
) -> tuple[UserOut, str]:
    """A new active user. Used by the API, the staff pages and ``nrtd users create``. An account an
    admin creates must choose its own password at first sign-in; the CLI's first admin chose theirs.
    ``prepared``: the password's hash, made before the transaction opened (``app.users.prehash``)."""
    email = normalise_email(data.email)
    checks = Refusals(Conflict)
    checks.check(_acceptable_password, data.password, email, data.full_name)
    checks.check(check_invitation, session, email, data.role, data.entity_id)
    checks.raise_any()
    now = _now()
    user = User(
        email=email,
        full_name=data.full_name,
        role=data.role,
        entity_id=data.entity_id,
        password_hash=new_password_hash(data.password, prepared),
        must_change_password=must_change_password,
        password_set_at=now,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, after=snapshot(user, USER_FIELDS))
    return _users_out(session, [user])[0], etag(user.version)


def unlock_user(session: Session, actor: Actor, email: str) -> int:
    """Forget every failed login at this account, so nobody waits to log in to it any more; how many
    failures were forgotten. Used by ``nrtd users unlock``."""
    email = canonical_email(email) or normalise_email(email)
    user_id = session.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        raise NotFound(f"no user has the email {email}")
    cleared = throttle.clear_account(session, email)
    record(session, actor, "user.unlock", "user", user_id, after={"failed_logins_cleared": cleared})
    return cleared


def _ensure_admin_remains(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse a change that would leave no active admin: nobody could manage accounts any more."""
    if not (user.role == ADMIN and user.active) or (role == ADMIN and active):
        return
    # FOR UPDATE (PostgreSQL): two admins demoting each other at once queue here, and the second
    # sees the first's change; SQLite writers are serialised already.
    others = session.scalars(
        select(User.id).where(User.role == ADMIN, User.active.is_(True), User.id != user.id).with_for_update()
    ).all()
    if not others:
        raise Conflict(
            str(LAST_ADMIN),
            errors=[{"field": "role" if role != ADMIN else "active", "reason": LAST_ADMIN}],
        )


def _revoke_tokens(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    data: UserUpdate,
    if_match: str | None,
    *,
    prepared: PreparedHash | None = None,
) -> tuple[UserOut, str]:
    """Change role, entity, name or active flag, or reset the password; only the fields sent.
    ``prepared``: the new password's hash, made before the transaction opened (``app.users.prehash``)."""
    user = _load_user(session, user_id)
    lock_for_write(session, user)
    check_if_match(if_match, etag(user.version))
    sent = data.model_fields_set
    if data.password is not None:
        _acceptable_password(
            data.password, user.email, data.full_name if "full_name" in sent else user.full_name
        )
    role = data.role if data.role is not None else user.role
    entity_id = data.entity_id if "entity_id" in sent else user.entity_id
    active = data.active if data.active is not None else user.active
    focal_point_needs_entity(role, entity_id)
    if entity_id is not None and entity_id != user.entity_id:
        require_entity(session, entity_id, "entity_id")
    _ensure_admin_remains(session, user, role, active)
    before = snapshot(user, USER_FIELDS)
    old_role = user.role
    user.role, user.entity_id, user.active = role, entity_id, active
    if "full_name" in sent:
        user.full_name = data.full_name
    old, new = changed(before, snapshot(user, USER_FIELDS))
    if not new and data.password is None:
        return _users_out(session, [user])[0], etag(user.version)
    now = _now()
    user.updated_at = now
    if data.password is not None:
        user.password_hash = new_password_hash(data.password, prepared)
        user.password_set_at = now
        # Someone else's reset is a temporary password: its owner must replace it.
        user.must_change_password = actor.user_id != user.id
        new["password"] = "reset"  # noqa: S105 (that it changed, never the value or its hash)
    if data.password is not None or not active:
        # A reset or a deactivation ends every session the user had.
        _revoke_tokens(session, user.id, now)
    session.flush()
    record(session, actor, "user.update", "user", user.id, before=old, after=new)
    if role != old_role:
        record(
            session,
            actor,
            "user.role_changed",
            "user",
            user.id,
            before={"role": old_role},
            after={"role": role},
        )
    return _users_out(session, [user])[0], etag(user.version)
