"""Request and response shapes of progress updates and their review."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from app.core.catalogue import marked as _
from app.core.dates import EnteredDate
from app.core.timestamps import UtcDateTime
from app.evidence.schemas import EvidenceOut
from app.models.plan import ActionStatus
from app.plans.schemas import Forbid, NotPublicParent, RequiredLongText


def _web_address(value: str) -> str:
    # Only web links: a javascript: or data: URL shown as a link would run in a reader's browser.
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(_("must be an http:// or https:// URL"))
    if any(char.isspace() for char in value):
        raise ValueError(_("must not contain spaces"))
    # A port no server can listen on (0, 99999, not a number) makes a link nobody can open.
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(_("must have a port from 1 to 65535"))
    # Shown to the public as written: a right-to-left override, a zero-width or a control character
    # would make it read as another address (a file's name loses them, app/evidence/names.py).
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise ValueError(_("must not contain invisible or control characters"))
    return value


EvidenceUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(_web_address)
]
_REPORTED_ON = "YYYY-MM-DD, not in the future"
_NEW_STATUS = "The action status this update reports; applied to the action when approved"


class ProgressCreate(Forbid):
    reported_on: EnteredDate = Field(description=_REPORTED_ON)
    narrative: RequiredLongText
    new_status: ActionStatus | None = Field(None, description=_NEW_STATUS)
    evidence_url: EvidenceUrl | None = Field(None, description="A link to evidence (http or https)")
    submit: bool = Field(False, description="true: submit for review at once instead of saving a draft")


class ProgressPatch(Forbid):
    """Only the fields sent change; allowed while the update is a draft or returned."""

    reported_on: EnteredDate | None = Field(None, description=_REPORTED_ON)
    narrative: RequiredLongText | None = None
    new_status: ActionStatus | None = Field(None, description=_NEW_STATUS)
    evidence_url: EvidenceUrl | None = None

    @field_validator("reported_on", "narrative", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


_PUBLISH_PARENTS = (
    "Also publish, in the same transaction, the parents that keep it from the public (its action), one "
    "audit event each; see `not_public_parents` in the response"
)


class ApproveBody(Forbid):
    publish: bool = Field(False, description="Also publish it (shown on the public pages)")
    publish_parents: bool = Field(False, description=_PUBLISH_PARENTS)


class PublishBody(Forbid):
    publish_parents: bool = Field(False, description=_PUBLISH_PARENTS)


class ReturnBody(Forbid):
    comment: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] = Field(
        description="What the author should change"
    )


class ProgressOut(BaseModel):
    id: int
    action_id: int
    reported_on: dt.date
    narrative: str
    new_status: str | None
    evidence_url: str | None
    state: str = Field(description="draft, submitted, approved or returned")
    author_id: int | None
    review_comment: str | None
    reviewed_by_id: int | None
    reviewed_at: UtcDateTime | None
    published: bool
    published_at: UtcDateTime | None
    version: int = Field(description="The ETag's value")
    created_at: UtcDateTime
    updated_at: UtcDateTime
    evidence: list[EvidenceOut] = Field(
        default_factory=list, description="The files attached to it, oldest first (POST .../evidence)"
    )


class ProgressReviewOut(ProgressOut):
    """An approved or published update, and whether the public can see it now."""

    public: bool = Field(description="Approved, published and under a published action: the public sees it")
    not_public_parents: list[NotPublicParent] = Field(
        description="What still keeps it from the public (its action if unpublished); empty when nothing does"
    )
    published_parents: list[NotPublicParent] = Field(
        description="The parents this request published (`publish_parents: true`)"
    )
    status_kept: str | None = Field(
        None,
        description="An approval whose new_status was not applied: why the action's status was kept "
        "(an approved update reported later gives one, or a person changed it after this update's "
        "date); null when the status is the update's, or it reports none",
    )


class ProgressList(BaseModel):
    items: list[ProgressOut] = Field(description="Newest report first")
    total: int
