"""A user's iCalendar feed: the deadlines they may see, as all-day events, at a URL holding a personal
token that Outlook and Google Calendar poll without any other credential.

The token is a row of ``auth_tokens`` of kind ``calendar``: only its SHA-256 is stored, it opens this
feed and nothing else (app.auth.service looks up bearer tokens and sessions by their own kinds), and
it lasts until its owner rotates or revokes it, or the account's tokens are revoked (deactivation, a
password change or reset). An unknown, revoked or deactivated owner's token is a 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, Timezone
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from app.audit.service import record
from app.auth.service import secret_hash
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, NotFound
from app.core.time_zone import instance_zone, local_today
from app.deadlines.labels import KIND_LABELS, titled
from app.deadlines.schemas import CalendarTokenStatus, DeadlineFilters, DeadlineListParams
from app.deadlines.service import PUBLIC, Audience, deadlines, uid
from app.deadlines.sources import DeadlineItem
from app.feed.mechanisms import localised_name
from app.models import AuthToken, Entity, User
from app.taxonomies.service import mechanism_names
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations

KIND = "calendar"
FEED_PATH = "/api/v1/calendar.ics"
# Never checked: the token lasts until revoked. The column wants a date.
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# What a feed holds: a year back (what was missed) and everything ahead.
PAST = timedelta(days=366)


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidInput(
            "a calendar feed belongs to a user: an API key has none",
            errors=[{"field": "credentials", "reason": _("an API key cannot have a calendar feed")}],
        )
    return actor.user_id


def _active_tokens(user_id: int) -> list[ColumnElement[bool]]:
    return [AuthToken.user_id == user_id, AuthToken.kind == KIND, AuthToken.revoked_at.is_(None)]


def _revoke(session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(update(AuthToken).where(*_active_tokens(user_id)).values(revoked_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def rotate_token(session: Session, actor: Actor) -> tuple[str, datetime]:
    """A new feed token for the caller; the previous one, if any, stops working. The secret is
    returned once, to be shown once."""
    user_id = _user_id(actor)
    now = datetime.now(UTC)
    replaced = _revoke(session, user_id, now)
    secret = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            token_hash=secret_hash(secret), user_id=user_id, kind=KIND, created_at=now, expires_at=_NEVER
        )
    )
    session.flush()
    record(session, actor, "calendar_token.create", "user", user_id, after={"replaced": replaced})
    return secret, now


def revoke_token(session: Session, actor: Actor) -> bool:
    """Stop the caller's feed; False when there was none."""
    user_id = _user_id(actor)
    revoked = _revoke(session, user_id, datetime.now(UTC))
    if revoked:
        record(session, actor, "calendar_token.revoke", "user", user_id)
    return bool(revoked)


def token_status(session: Session, actor: Actor) -> CalendarTokenStatus:
    user_id = _user_id(actor)
    created = session.scalar(
        select(AuthToken.created_at).where(*_active_tokens(user_id)).order_by(AuthToken.id.desc())
    )
    return CalendarTokenStatus(active=created is not None, created_at=created)


def feed_url(site: str, secret: str) -> str:
    """The address a calendar client subscribes to: the site's (``Settings.site_address``), the token
    in its query."""
    return site + f"{FEED_PATH}?token={secret}"


@dataclass(frozen=True)
class FeedOwner:
    actor: Actor
    language: str  # the one their reminders are in (the account page's choice)


def feed_owner(session: Session, secret: str) -> FeedOwner:
    """Whose feed a token opens; 404 for anything else, so a URL tells nothing about other tokens."""
    row = session.execute(
        select(AuthToken, User)
        .join(User, User.id == AuthToken.user_id)
        .where(AuthToken.token_hash == secret_hash(secret), AuthToken.kind == KIND)
    ).first()
    if row is None or row.AuthToken.revoked_at is not None or not row.User.active:
        raise NotFound("no calendar feed has this address")
    user = row.User
    # An archived entity's deadlines no longer go to its focal points' calendars (the general ones
    # do): ``Audience.of`` decides, as for the staff page and the API.
    actor = Actor(role=user.role, label=user.email, user_id=user.id, entity_id=user.entity_id)
    return FeedOwner(actor, user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE)


