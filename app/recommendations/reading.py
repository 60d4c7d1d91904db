"""Selecting recommendations to read: the list filters as SQL conditions, the keyset cursor, the
entities responsible for a set, and the data version.

The staff list (service.py) and the read side (public, portal, exports, reports) share these, so
that a filter or a version means the same everywhere.

Taxonomy filters are uncorrelated ``IN`` subqueries on ``recommendation_terms`` (served by the
index on (term_id, role, recommendation_id)); the planner computes them once per query rather
than once per row. A page whose filters are known to match many or few is steered (``Plan``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, any_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.db import off_index
from app.core.errors import InvalidInput
from app.feed.countries import resolve_country_alias
from app.feed.keys import label_key
from app.feed.sdg import SDG_CODES
from app.models import (
    AuditEvent,
    Entity,
    ImportRun,
    Mechanism,
    Recommendation,
    RecommendationTerm,
    Term,
)
from app.models.audit import ACCOUNT_EVENT_PREFIXES, DataVersion
from app.models.local import RecommendationEntity
from app.models.source_link import SourceLink
from app.models.taxonomy import ROLE_KIND
from app.recommendations.local_state import local_conditions

# The status and priority each reader sees, for the read side (which reaches this domain through reading).
from app.recommendations.local_state import status_priority as status_priority
from app.recommendations.local_state import status_priority_columns as status_priority_columns

# The list orders and their cursors, for the read side (which reaches this domain through reading).
from app.recommendations.ordering import check_cursor as check_cursor
from app.recommendations.ordering import effective_sort as effective_sort
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.search import matching_ids

# Query parameter -> the role a term plays on a recommendation.
LABEL_FILTERS = {
    "theme": "theme",
    "affected_person": "affected_person",
    "country": "country",
    "region": "region",
    "recommending_state": "recommending_state",
    "recommending_region": "recommending_region",
    "issue": "issue",
}
# A recommendation's mechanism in a read joined to mechanisms: one set of names for lists and exports.
MECHANISM_COLUMNS = (
    Mechanism.code.label("mechanism_code"),
    Mechanism.name.label("mechanism_name"),
    Mechanism.family.label("mechanism_family"),
)


def _flag(attribute: QueryableAttribute[Any], dialect: str, hints: bool = True) -> ColumnElement[Any]:
    """A low-cardinality column (withdrawn, type, position, mechanism...) for a filter: kept off its
    index on SQLite (``off_index``), which would otherwise read every current recommendation through
    ix_recommendations_withdrawn and sort them all for one page, rather than walk
    ix_recommendations_sort and stop after a page."""
    column = attribute.expression
    return off_index(column, dialect) if hints else column


# How a page finds the matches of a taxonomy filter, when the total says how many there are:
# - "walk" (SQLite, many matches): ``+id IN (...)``, kept off the primary key, so SQLite walks the
#   newest-first index and stops after a page instead of reading every match by id and sorting
#   them all (a theme matching 6,103 of 250,000: 19 ms down to 2.5 ms);
# - "collect" (PostgreSQL, few matches, the taxonomy value being the only filter, so that the few
#   are its own): ``id = ANY(ARRAY(...))``: the matches come from the term index as one array, then
#   by primary key, and are sorted (a State's 1,077: 60 ms down to 3 ms; as ``IN`` the planner read
#   all 250,000 recommendations to hash-join them). Beside another filter, the value alone may
#   match tens of thousands: too many to fetch one by one;
# - None: ``id IN (...)``, left to the planner (counts, exports, reports).
Plan = Literal["walk", "collect"] | None


def _one_taxonomy_value(params: RecommendationFilter) -> bool:
    """The filters are one taxonomy value (a label or an SDG code) and nothing else (current
    recommendations, the default, is no filter)."""
    asked = [
        name
        for name in RecommendationFilter.model_fields
        if getattr(params, name) not in (None, "", []) and not (name == "withdrawn" and not params.withdrawn)
    ]
    return asked in ([name] for name in (*LABEL_FILTERS, "sdg")) and len(getattr(params, asked[0])) == 1


def _linked_to(role: str, term_ids: ColumnElement[bool], plan: Plan = None) -> ColumnElement[bool]:
    linked = select(RecommendationTerm.recommendation_id).where(RecommendationTerm.role == role, term_ids)
    if plan == "collect":
        return Recommendation.id == any_(func.array(linked.scalar_subquery()))
    return _flag(Recommendation.id, "sqlite", plan == "walk").in_(linked)


def term_key(role: str, label: str) -> str:
    """The key of the term a filter value names in ``role``. A State is stored under its UHRI name
    whatever spelling its source gave (importers/pipeline/terms.py), so it is looked up the same way:
    "Perú", "PE" and "peru" find Peru's recommendations."""
    return label_key(resolve_country_alias(label) if ROLE_KIND[role] == "state" else label)


