"""The words a person typed in a form that could not be saved (its session ended; its security token
is another session's): shown back on the refusal's page so that they can be copied, never lost."""

from __future__ import annotations

import re

from fastapi import Request

from app.staff import once
from app.staff.session import CSRF_FIELD

# Fields of a form that are not what the person typed: the session's token, the form's one-time
# token, the version read, a button, and the passwords (never shown back).
_NOT_TYPED = frozenset(
    {
        CSRF_FIELD,
        once.FIELD,
        "etag",
        "submit",
        "next",
        "password",
        "current_password",
        "new_password",
        "confirm_password",
    }
)
# A choice's value (a select's, a radio button's, a button's): a code, lower-case ASCII words joined by
# "_" or "-" ("high", "in_progress", "approve-confirmed"), which nobody typed and the page would show
# in English; a word typed in lower case without accent is left out with them (short to type again).
_CODE = re.compile(r"[a-z]+(?:[_-][a-z0-9]+)*")


async def typed_words(request: Request) -> list[str]:
    """What the form's boxes held, in the form's order; nothing for an upload (its files cannot be
    shown back, and its body was not read) or a form of buttons and hidden ids."""
    if request.headers.get("content-type", "").startswith("multipart/"):
        return []
    form = await request.form()
    return [
        value.strip()
        for name, value in form.multi_items()
        if isinstance(value, str)
        and name not in _NOT_TYPED
        and any(ch.isalpha() for ch in value)
        and not _CODE.fullmatch(value.strip())
    ]
