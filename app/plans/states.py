"""The reason a change is refused for the state a progress update or an indicator value is in
(``is draft``): one catalogue message per state, so that a page shows it in the reader's language."""

from __future__ import annotations

from app.core.catalogue import marked as _

_IS = {
    "draft": _("is draft"),
    "submitted": _("is submitted"),
    "returned": _("is returned"),
    "approved": _("is approved"),
    "superseded": _("is superseded"),
}


def is_state(state: str) -> str:
    """``is <state>``, the reason a refusal names its state with."""
    return _IS.get(state, f"is {state}")