def label_condition(role: str, label: str, *, plan: Plan = None) -> ColumnElement[bool]:
    # One term per kind and key: a scalar subquery, which PostgreSQL computes once and then probes
    # (recommendation_id, role, term_id) exactly, rather than joining every term of each row.
    term = select(Term.id).where(Term.kind == ROLE_KIND[role], Term.key == term_key(role, label))
    return _linked_to(role, RecommendationTerm.term_id == term.scalar_subquery(), plan)


def sdg_condition(raw_code: str, *, walk: bool = False, plan: Plan = None) -> ColumnElement[bool]:
    """A goal code matches the goal and all its targets; a target code matches that target.

    ``walk``: a correlated EXISTS instead of IN, so SQLite walks the newest-first index and stops
    after a page. A goal covers a large share of all recommendations (16: 40%), where collecting
    and sorting every match first costs hundreds of milliseconds.
    """
    code = raw_code.strip().lower()
    if code not in SDG_CODES:
        raise InvalidInput(
            f"sdg: {raw_code!r} is not an SDG goal or target code",
            errors=[
                {
                    "field": "sdg",
                    "reason": Reason(
                        _('%(code)s is not an SDG goal ("5") or target ("5.2", "16.a") code'),
                        code=repr(raw_code),
                    ),
                    "value": raw_code,
                }
            ],
        )
    if "." in code:
        terms = select(Term.id).where(Term.kind == "sdg", Term.key == code)
    else:
        goal = aliased(Term)
        goal_id = select(goal.id).where(goal.kind == "sdg", goal.key == code)
        terms = select(Term.id).where(Term.kind == "sdg", or_(Term.key == code, Term.parent_id.in_(goal_id)))
        if walk:
            return (
                select(RecommendationTerm.recommendation_id)
                .where(
                    RecommendationTerm.recommendation_id == Recommendation.id,
                    RecommendationTerm.role == "sdg",
                    RecommendationTerm.term_id.in_(terms),
                )
                # Only to the recommendation: a count that joins recommendation_terms itself (a
                # facet, a statistic) must not correlate this subquery's own table away.
                .correlate(Recommendation)
                .exists()
            )
    return _linked_to("sdg", RecommendationTerm.term_id.in_(terms), plan)


def current_leader(session: Session, recommendation_id: int) -> int | None:
    """The current record ``recommendation_id`` is a linked copy of (``leading_only`` leaves the copy out
    of every list), or None: not a copy, or its record is withdrawn and the copy is listed again."""
    leader = aliased(Recommendation)
    found: int | None = session.scalar(
        select(SourceLink.leader_id)
        .join(leader, leader.id == SourceLink.leader_id)
        .where(
            SourceLink.state == "linked",
            SourceLink.member_id == recommendation_id,
            leader.withdrawn.is_(False),
        )
    )
    return found


@cache
def leading_only() -> ColumnElement[bool]:
    """Not a linked copy of a current recommendation (a UPR Info row or a manual copy of a UHRI
    record, see app.recommendations.source_links): one row per recommendation across sources in
    every list, count, statistic, export and report. An uncorrelated subquery over the few links,
    computed once per query; a copy whose leader is withdrawn is listed again. Built once and
    reused (a statement is immutable): the alias alone cost a millisecond a request.
    """
    leader = aliased(Recommendation)
    # EXISTS by primary key, so the links drive the subquery: a join lets SQLite read every
    # current recommendation through ix_recommendations_withdrawn to find the few leaders.
    current_leader = (
        select(leader.id).where(leader.id == SourceLink.leader_id, leader.withdrawn.is_(False)).exists()
    )
    copies = select(SourceLink.member_id).where(SourceLink.state == "linked", current_leader)
    return Recommendation.id.not_in(copies)