# RFC 5545 allows no control character in a text value but the tab (a line break is written "\n"):
# one in a title (a line break pasted from Word is a vertical tab) made the whole calendar invalid
# for a strict client. Each is a space.
_CONTROLS = {code: " " for code in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F)}


def _text(value: str) -> str:
    return value.translate(_CONTROLS)


_STATES = {"done": _("Done"), "cancelled": _("Cancelled"), "overdue": _("Overdue"), "open": _("Not done yet")}


def _state(item: DeadlineItem, today: date) -> str:
    if item.cancelled:
        return "cancelled"
    if item.done:
        return "done"
    return "overdue" if item.overdue(today) else "open"


def _in_language(link: str, lang: str) -> str:
    """A workspace link that opens in ``lang`` (the feed's): without it a French owner's click landed
    on pages in the browser's language. Before the fragment (``#treaty-follow-up``), which the browser
    keeps to itself."""
    path, hash_mark, fragment = link.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={lang}{hash_mark}{fragment}"


@dataclass(frozen=True)
class _Names:
    """How the events name their mechanisms (code -> "name (code)", the name in the feed's language
    where known) and entities (id -> "name (acronym)"): a deadline holds the code and ids alone."""

    mechanisms: dict[str, str]
    entities: dict[int, str]


def _names(session: Session, items: Sequence[DeadlineItem], lang: str) -> _Names:
    """The names of every mechanism and entity ``items`` concern: two statements."""
    stored = mechanism_names(session, {item.mechanism for item in items if item.mechanism})
    mechanisms = {code: f"{localised_name(code, lang) or name} ({code})" for code, name in stored.items()}
    ids = sorted({entity_id for item in items for entity_id in item.entity_ids})
    entities: dict[int, str] = {}
    if ids:
        for entity_id, name, acronym in session.execute(
            select(Entity.id, Entity.name, Entity.acronym).where(Entity.id.in_(ids))
        ):
            entities[entity_id] = f"{name} ({acronym})" if acronym else name
    return _Names(mechanisms, entities)


