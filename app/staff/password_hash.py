"""The staff forms' new password, hashed before the page's write transaction opens
(``app.users.prehash`` says why): once the session is known to be valid, and its role one the page
admits (the page's own role rule), in a read of its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth.passwords import PreparedHash, VerifiedPassword
from app.auth.permissions import admits
from app.auth.service import StaffSession
from app.core.deps import get_db
from app.staff.forms import read_form_values
from app.staff.session import ADMINISTRATION, ANY_PAGE, Access, SignedInBeforeBody
from app.users.prehash import prepared_hash, verified_beforehand


def _from_form(field: str, access: Access) -> Callable[..., Awaitable[PreparedHash | None]]:
    """The hash of the form's ``field``, for a session whose role ``access`` admits: for another, None,
    and the page's own role check refuses them (403, audited) as it would anyway."""

    async def dependency(
        request: Request, signed_in: Annotated[StaffSession, SignedInBeforeBody]
    ) -> PreparedHash | None:
        if not admits(signed_in.actor, *access):
            return None
        return await prepared_hash((await read_form_values(request)).get(field))

    return dependency


async def _current_from_form(
    request: Request,
    signed_in: Annotated[StaffSession, SignedInBeforeBody],
    session: Annotated[Session, Depends(get_db, use_cache=False)],
) -> VerifiedPassword | None:
    """The verification of the form's ``current_password`` (the password page)."""
    current = (await read_form_values(request)).get("current_password")
    return await verified_beforehand(session, request.app.state.settings, signed_in.actor, current)


# The page's parameter, named before its ``DbSession``: FastAPI solves dependencies in that order.
# Each for the pages of its ``access``: your own password (anyone signed in), another's (administrators).
NewPasswordHash = Annotated[PreparedHash | None, Depends(_from_form("new_password", ANY_PAGE))]
PasswordHash = Annotated[PreparedHash | None, Depends(_from_form("password", ADMINISTRATION))]
# Your current password, verified before the unit of work too (``own_password.verify_beforehand``).
CurrentPasswordCheck = Annotated[VerifiedPassword | None, Depends(_current_from_form)]