def _within_cycle_dates(cycle: int) -> ColumnElement[bool]:
    """No later than the newest date of one UPR cycle's recommendations (withdrawn ones included): a
    condition every match of ``upr_cycle = cycle`` meets, which lets PostgreSQL start a newest-first
    walk at that date. Its planner takes a filter's matches to be spread over every date, so for
    ``cycle=3&position=supported`` (250,000 recommendations) it walked 46,881 rows, nearly all of
    the newer cycle 4, for a page of 51 (9.4 ms); from the bound, one probe of
    ix_recommendations_cycle_sort, it reads 83 (0.15 ms). Only an upper bound: with both
    the planner judged the range so narrow that it collected and sorted all 27,688 matches (39 ms)."""
    same = aliased(Recommendation)
    dates = select(same.sort_date).where(same.upr_cycle == cycle)
    return Recommendation.sort_date <= dates.with_only_columns(func.max(same.sort_date)).scalar_subquery()


def _of_mechanisms(
    which: ColumnElement[bool], dialect: str, hints: bool, *, walk: bool
) -> ColumnElement[bool]:
    """The recommendations of the mechanisms ``which`` selects. ``walk`` (PostgreSQL, many matches):
    ``mechanism_id = ANY(ARRAY(...))``. As ``IN``, the planner read every recommendation of the
    mechanism from the heap and sorted them for one page (``mechanism=CRC``, 6,224 of 100,000:
    13.7 ms); from an array whose values it cannot see it walks the newest-first index and stops
    after a page (0.5 ms), which is right when the total says the matches are many."""
    mechanisms = select(Mechanism.id).where(which)
    if walk:
        return Recommendation.mechanism_id == any_(func.array(mechanisms.scalar_subquery()))
    return _flag(Recommendation.mechanism_id, dialect, hints).in_(mechanisms)


def filter_conditions(
    params: RecommendationFilter,
    dialect: str,
    *,
    hints: bool = True,
    many: bool = False,
    few: bool = False,
    public: bool = False,
) -> list[ColumnElement[bool]]:
    """Every filter of ``params`` as a condition on ``recommendations`` (no joins needed).

    ``hints=False`` leaves SQLite free to use the equality indexes: right for a count, which reads
    every match anyway, wrong for a page (see ``_flag``). ``many``: the filters are known to match
    many recommendations, so a page walks the newest-first index (see ``matching_ids``); ``few``:
    known to match few, so a page may collect them (see ``Plan``).
    ``public``: what the public sees (the reader role): the published status and priority
    (``status_priority_columns``), and the cluster filter sees published clusters only.
    """
    rec = Recommendation
    conditions: list[ColumnElement[bool]] = [_flag(rec.withdrawn, dialect, hints) == params.withdrawn]
    # One row per recommendation across sources: linked copies are listed under their leader.
    conditions.append(leading_only())
    if params.q:
        text_match = matching_ids(params.q, dialect, walk=hints and many)
        if text_match is not None:
            conditions.append(text_match)
    walk = hints and many and dialect == "postgresql"
    if params.mechanism:
        codes = sorted({code.strip().upper() for code in params.mechanism})
        conditions.append(_of_mechanisms(Mechanism.code.in_(codes), dialect, hints, walk=walk))
    if params.family:
        families = sorted(set(params.family))
        conditions.append(_of_mechanisms(Mechanism.family.in_(families), dialect, hints, walk=walk))
    if params.type:
        conditions.append(_flag(rec.type, dialect, hints).in_(sorted(set(params.type))))
    plan: Plan = None
    if hints and many and dialect == "sqlite":
        plan = "walk"
    elif hints and few and dialect == "postgresql" and _one_taxonomy_value(params):
        plan = "collect"
    # One condition per value, however often or however spelt it is repeated (``Peru``, ``PE``):
    # SQLite refuses a statement of 1,000 alternatives (its expression depth limit), a 500.
    for name, role in LABEL_FILTERS.items():
        by_key = {term_key(role, label): label for label in getattr(params, name)}
        if by_key:
            conditions.append(or_(*(label_condition(role, label, plan=plan) for label in by_key.values())))
    if params.sdg:
        sdg_codes = {code.strip().lower(): code for code in params.sdg}
        walk = hints and dialect == "sqlite" and len(sdg_codes) == 1
        conditions.append(or_(*(sdg_condition(code, walk=walk, plan=plan) for code in sdg_codes.values())))
    if params.cycle:
        cycles = sorted({cycle for cycle in params.cycle if isinstance(cycle, int)})
        choices = [rec.upr_cycle.in_(cycles)] if cycles else []
        if "none" in params.cycle:
            choices.append(rec.upr_cycle.is_(None))
        conditions.append(or_(*choices))
        if hints and many and dialect == "postgresql" and len(set(params.cycle)) == 1 and cycles:
            conditions.append(_within_cycle_dates(cycles[0]))
    if params.session is not None:
        conditions.append(rec.upr_session == params.session)
    if params.position:
        conditions.append(_flag(rec.position, dialect, hints).in_(sorted(set(params.position))))
    if params.source:
        conditions.append(_flag(rec.source, dialect, hints).in_(sorted(set(params.source))))
    if params.needs_review is not None:
        conditions.append(_flag(rec.needs_review, dialect, hints) == params.needs_review)
    if params.published_from:
        conditions.append(rec.publication_date >= params.published_from)
    if params.published_to:
        conditions.append(rec.publication_date <= params.published_to)
    conditions.extend(local_conditions(params, public=public))
    return conditions


