"""What the public sees of a progress update or an indicator value, said on its staff page: shown,
or hidden and why (its own state, then the parents ``app.plans.publishing.not_public_parents``
lists). The pages offer to publish those parents in the same step (``publish_parents``)."""

from __future__ import annotations

from collections.abc import Sequence

from app.plans.schemas import NotPublicParent
from app.staff.pages import StaffPage, _

# Its own state, said as it is: a draft is nobody's to approve yet, and a returned one waits for its
# author, not for a coordinator ("not approved" read "en attente d'approbation" in French for both).
IS_DRAFT = _("it is still a draft")
NOT_APPROVED = _("it is not approved")
RETURNED = _("it was returned to its author")
NOT_YET = {"draft": IS_DRAFT, "returned": RETURNED}
NOT_PUBLISHED = _("it is not published")
SUPERSEDED = _("a correction replaced it")
ACTION_HIDDEN = _("its action “%(title)s” is not published")


def hidden_because(page: StaffPage, own: Sequence[str], parents: Sequence[NotPublicParent]) -> list[str]:
    """The reasons, in the reader's language: ``own`` (this module's messages), then each parent."""
    reasons = [page.gettext(reason) for reason in own]
    reasons += [page.gettext(ACTION_HIDDEN) % {"title": parent.title} for parent in parents]
    return reasons


def progress_reasons(state: str, published: bool) -> list[str]:
    """What of a progress update's own state keeps it from the public."""
    if state != "approved":
        return [NOT_YET.get(state, NOT_APPROVED)]
    return [] if published else [NOT_PUBLISHED]


def value_reasons(state: str, superseded: bool) -> list[str]:
    """What of an indicator value's own state keeps it from the public."""
    if state != "approved":
        return [NOT_YET.get(state, NOT_APPROVED)]
    return [SUPERSEDED] if superseded else []
