"""The Atom 1.0 feed of newly published progress updates (RFC 4287).

An entry is an approved and published progress update of a published action: an update
published on an action that is not (yet) public stays out, with the action's title. Its
``alternate`` link (and id) is the update on the action's portal page; the action's JSON in the
public API and the portal pages of the recommendations it implements are linked too.
Its own words (the feed's title, an entry's title, the status, "Evidence") are in the reader's
language, chosen as the portal chooses a page's (``?lang=``, then Accept-Language, then English); what
the staff wrote (the action's title, the narrative) stays as written, in the one language it has.
Everything is written through ElementTree, which escapes text and attributes; characters XML 1.0
cannot carry at all (most control characters) are dropped first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast

from babel.dates import format_date
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from app.core.catalogue import marked as _
from app.core.publisher import Publisher
from app.core.timestamps import as_utc
from app.core.xml_text import xml_safe
from app.exports.freshness import data_dates
from app.models import (
    Action,
    ActionEntity,
    ActionRecommendation,
    ActionSdg,
    ProgressUpdate,
    Recommendation,
    Term,
)
from app.plans.actions.reading import served_through_clusters, serving
from app.plans.actions.schemas import ACTION_STATUS_LABELS
from app.public import related
from app.public.schemas import FeedParams
from app.recommendations.reading import label_condition, sdg_condition
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.service import check_filter_values
from app.web.i18n import DEFAULT_LANGUAGE, asked_language, from_accept_language, translations

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
FEED_SIZE = 50
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_TITLE = _("Published progress on the implementation of human-rights recommendations")


@dataclass(frozen=True)
class FeedEntry:
    id: int
    action_id: int
    action_title: str
    reported_on: date
    narrative: str
    new_status: str | None
    evidence_url: str | None
    published_at: datetime
    recommendation_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class FeedLinks:
    """Where an entry points: the action's portal page (``page``), its public JSON (``data``), and the
    portal page of a recommendation (``recommendation``). ``lang``: the language the portal pages open
    in, the feed's when the reader asked for it (``?lang=``): without it a reader of the Spanish feed
    got the pages in their browser's language."""

    page: Callable[[int], str]
    data: Callable[[int], str]
    recommendation: Callable[[int], str]
    lang: str | None = None

    def opened(self, page_url: str, fragment: str = "") -> str:
        """``page_url`` in the feed's language, then ``fragment`` (``#progress-1``)."""
        return page_url + (f"?lang={self.lang}" if self.lang else "") + fragment


def feed_language(asked: str | None, accept_language: str | None) -> str:
    """The language of the feed's words: ``?lang=`` when it is an interface language (another one, a
    text language such as ``ar``, gives English: the reader asked for it, not for the browser's),
    else the browser's Accept-Language, else English."""
    if asked:
        return asked_language(asked) or DEFAULT_LANGUAGE
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE


def feed_title(publisher: Publisher, lang: str) -> str:
    """The feed's title in ``lang``: the site's name, then what the feed holds."""
    gettext = translations(lang).gettext
    named = {"name": publisher.title_in(gettext), "value": gettext(FEED_TITLE)}
    return gettext("%(name)s: %(value)s") % named