def responsibilities(ids: Any) -> Select[int, str, int, str, str | None]:
    """(recommendation id, lead|supporting, entity id, name, acronym) for ``ids``: a list of ids
    or a subquery selecting them."""
    return (
        select(
            RecommendationEntity.recommendation_id,
            RecommendationEntity.responsibility,
            Entity.id,
            Entity.name,
            Entity.acronym,
        )
        .join(Entity, Entity.id == RecommendationEntity.entity_id)
        .where(RecommendationEntity.recommendation_id.in_(ids))
    )


def data_version(session: Session) -> str:
    """The newest run's and the newest data event's ids and times, and the commit counter, in one
    statement of five primary-key walks (ids alone can be reused after rows are deleted). The walk
    for the newest data event steps over the account events after it: a handful, or a login
    flood's worth.

    Recommendations change through import runs, and through the API (local fields, clusters,
    manual recommendations), whose every write records an audit event in the same transaction and
    bumps the commit counter (``app.models.audit.DataVersion``) as it commits. So the newest run,
    the newest audit event and the counter together version the data: a new run or any write
    gives a new version, in every replica alike, even when two writers commit out of the order
    their events were numbered in. Events about accounts and access (logins, failed ones included,
    refusals, users and API keys) change no recommendation: they are left out, so that anyone
    failing to log in cannot start new totals or change the public exports' ETag (which is this
    version).
    """
    return "{}@{}/{}@{}/{}".format(*session.execute(_version_statement()).one())


@cache
def _version_statement() -> Select[Any, Any, Any, Any, Any]:
    """``data_version``'s statement, built once (a statement is immutable): building its five
    subqueries and their cache key took longer than running it."""

    def newest(column: Any, id_column: Any, *where: Any) -> Any:
        return select(column).where(*where).order_by(id_column.desc()).limit(1).scalar_subquery()

    data_event = and_(*(AuditEvent.action.not_like(f"{prefix}%") for prefix in ACCOUNT_EVENT_PREFIXES))
    return select(
        newest(ImportRun.id, ImportRun.id),
        newest(ImportRun.finished_at, ImportRun.id),
        newest(AuditEvent.id, AuditEvent.id, data_event),
        newest(AuditEvent.at, AuditEvent.id, data_event),
        select(DataVersion.counter).where(DataVersion.id == 1).scalar_subquery(),
    )


def recommendation_is_current() -> list[ColumnElement[bool]]:
    """A recommendation the public lists: not withdrawn, and not a linked copy of another."""
    return [Recommendation.withdrawn.is_(False), leading_only()]
