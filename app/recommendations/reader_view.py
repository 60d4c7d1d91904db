"""What the `reader` role gets from the recommendation routes: exactly the public API's answer.

A reader account exists to read published data with a login (a partner organisation, a
journalist). Rather than a third set of rules (which staff fields to null, which rows to hide),
the reader's request is answered by the public service with the public allowlist schemas, so a
reader can see nothing an anonymous visitor of the public API cannot: no notes, no status
history, no review flags or revisions, no withdrawn recommendation, no unpublished cluster.
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.permissions import refuse
from app.core.actor import READER, Actor
from app.core.caching import body_etag
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.public import service as public
from app.public.schemas import (
    PublicRecommendationDetail,
    PublicRecommendationPage,
    PublicRecommendationParams,
)
from app.recommendations.schemas import STAFF_ONLY_FILTERS, Lang, RecommendationListParams


def sees_public_view(actor: Actor) -> bool:
    return actor.role == READER


def public_params(actor: Actor, params: RecommendationListParams) -> PublicRecommendationParams:
    # Staff list filters that select by internal values; a reader asking for them is refused rather
    # than silently answered with something else. withdrawn=false is the default and what the public
    # list shows anyway.
    given = {
        "withdrawn": params.withdrawn or None,
        "needs_review": params.needs_review,
        "issue": params.issue or None,
    }
    asked = [name for name, value in given.items() if value is not None]
    if asked:
        raise refuse(
            actor,
            f"the filter {asked[0]} is internal: the reader role sees published recommendations only",
            errors=[
                {"field": asked[0], "reason": Reason(_("is internal: a reader sees published data only"))}
            ],
        )
    try:
        return PublicRecommendationParams.model_validate(params.model_dump(exclude=set(STAFF_ONLY_FILTERS)))
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]), "reason": error["msg"]}
            for error in exc.errors()
        ]
        detail = "; ".join(f"{error['field']}: {error['reason']}" for error in errors)
        raise InvalidInput(detail, errors=errors) from None


def list_recommendations(
    session: Session, actor: Actor, params: RecommendationListParams
) -> PublicRecommendationPage:
    return public.list_recommendations(session, public_params(actor, params))


def list_json(session: Session, actor: Actor, params: RecommendationListParams) -> bytes:
    """The public page as the JSON sent, shared with the public API's (``public.list_json``)."""
    return public.list_json(session, public_params(actor, params))


def get_recommendation(
    session: Session, recommendation_id: int, lang: Lang
) -> tuple[PublicRecommendationDetail, str]:
    """The public detail (a withdrawn recommendation is a 404) and an ETag of what it says."""
    detail = public.get_recommendation(session, recommendation_id, lang)
    return detail, body_etag(detail.model_dump_json().encode())