def _linked_recommendations(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Actions serving a current recommendation (``related.recommendation_is_current``) that meets
    ``condition``: linked to it, or to a published cluster it is in (``serving``), the actions its
    portal page, ``/actions?recommendation=``, the statistics and the report show for it."""
    matching = select(Recommendation.id).where(*related.recommendation_is_current(), condition)
    served = serving(matching, public=True).subquery()
    return Action.id.in_(select(served.c.action_id))


def _own_sdg(code: str) -> ColumnElement[bool]:
    """Actions tagged with this SDG target, or with the goal or any of its targets for a goal code."""
    goal = aliased(Term)
    terms = select(Term.id).where(Term.kind == "sdg", Term.key == code)
    if "." not in code:
        terms = select(Term.id).where(
            Term.kind == "sdg",
            or_(
                Term.key == code,
                Term.parent_id.in_(select(goal.id).where(goal.kind == "sdg", goal.key == code)),
            ),
        )
    return Action.id.in_(select(ActionSdg.action_id).where(ActionSdg.term_id.in_(terms)))


def _recommendations_of(session: Session, action_ids: set[int]) -> dict[int, list[int]]:
    """The current recommendations each action implements, as its public JSON lists them (not
    withdrawn, not a linked copy): linked to it (``recommendation_ids``), or in a published cluster it
    is linked to (``recommendations_through_clusters``), which the feed's filters find it by; each
    once, in id order. Two statements for the feed."""
    found: dict[int, set[int]] = defaultdict(set)
    if not action_ids:
        return {}
    rows = session.execute(
        select(ActionRecommendation.action_id, ActionRecommendation.recommendation_id)
        .join(Recommendation, Recommendation.id == ActionRecommendation.recommendation_id)
        .where(ActionRecommendation.action_id.in_(sorted(action_ids)), *related.recommendation_is_current())
        .order_by(ActionRecommendation.recommendation_id)
    )
    for action_id, recommendation_id in rows:
        found[action_id].add(recommendation_id)
    for action_id, by_cluster in served_through_clusters(session, action_ids, public=True).items():
        for recommendation_ids in by_cluster.values():
            found[action_id].update(recommendation_ids)
    return {action_id: sorted(ids) for action_id, ids in found.items()}


def feed_entries(session: Session, params: FeedParams) -> list[FeedEntry]:
    conditions: list[ColumnElement[bool]] = [
        ProgressUpdate.state == "approved",
        ProgressUpdate.published.is_(True),
        ProgressUpdate.published_at.is_not(None),
        Action.published.is_(True),
    ]
    # The list's rule: a theme or an entity that names nothing is a 422 naming it, not an empty feed.
    check_filter_values(
        session,
        RecommendationFilter(theme=[params.theme] if params.theme is not None else [], entity=params.entity),
        public=True,
    )
    if params.entity is not None:
        supported = select(ActionEntity.action_id).where(ActionEntity.entity_id == params.entity)
        conditions.append(or_(Action.lead_entity_id == params.entity, Action.id.in_(supported)))
    if params.theme is not None:
        conditions.append(_linked_recommendations(label_condition("theme", params.theme)))
    if params.sdg is not None:
        # sdg_condition checks the code (422 naming `sdg` if it is not one).
        by_recommendation = _linked_recommendations(sdg_condition(params.sdg))
        conditions.append(or_(by_recommendation, _own_sdg(params.sdg.strip().lower())))
    rows = session.execute(
        select(
            ProgressUpdate.id,
            ProgressUpdate.action_id,
            Action.title,
            ProgressUpdate.reported_on,
            ProgressUpdate.narrative,
            ProgressUpdate.new_status,
            ProgressUpdate.evidence_url,
            ProgressUpdate.published_at,
        )
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(*conditions)
        .order_by(ProgressUpdate.published_at.desc(), ProgressUpdate.id.desc())
        .limit(FEED_SIZE)
    ).all()
    recommendations = _recommendations_of(session, {row[1] for row in rows})
    # published_at IS NOT NULL is among the conditions; the type checker cannot know.
    return [
        FeedEntry(
            id=row[0],
            action_id=row[1],
            action_title=row[2],
            reported_on=row[3],
            narrative=row[4],
            new_status=row[5],
            evidence_url=row[6],
            published_at=as_utc(cast(datetime, row[7])),  # never None: published_at.is_not(None) above
            recommendation_ids=recommendations.get(row[1], []),
        )
        for row in rows
    ]


def _clean(value: str) -> str:
    return xml_safe(value)


def empty_feed_updated(session: Session) -> datetime:
    """The ``<updated>`` of a feed without an entry, which RFC 4287 still requires: the last time the
    public data changed or was checked against its source (``data_dates``: the open-data page's "last
    updated"), the newest of the two, so that it moves only when the data does and the feed's ETag
    stays put in between; on an instance that has neither yet, the current second. It said
    1970-01-01, which a feed reader shows as a feed dead for fifty years."""
    dates = data_dates(session)
    known = [moment for moment in (dates.published_change, dates.last_import) if moment is not None]
    return max(known) if known else datetime.now(UTC).replace(microsecond=0)


def _timestamp(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _add_author(feed: ET.Element, name: str, publisher: Publisher | None) -> None:
    """The feed's author (the publisher, with its contact) and rights (the data's licence)."""
    author = _add(feed, "author")
    _add(author, "name", name)
    if publisher is not None and publisher.contact_email:
        _add(author, "email", publisher.contact_email)
    if publisher is not None and publisher.contact_url:
        _add(author, "uri", publisher.contact_url)
    if publisher is not None and publisher.rights:
        _add(feed, "rights", publisher.rights, type="text")


def render_atom(
    entries: Sequence[FeedEntry],
    *,
    feed_url: str,
    title: str,
    author: str,
    links: FeedLinks,
    publisher: Publisher | None = None,
    lang: str = DEFAULT_LANGUAGE,
    empty_updated: datetime | None = None,
) -> bytes:
    """The feed document, its own words in ``lang``; without an entry, updated at ``empty_updated``
    (``empty_feed_updated``; required then). ``feed_url`` (with its filters) is also the feed's id;
    an entry's id is the update on its action's portal page (the page's anchor of the update): unique
    and permanent, and the page a reader opens."""
    gettext = translations(lang).gettext
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    updated = entries[0].published_at if entries else empty_updated
    if updated is None:
        raise ValueError("a feed without an entry needs its updated time (empty_feed_updated)")
    _add(feed, "updated", _timestamp(updated))
    _add(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=feed_url)
    _add_author(feed, author, publisher)
    _add(feed, "generator", "NRTD")
    for entry in entries:
        anchor = f"#progress-{entry.id}"
        item = _add(feed, "entry")
        # The id is the update's address without the language: the same entry in every language's feed.
        _add(item, "id", links.page(entry.action_id) + anchor)
        reported = gettext("Progress update of %(date)s") % {
            "date": format_date(entry.reported_on, format="long", locale=lang)
        }
        _add(item, "title", gettext("%(name)s: %(value)s") % {"name": entry.action_title, "value": reported})
        _add(item, "updated", _timestamp(entry.published_at))
        _add(item, "published", _timestamp(entry.published_at))
        _add(
            item,
            "link",
            rel="alternate",
            type="text/html",
            href=links.opened(links.page(entry.action_id), anchor),
        )
        _add(item, "link", rel="alternate", type="application/json", href=links.data(entry.action_id))
        for recommendation_id in entry.recommendation_ids:
            _add(
                item,
                "link",
                rel="related",
                type="text/html",
                href=links.opened(links.recommendation(recommendation_id)),
            )
        if entry.evidence_url:
            _add(item, "link", rel="related", href=entry.evidence_url, title=gettext("Evidence"))
        if entry.new_status:
            label = ACTION_STATUS_LABELS.get(entry.new_status)
            shown = gettext(label) if label else entry.new_status.replace("_", " ")
            _add(item, "category", term=entry.new_status, label=shown)
        _add(item, "summary", entry.narrative, type="text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
