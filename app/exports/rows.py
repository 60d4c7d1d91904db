"""The exported recommendations, read in keyset batches: never the whole result at once.

A batch is ``batch_size`` recommendations in the list's order (sort_date desc, id desc), the next
one starting strictly after the last row of the previous one; its texts, terms, entities,
clusters and action counts are loaded with one query each. The public batches never select an
internal column: the public query and loaders are their own, not the staff ones filtered after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, tuple_

from app.clusters.reading import cluster_in_view
from app.exports.schemas import ExportCluster, ExportEntity, PublicExportRow, StaffExportRow
from app.feed.fields import ROLE_FIELDS, alphabetical, name_order
from app.models import (
    Cluster,
    ClusterRecommendation,
    Mechanism,
    Recommendation,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.models.local import DEFAULT_STATUS, RecommendationLocal
from app.models.plan import Action
from app.plans.actions.reading import serving
from app.recommendations.reading import MECHANISM_COLUMNS, responsibilities, status_priority_columns
from app.recommendations.service import choose_text
from app.taxonomies.service import SDG_ORDER

BATCH_SIZE = 1000
# Term role -> row list field.
STAFF_ROLES = {role: field for role, field in ROLE_FIELDS.items() if role != "sdg"}
LIST_ROLES = {role: field for role, field in STAFF_ROLES.items() if role != "issue"}

_PUBLIC_COLUMNS = (
    Recommendation.id,
    Recommendation.sort_date,
    Recommendation.symbol,
    Recommendation.document_id,
    Recommendation.type,
    Recommendation.paragraph,
    Recommendation.publication_date,
    Recommendation.upr_cycle,
    Recommendation.upr_session,
    Recommendation.position,
    *MECHANISM_COLUMNS,
)
# What the public sees of the local work is the published status and priority (one rule, in
# app/recommendations/reading.py); staff exports carry the working ones.
_PUBLISHED = tuple(
    column.label(name)
    for column, name in zip(status_priority_columns(public=True), ("status", "priority"), strict=True)
)
_STAFF_COLUMNS = (
    *_PUBLIC_COLUMNS,
    *status_priority_columns(public=False),
    Recommendation.source,
    Recommendation.external_id,
    Recommendation.needs_review,
    Recommendation.withdrawn,
    RecommendationLocal.priority_rationale,
    RecommendationLocal.internal_notes,
)


def recommendation_batches(
    conn: Connection,
    conditions: Sequence[ColumnElement[bool]],
    *,
    public: bool,
    lang: str,
    site: str,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[PublicExportRow]]:
    """The matching recommendations, one list of rows per batch (staff rows unless ``public``); each
    row's ``portal_url`` starts with ``site``, the site's address (``Settings.site_address``)."""
    query = (
        select(*((*_PUBLIC_COLUMNS, *_PUBLISHED) if public else _STAFF_COLUMNS))
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .outerjoin(RecommendationLocal, RecommendationLocal.recommendation_id == Recommendation.id)
        .where(*conditions)
        .order_by(Recommendation.sort_date.desc(), Recommendation.id.desc())
        .limit(batch_size)
    )
    after: ColumnElement[bool] | None = None
    while True:
        rows = conn.execute(query if after is None else query.where(after)).all()
        if not rows:
            return
        yield _batch(conn, rows, public=public, lang=lang, site=site)
        if len(rows) < batch_size:
            return
        last = rows[-1]
        after = tuple_(Recommendation.sort_date, Recommendation.id) < tuple_(last.sort_date, last.id)


def _batch(
    conn: Connection, rows: Sequence[Any], *, public: bool, lang: str, site: str
) -> list[PublicExportRow]:
    ids = [row.id for row in rows]
    texts = _texts(conn, ids)
    lists, sdgs = _terms(conn, ids, STAFF_ROLES if not public else LIST_ROLES)
    lead, supporting = _entities(conn, ids)
    clusters = _clusters(conn, ids, public=public)
    actions = _action_counts(conn, ids, public=public)
    out: list[PublicExportRow] = []
    for row in rows:
        text_lang, text = choose_text(texts.get(row.id, {}), lang)
        by_field = lists.get(row.id, {})
        fields: dict[str, Any] = {
            "id": row.id,
            "symbol": row.symbol,
            "document_id": row.document_id,
            "type": row.type,
            "mechanism_code": row.mechanism_code,
            "mechanism_name": row.mechanism_name,
            "mechanism_family": row.mechanism_family,
            "paragraph": row.paragraph,
            "text": text,
            "text_lang": text_lang,
            "languages": sorted(texts.get(row.id, {})),
            "publication_date": row.publication_date,
            "upr_cycle": row.upr_cycle,
            "upr_session": row.upr_session,
            "position": row.position,
            **{name: sorted(by_field.get(name, []), key=alphabetical) for name in LIST_ROLES.values()},
            "sdgs": sorted(sdgs.get(row.id, []), key=lambda code: SDG_ORDER.get(code, len(SDG_ORDER))),
            "status": row.status or DEFAULT_STATUS,
            "priority": row.priority,
            "lead_entity": lead.get(row.id),
            "supporting_entities": supporting.get(row.id, []),
            "clusters": clusters.get(row.id, []),
            "action_count": actions.get(row.id, 0),
            # The portal shows no withdrawn recommendation (only a staff export has one).
            "portal_url": None if not public and row.withdrawn else f"{site}/recommendations/{row.id}",
        }
        if public:
            out.append(PublicExportRow(**fields))
        else:
            out.append(
                StaffExportRow(
                    **fields,
                    source=row.source,
                    external_id=row.external_id,
                    issues=sorted(by_field.get("issues", []), key=alphabetical),
                    needs_review=row.needs_review,
                    withdrawn=row.withdrawn,
                    priority_rationale=row.priority_rationale,
                    internal_notes=row.internal_notes,
                )
            )
    return out


def _texts(conn: Connection, ids: list[int]) -> dict[int, dict[str, str]]:
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    for rec_id, lang, text in conn.execute(
        select(RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text).where(
            RecommendationText.recommendation_id.in_(ids)
        )
    ):
        texts[rec_id][lang] = text
    return texts


def _terms(
    conn: Connection, ids: list[int], roles: dict[str, str]
) -> tuple[dict[int, dict[str, list[str]]], dict[int, list[str]]]:
    lists: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    sdgs: dict[int, list[str]] = defaultdict(list)
    for rec_id, role, label, code in conn.execute(
        select(RecommendationTerm.recommendation_id, RecommendationTerm.role, Term.label, Term.code)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id.in_(ids), RecommendationTerm.role.in_([*roles, "sdg"]))
    ):
        if role == "sdg":
            sdgs[rec_id].append(code or label)
        else:
            lists[rec_id][roles[role]].append(label)
    return lists, sdgs


def _entities(
    conn: Connection, ids: list[int]
) -> tuple[dict[int, ExportEntity], dict[int, list[ExportEntity]]]:
    lead: dict[int, ExportEntity] = {}
    supporting: dict[int, list[ExportEntity]] = defaultdict(list)
    rows = conn.execute(responsibilities(ids))
    for rec_id, responsibility, entity_id, name, acronym in sorted(
        rows, key=lambda row: name_order(row.name, row.id)
    ):
        ref = ExportEntity(id=entity_id, name=name, acronym=acronym)
        if responsibility == "lead":
            lead[rec_id] = ref
        else:
            supporting[rec_id].append(ref)
    return lead, supporting


def _clusters(conn: Connection, ids: list[int], *, public: bool) -> dict[int, list[ExportCluster]]:
    query = (
        select(ClusterRecommendation.recommendation_id, Cluster.id, Cluster.name)
        .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
        .where(ClusterRecommendation.recommendation_id.in_(ids), *cluster_in_view(public=public))
    )
    found: dict[int, list[ExportCluster]] = defaultdict(list)
    for rec_id, cluster_id, name in sorted(conn.execute(query), key=lambda row: name_order(row.name, row.id)):
        found[rec_id].append(ExportCluster(id=cluster_id, name=name))
    return found


def _action_counts(conn: Connection, ids: list[int], *, public: bool) -> dict[int, int]:
    """The actions serving each recommendation, linked to it or to a cluster it is in (the public:
    published actions, through published and not archived clusters), as the statistics count them."""
    served = serving(select(Recommendation.id).where(Recommendation.id.in_(ids)), public=public).subquery()
    pairs = select(served.c.recommendation_id, served.c.action_id).distinct()
    if public:
        pairs = pairs.join(Action, Action.id == served.c.action_id).where(Action.published.is_(True))
    counted = pairs.subquery()
    query = select(counted.c.recommendation_id, func.count()).group_by(counted.c.recommendation_id)
    return {rec_id: count for rec_id, count in conn.execute(query)}
