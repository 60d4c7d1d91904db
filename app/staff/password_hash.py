"""The staff forms' new password, hashed before the page's write transaction opens
(``app.users.prehash`` says why): once the session is known to be valid, in a read of its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from app.auth.passwords import PreparedHash
from app.staff.forms import read_form_values
from app.staff.session import SignedInBeforeBody
from app.users.prehash import prepared_hash


def _from_form(field: str) -> Callable[..., Awaitable[PreparedHash | None]]:
    async def dependency(
        request: Request, _signed_in: Annotated[None, SignedInBeforeBody]
    ) -> PreparedHash | None:
        return await prepared_hash((await read_form_values(request)).get(field))

    return dependency


# The page's parameter, named before its ``DbSession``: FastAPI solves dependencies in that order.
NewPasswordHash = Annotated[PreparedHash | None, Depends(_from_form("new_password"))]
PasswordHash = Annotated[PreparedHash | None, Depends(_from_form("password"))]
