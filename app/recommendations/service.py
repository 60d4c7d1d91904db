"""Reading recommendations: filtered keyset pages and single records, relations loaded in bulk.

A page costs a fixed number of statements whatever its size: the total (kept per data version,
``kept.totals``), the page, then the page's terms, texts and responsible entities in one query
each (mechanisms and the local row come with the page by join).

The page reads the recommendation's columns as plain rows (no ORM entity: each row is read once)
and each item is a dict of plain values as its response model holds them: the staff list's JSON is
written from them directly (``list_json``), the model validates them for the callers that want it
(``list_recommendations``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_in_view
from app.core.actor import READER, Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.config import UHRI_LANGUAGES
from app.core.db import rows_for_ids
from app.core.errors import NotFound
from app.core.etag import etag
from app.core.timestamps import as_utc, utc_or_none
from app.feed.fields import ROLE_FIELDS, alphabetical, name_order
from app.feed.sdg import sdg_entries
from app.models import (
    Cluster,
    ClusterRecommendation,
    Mechanism,
    Recommendation,
    RecommendationText,
    Revision,
    User,
)
from app.models.local import RecommendationLocal, StatusChange
from app.recommendations import kept, ordering

# Also the read side's check of filter values (it reaches this domain through service and reading).
from app.recommendations.filter_values import check_filter_values as check_filter_values
from app.recommendations.local import Responsible, local_version
from app.recommendations.local_state import LOCAL_COLUMNS, LocalValues
from app.recommendations.ordering import effective_sort
from app.recommendations.query import Query, parse
from app.recommendations.reading import MECHANISM_COLUMNS, filter_conditions
from app.recommendations.schemas import (
    ClusterRef,
    RecommendationDetail,
    RecommendationFilter,
    RecommendationListParams,
    RecommendationPage,
    RevisionOut,
    SourceRef,
    StatusChangeOut,
    TextVersion,
)
from app.recommendations.snippets import snippet
from app.recommendations.sources import source_groups

# Response list field for each term role.
ROLE_LISTS = {role: field for role, field in ROLE_FIELDS.items() if role != "sdg"}
# Above this many matches a page is found faster by walking the newest-first index than by
# collecting and sorting every match.
MANY_MATCHES = 2000
_FILTERS = set(RecommendationFilter.model_fields)
_LANG_ORDER = {lang: n for n, lang in enumerate(UHRI_LANGUAGES)}
_SDG_ORDER = {code: n for n, code in enumerate(sdg_entries())}


# A page's terms and texts, run by the driver (``rows_for_ids``): the page's own statement varies
# with its filters, these never do.
_TERMS_SQL = (
    "SELECT rt.recommendation_id, rt.role, t.label, t.code FROM recommendation_terms rt"
    " JOIN terms t ON t.id = rt.term_id WHERE rt.recommendation_id {ids}"
)
_TEXTS_SQL = "SELECT recommendation_id, lang, text FROM recommendation_texts WHERE recommendation_id {ids}"


class _Terms:
    """The labels and SDGs of a set of recommendations, by recommendation id."""

    def __init__(self) -> None:
        self.labels: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.sdgs: dict[int, list[tuple[str, dict[str, Any], str]]] = defaultdict(list)

    @classmethod
    def load(cls, session: Session, ids: Sequence[int]) -> _Terms:
        terms = cls()
        if not ids:
            return terms
        rows = rows_for_ids(session, _TERMS_SQL, ids)
        entries = sdg_entries()
        for rec_id, role, label, code in rows:
            if role == "sdg":
                # Titles from the bundled SDG data: decoding each term's JSON was most of a page's time.
                entry = entries.get(code or "")
                terms.sdgs[rec_id].append((code or label, entry.titles if entry else {}, label))
            else:
                terms.labels[rec_id][role].append(label)
        return terms

    def lists(self, rec_id: int) -> dict[str, list[str]]:
        by_role = self.labels.get(rec_id, {})
        return {
            field: sorted(by_role[role], key=alphabetical) if role in by_role else []
            for role, field in ROLE_LISTS.items()
        }

    def sdg_refs(self, rec_id: int, lang: str) -> list[dict[str, str]]:
        """The fields of each ``SdgRef``, goals and targets in the SDGs' own order."""
        entries = sorted(
            self.sdgs.get(rec_id, []), key=lambda entry: _SDG_ORDER.get(entry[0], len(_SDG_ORDER))
        )
        return [
            {"code": code, "title": titles.get(lang) or titles.get("en") or label}
            for code, titles, label in entries
        ]


