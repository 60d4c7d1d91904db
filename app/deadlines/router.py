"""HTTP layer of the calendar: /deadlines (every kind, and the entered ones' CRUD), the caller's
calendar feed token (/me/calendar-token) and the feed itself (/calendar.ics, no credentials but its
token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.deps import AnyUser, Manager, PublicCaller, StaffUser
from app.core.caching import cached_response
from app.core.deps import DbSession, IfMatch, RowId, SiteAddress
from app.core.errors import NotFound
from app.core.etag import READ_VERSIONED, VERSIONED
from app.core.head import headers_only, is_head
from app.core.problem_docs import problem_responses
from app.deadlines import completions, entered, feed, public, publications, service
from app.deadlines.schemas import (
    CalendarTokenOut,
    CalendarTokenStatus,
    DeadlineCreate,
    DeadlineListParams,
    DeadlinePage,
    DeadlinePatch,
    DeadlinePublish,
    DeadlineSent,
    EnteredDeadlineOut,
)
from app.idempotency.header import CREATED, Idempotent
from app.public.docs import CACHE_HEADERS, CACHED_RESPONSES
from app.web.i18n import DEFAULT_LANGUAGE, asked_language

router = APIRouter(tags=["calendar"])
public_router = APIRouter(prefix="/public", tags=["public"])
feed_router = APIRouter(tags=["calendar"])
_ICALENDAR = "text/calendar; charset=utf-8"

# A response carrying a secret must not be kept by any cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.get(
    "/deadlines",
    summary="Deadlines of every kind, earliest first, with filters; a focal point sees their entity's "
    "and the general ones (readers: GET /api/v1/public/deadlines)",
)
def list_deadlines(
    db: DbSession, actor: StaffUser, params: Annotated[DeadlineListParams, Query()]
) -> DeadlinePage:
    return service.list_deadlines(db, service.Audience.of(db, actor), params)


@router.post(
    "/deadlines/publications",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Publish or unpublish a follow-up reply due or a periodic report due (coordinators)",
)
def publish_deadline(db: DbSession, actor: Manager, body: DeadlinePublish) -> None:
    publications.set_published(db, actor, body)


@router.post(
    "/deadlines/sent",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Mark a follow-up reply due or a periodic report due as sent by the State, or not (coordinators)",
    description="Met from then on (no longer overdue), although the committee has not yet graded the "
    "reply or reviewed the report. `sent_on` null: not sent after all. The mark answers the date the "
    "deadline has now: should it move more than 31 days later (and past `sent_on`), another round, the "
    "deadline is due again until marked anew. Audited as `deadline.sent` / `deadline.unsent`.",
)
def mark_deadline_sent(db: DbSession, actor: Manager, body: DeadlineSent) -> None:
    completions.set_sent(db, actor, body)


@router.post(
    "/deadlines",
    status_code=201,
    summary="Enter a deadline or the next UPR review (coordinators)",
    responses=CREATED,
    response_model=EnteredDeadlineOut,
)
def create_deadline(db: DbSession, actor: Manager, body: DeadlineCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    detail, tag = entered.create_deadline(db, actor, body)
    return once.answer(db, 201, detail, etag=tag, location=f"/api/v1/deadlines/{detail.id}")


@router.get(
    "/deadlines/{deadline_id}",
    summary="One entered deadline (a focal point: their entity's or a general one)",
    responses=READ_VERSIONED,
)
def get_deadline(
    db: DbSession, actor: StaffUser, deadline_id: RowId, response: Response
) -> EnteredDeadlineOut:
    detail, tag = entered.get_deadline(db, actor, deadline_id)
    response.headers["ETag"] = tag
    return detail


@router.patch(
    "/deadlines/{deadline_id}",
    summary="Change an entered deadline (If-Match; coordinators)",
    responses={**problem_responses(412, 428), **VERSIONED},
)
def update_deadline(
    db: DbSession,
    actor: Manager,
    deadline_id: RowId,
    body: DeadlinePatch,
    response: Response,
    if_match: IfMatch = None,
) -> EnteredDeadlineOut:
    detail, tag = entered.update_deadline(db, actor, deadline_id, body, if_match)
    response.headers["ETag"] = tag
    return detail


@router.delete(
    "/deadlines/{deadline_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an entered deadline (If-Match; coordinators)",
    responses=problem_responses(412, 428),
)
def delete_deadline(db: DbSession, actor: Manager, deadline_id: RowId, if_match: IfMatch = None) -> None:
    entered.delete_deadline(db, actor, deadline_id, if_match)


@router.get(
    "/me/calendar-token", summary="Whether you have a calendar feed (its URL is shown only when made)"
)
def calendar_token(db: DbSession, actor: AnyUser) -> CalendarTokenStatus:
    return feed.token_status(db, actor)


@router.post(
    "/me/calendar-token",
    summary="Make your calendar feed's URL, or a new one (the old URL stops working); shown once",
)
def rotate_calendar_token(
    db: DbSession, actor: AnyUser, site: SiteAddress, response: Response
) -> CalendarTokenOut:
    secret, created = feed.rotate_token(db, actor)
    response.headers.update(NO_STORE)
    return CalendarTokenOut(url=feed.feed_url(site, secret), token=secret, created_at=created)


@router.delete(
    "/me/calendar-token",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop your calendar feed: its URL answers 404 from now on (404 if you have none)",
)
def revoke_calendar_token(db: DbSession, actor: AnyUser) -> None:
    if not feed.revoke_token(db, actor):
        raise NotFound("you have no calendar feed")


@feed_router.get(
    "/calendar.ics",
    summary="Your deadlines as an iCalendar feed for Outlook or Google Calendar (the token is its key)",
    response_class=Response,
    responses={
        200: {
            "content": {"text/calendar": {"schema": {"type": "string"}}},
            "description": "An iCalendar file",
        }
    },
)
def calendar_feed(
    request: Request,
    db: DbSession,
    site: SiteAddress,
    token: Annotated[str, Query(min_length=1, max_length=200, description="Your feed token")],
) -> Response:
    owner = feed.feed_owner(db, token)
    headers = {**NO_STORE, "Content-Disposition": 'inline; filename="deadlines.ics"'}
    if is_head(request.scope):  # a calendar program's or a link checker's: the token checked, nothing built
        return headers_only(_ICALENDAR, headers)
    return Response(feed.feed(db, owner, site), media_type=_ICALENDAR, headers=headers)


@public_router.get(
    "/deadlines",
    response_model=public.PublicDeadlinePage,
    summary="Published deadlines (reports due, UPR reviews, published actions...), earliest first",
    responses=CACHED_RESPONSES,
)
def public_list_deadlines(
    request: Request,
    db: DbSession,
    caller: PublicCaller,
    params: Annotated[public.PublicDeadlineParams, Query()],
) -> Response:
    body = public.list_published(db, params).model_dump_json().encode()
    return cached_response(request, body, "application/json")


@public_router.get(
    "/calendar.ics",
    response_class=Response,
    summary="Published deadlines as an iCalendar feed anyone may subscribe to (Outlook, Google, Apple)",
    description="The deadlines the coordinators published, from a year back on (or `from`), as all-day "
    "events: what `/public/deadlines` lists, with its filters (`mechanism=CRC`: one committee's), each "
    "event linked to its portal page when it has one. Its words (the "
    "calendar's name, each event's kind) are in `lang` (en, fr or es; another gives English): a calendar "
    "program fetches it without its reader's language.",
    responses={
        200: {
            "description": "An iCalendar file",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
            "headers": CACHE_HEADERS,
        },
        304: CACHED_RESPONSES[304],
    },
)
def public_calendar_feed(
    request: Request,
    db: DbSession,
    site: SiteAddress,
    caller: PublicCaller,
    params: Annotated[public.PublicFeedParams, Query()],
) -> Response:
    language = asked_language(params.lang) or DEFAULT_LANGUAGE
    body = feed.public_feed(db, language, site, params)
    headers = {"Content-Disposition": 'inline; filename="deadlines.ics"', "Content-Language": language}
    return cached_response(request, body, _ICALENDAR, headers=headers)