def _event(
    item: DeadlineItem,
    site: str,
    stamp: datetime,
    today: date,
    internal: bool,
    link: str | None,
    gettext: Callable[[str], str],
    names: _Names,
) -> Event:
    """An all-day event, in its owner's language, titled with its kind (a calendar program shows the
    title alone); a reader's (``internal`` false) has no state, like the public portal's. ``link``: its
    page in the feed's language (a staff feed's: its workspace page; a reader's and the public feed's:
    its portal page), or None.

    A cancelled one (its action was cancelled: public, as the action's status is) says so three ways,
    since clients heed different ones: ``STATUS:CANCELLED`` (RFC 5545: a client may strike it through
    or hide it), its title (a client that ignores the status in a subscribed calendar still shows
    "Cancelled: ...") and, for staff, its state. ``SEQUENCE`` tells a client that compares
    revisions that the event changed: the versions of the rows it is read from, which every change
    (a cancellation, a reopening, a moved date) makes higher and none lower."""
    event = Event()
    event.add("uid", f"{uid(item)}@{urlsplit(site).hostname or 'nrtd'}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.date)  # a date: an all-day event
    if item.date < date.max:  # without DTEND an all-day event lasts the day anyway (RFC 5545)
        event.add("dtend", item.date + timedelta(days=1))
    summary = titled(item.kind, item.title, gettext)
    if item.cancelled:
        summary = gettext("%(name)s: %(value)s") % {"name": gettext(_STATES["cancelled"]), "value": summary}
        event.add("status", "CANCELLED")
    if item.revision:
        event.add("sequence", item.revision)
    event.add("summary", _text(summary))
    # A calendar program shows a category as it is written: the kind's name, not its code.
    event.add("categories", [gettext(KIND_LABELS.get(item.kind, item.kind))])
    event.add("transp", "TRANSPARENT")

    def line(name: str, value: str) -> str:
        return gettext("%(name)s: %(value)s") % {"name": gettext(name), "value": value}

    lines = [line(_("Kind"), gettext(KIND_LABELS.get(item.kind, item.kind)))]
    if link:
        event.add("url", link)
    if internal:
        lines.append(line(_("State"), gettext(_STATES[_state(item, today)])))
    if item.mechanism:  # its name and code ("Universal Periodic Review (UPR)"), not the code alone
        lines.append(line(_("Mechanism"), names.mechanisms.get(item.mechanism, item.mechanism)))
    entities = [names.entities[i] for i in item.entity_ids if i in names.entities]
    if entities:
        lines.append(line(_("Entity") if len(entities) == 1 else _("Entities"), ", ".join(entities)))
    if item.grade:
        lines.append(line(_("Grade"), item.grade))
    if link:
        # Google Calendar and Outlook show no URL property, only the description: its last line, which
        # they make a link of.
        lines.append(link)
    event.add("description", "\n".join(_text(line) for line in lines))
    return event


def _calendar(name: str) -> Calendar:
    """An empty calendar named ``name``, with the instance's time zone."""
    calendar = Calendar()
    calendar.add("prodid", "-//NRTD//Recommendation tracker deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # How often a client should poll (RFC 7986 and the Outlook/Google spelling).
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    # RFC 5545 wants at least one component in a calendar: a feed with no deadline (a new instance, a
    # reader before anything is published) was refused by strict clients. The instance's time zone is
    # one that shows nothing, and tells a client (X-WR-TIMEZONE: Google, Apple) which days are meant.
    zone = instance_zone().key
    calendar.add("x-wr-timezone", zone)
    calendar.add_component(Timezone.from_tzid(zone))
    return calendar


def feed(session: Session, owner: FeedOwner, site: str) -> bytes:
    """The owner's calendar: what the API lists for them, from a year back on; its links and its
    events' UIDs start with the site's address (``Settings.site_address``), so that an event keeps
    its UID whichever address the client subscribed at."""
    gettext = translations(owner.language).gettext
    today = local_today()
    params = DeadlineListParams(from_date=today - PAST)
    calendar = _calendar(gettext(_("Reporting and follow-up deadlines")))
    stamp = datetime.now(UTC).replace(microsecond=0)
    audience = Audience.of(session, owner.actor)
    internal = not audience.published_only
    items = list(deadlines(session, audience, params, today))
    names = _names(session, items, owner.language)
    for item in items:
        # Staff: its workspace page; a reader, who has the public view: its portal page, if any.
        page = item.link if internal else item.public_link
        link = site + _in_language(page, owner.language) if page else None
        calendar.add_component(_event(item, site, stamp, today, internal, link, gettext, names))
    return bytes(calendar.to_ical())


def public_feed(session: Session, lang: str, site: str, filters: DeadlineFilters) -> bytes:
    """The published deadlines ``filters`` keep (from a year back on unless ``from`` says otherwise),
    as anyone may subscribe to them (civil society, with no account): a reader's feed in ``lang``,
    each event linked to its portal page when it has one. Its stamp is the hour's, so that the same
    calendar has the same ETag for an hour."""
    gettext = translations(lang).gettext
    today = local_today()
    shared = filters.model_dump(exclude={"lang"})
    # A year back unless told: not after a ``to`` given alone, which would be a reversed range.
    start = shared["from_date"] or min(today - PAST, shared["to_date"] or today)
    params = DeadlineListParams.model_validate({**shared, "from_date": start})
    calendar = _calendar(gettext(_("Reporting and follow-up deadlines")))
    stamp = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    items = list(deadlines(session, PUBLIC, params, today))
    names = _names(session, items, lang)
    for item in items:
        link = site + _in_language(item.public_link, lang) if item.public_link else None
        calendar.add_component(_event(item, site, stamp, today, False, link, gettext, names))
    return bytes(calendar.to_ical())