def _load_texts(session: Session, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    for rec_id, lang, text in rows_for_ids(session, _TEXTS_SQL, ids):
        texts[rec_id][lang] = text
    return texts


def _languages(available: Iterable[str]) -> list[str]:
    return sorted(available, key=lambda lang: (_LANG_ORDER.get(lang, len(_LANG_ORDER)), lang))


def choose_text(texts: dict[str, str], lang: str) -> tuple[str | None, str | None]:
    """(language, text): the requested language, else English, else the first available."""
    for candidate in (lang, "en"):
        if candidate in texts:
            return candidate, texts[candidate]
    first = next(iter(_languages(texts)), None)
    return (first, texts[first]) if first is not None else (None, None)


def _fields(
    row: Row[Any],
    texts: dict[str, str],
    terms: _Terms,
    responsible: Responsible,
    actor: Actor,
    lang: str,
    sources: dict[int, list[SourceRef]],
    query: Query,
) -> dict[str, Any]:
    """The fields of a ``RecommendationOut`` from a row of ``_ROWS``, as plain values in its order,
    each as the model would hold it (times in UTC)."""
    rec_id = row.id
    text_lang, text = choose_text(texts, lang)
    return {
        "id": rec_id,
        "source": row.source,
        "external_id": row.external_id,
        "document_id": row.document_id,
        "symbol": row.symbol,
        "type": row.type,
        "mechanism": {"code": row.mechanism_code, "name": row.mechanism_name, "family": row.mechanism_family},
        "paragraph": row.paragraph,
        "text": text,
        "text_lang": text_lang,
        "snippet": snippet(text, query),
        "languages": _languages(texts),
        "publication_date": row.publication_date,
        "uhri_published_at": utc_or_none(row.uhri_published_at),
        "upr_cycle": row.upr_cycle,
        "upr_session": row.upr_session,
        "position": row.position,
        "upr_info_action": row.upr_info_action,
        **terms.lists(rec_id),
        "sdgs": terms.sdg_refs(rec_id, lang),
        "needs_review": row.needs_review,
        "withdrawn": row.withdrawn,
        "withdrawn_at": utc_or_none(row.withdrawn_at),
        "created_at": as_utc(row.created_at),
        "updated_at": as_utc(row.updated_at),
        "local": responsible.local_out(rec_id, row.local, actor),
        "sources": sources[rec_id],
    }


_REC = Recommendation
# What a list item or a detail shows of a recommendation, its mechanism and its local row (its
# columns: mostly none, and its version makes the ETag). Built once: a statement is immutable.
_ROWS: Select[*tuple[Any, ...]] = (
    select(
        _REC.id,
        _REC.source,
        _REC.external_id,
        _REC.document_id,
        _REC.symbol,
        _REC.type,
        _REC.paragraph,
        _REC.publication_date,
        _REC.uhri_published_at,
        _REC.upr_cycle,
        _REC.upr_session,
        _REC.position,
        _REC.upr_info_action,
        _REC.needs_review,
        _REC.withdrawn,
        _REC.withdrawn_at,
        _REC.created_at,
        _REC.updated_at,
        _REC.sort_date,
        _REC.content_hash,
        *MECHANISM_COLUMNS,
        LOCAL_COLUMNS,
    )
    .join(Mechanism, Mechanism.id == _REC.mechanism_id)
    .outerjoin(RecommendationLocal, RecommendationLocal.recommendation_id == _REC.id)
)


def page_values(session: Session, actor: Actor, params: RecommendationListParams) -> dict[str, Any]:
    """The fields of a ``RecommendationPage``, as plain values (the items' as ``_fields`` builds them)."""
    dialect = session.get_bind().dialect.name
    reader = actor.role == READER
    check_filter_values(session, params, public=reader)
    query = parse(params.q)
    sort = effective_sort(params.sort, query)
    # The total first (usually reused from the cache): how many match decides the page's plan.
    total = kept.totals.get(
        session,
        [params.model_dump(exclude={"cursor", "limit", "lang", "sort"}), reader],
        lambda: session.execute(
            select(func.count())
            .select_from(Recommendation)
            .where(*filter_conditions(params, dialect, hints=False, public=reader))
        ).scalar_one(),
    )
    # Ranked, the scores' join applies the text query: the conditions leave it out.
    listed = params.model_copy(update={"q": None}) if sort == "relevance" else params
    conditions = filter_conditions(
        listed, dialect, many=total > MANY_MATCHES, few=total <= MANY_MATCHES, public=reader
    )
    rows, next_cursor = ordering.page(
        session,
        _ROWS,
        conditions,
        sort=sort,
        query=query,
        cursor=params.cursor,
        limit=params.limit,
        few=total <= MANY_MATCHES,
        search=ordering.search_digest(params),
        broad=not params.model_dump(include=_FILTERS - {"q"}, exclude_defaults=True),
    )
    ids = [row.id for row in rows]
    terms = _Terms.load(session, ids)
    texts = _load_texts(session, ids)
    responsible = Responsible.load(session, ids)
    sources = source_groups(session, {row.id: (row.source, row.external_id) for row in rows})
    items = [
        _fields(row, texts[row.id], terms, responsible, actor, params.lang, sources, query) for row in rows
    ]
    return {"items": items, "next_cursor": next_cursor, "total": total}


def list_recommendations(
    session: Session, actor: Actor, params: RecommendationListParams
) -> RecommendationPage:
    # One validation of the whole page (nested dicts included): what building each model costs.
    return RecommendationPage.model_validate(page_values(session, actor, params))


def list_json(session: Session, actor: Actor, params: RecommendationListParams) -> bytes:
    """The staff page as the JSON sent, kept per data version (``kept.pages``): staff all see the
    same list, so the page depends on its parameters and the data only. Written from the plain
    values, which ``_fields`` builds as the model holds them, without validating them again
    (a sixth of a page's time; tests/recommendations/test_list_json.py holds the two equal)."""
    return kept.page_json(session, "staff list", params, lambda: to_json(page_values(session, actor, params)))


def recommendation_etag(local: LocalValues | None, content_hash: str, withdrawn: bool) -> str:
    """Moves with a local edit (the local row's version) and with an import's change: the hash, and
    the withdrawal (an import withdraws a record without changing its content), so that a save on a
    version read before either is refused rather than made on a recommendation that left the feed."""
    return etag(f"{local_version(local)}-{content_hash[:12]}" + ("-withdrawn" if withdrawn else ""))


def get_recommendation(
    session: Session, actor: Actor, recommendation_id: int, lang: str = "en"
) -> tuple[RecommendationDetail, str]:
    row = session.execute(_ROWS.where(Recommendation.id == recommendation_id)).first()
    if row is None:
        raise NotFound(Reason(_("recommendation %(id)s does not exist"), id=recommendation_id))
    versions = {
        text_lang: TextVersion(text=text, original=original)
        for text_lang, text, original in session.execute(
            select(RecommendationText.lang, RecommendationText.text, RecommendationText.original).where(
                RecommendationText.recommendation_id == recommendation_id
            )
        )
    }
    revisions = session.scalars(
        select(Revision)
        .where(Revision.recommendation_id == recommendation_id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    )
    fields = _fields(
        row,
        {code: v.text for code, v in versions.items()},
        _Terms.load(session, [recommendation_id]),
        Responsible.load(session, [recommendation_id]),
        actor,
        lang,
        source_groups(session, {recommendation_id: (row.source, row.external_id)}),
        parse(None),
    )
    detail = RecommendationDetail.model_validate(
        {
            **fields,
            "texts": {code: versions[code] for code in _languages(versions)},
            "revisions": [
                RevisionOut(
                    id=r.id, import_run_id=r.import_run_id, created_at=r.created_at, changes=r.changes
                )
                for r in revisions
            ],
            "status_history": _status_history(session, actor, recommendation_id),
            "clusters": _clusters(session, actor, recommendation_id),
        }
    )
    return detail, recommendation_etag(row.local, row.content_hash, row.withdrawn)


def _status_history(session: Session, actor: Actor, recommendation_id: int) -> list[StatusChangeOut]:
    rows = session.execute(
        select(StatusChange, User.email, User.full_name)
        .outerjoin(User, User.id == StatusChange.changed_by_id)
        .where(StatusChange.recommendation_id == recommendation_id)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
    )
    return [
        StatusChangeOut(
            old_status=change.old_status,
            new_status=change.new_status,
            note=change.note,
            changed_at=change.changed_at,
            # Staff e-mail addresses (and names) are not published data.
            changed_by=None if actor.role == READER else email,
            changed_by_name=None if actor.role == READER else full_name or email,
        )
        for change, email, full_name in rows
    ]


def _clusters(session: Session, actor: Actor, recommendation_id: int) -> list[ClusterRef]:
    query = (
        select(Cluster.id, Cluster.name)
        .join(ClusterRecommendation, ClusterRecommendation.cluster_id == Cluster.id)
        .where(
            ClusterRecommendation.recommendation_id == recommendation_id,
            *cluster_in_view(public=actor.role == READER),
        )
    )
    rows = sorted(session.execute(query), key=lambda row: name_order(row.name, row.id))
    return [ClusterRef(id=cluster_id, name=name) for cluster_id, name in rows]
