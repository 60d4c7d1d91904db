"""Who is making a request: the authenticated user or API key, with its role and entity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

Role = Literal["admin", "coordinator", "focal_point", "reader"]
# API keys act for machines; an admin key would hand out account management to a script.
KeyRole = Literal["coordinator", "focal_point", "reader"]

ADMIN: Final[Role] = "admin"
COORDINATOR: Final[Role] = "coordinator"
FOCAL_POINT: Final[Role] = "focal_point"
READER: Final[Role] = "reader"

# Admins can do everything coordinators can, plus users, API keys and settings.
MANAGERS = frozenset({ADMIN, COORDINATOR})
# Everyone who may read internal data (notes, plans, drafts).
STAFF = frozenset({ADMIN, COORDINATOR, FOCAL_POINT})
EVERYONE: frozenset[str] = frozenset(get_args(Role))


@dataclass(frozen=True, slots=True)
class Actor:
    role: str
    label: str  # the user's email, or "api-key:<name>"
    user_id: int | None = None
    api_key_id: int | None = None
    entity_id: int | None = None
    token_id: int | None = None
    read_only: bool = False  # a read-scoped API key
    # An account an admin created or reset: its owner must choose a new password before anything else.
    password_change_required: bool = False
    request_id: str | None = None
    client_ip: str | None = None
    # A focal point's (or their key's) entity once archived, by its name: they read as before but
    # write nothing more (``app.auth.permissions.ensure_writes_allowed``).
    archived_entity: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS


@dataclass(frozen=True, slots=True)
class Anonymous:
    """A request with no credentials (a login attempt): only its request id and address are known."""

    request_id: str | None = None
    client_ip: str | None = None
