"""Unknown filter values are refused (422 naming the parameter and the value), the same for every
filter: a mechanism code, a taxonomy label, an SDG code (``reading.sdg_condition``), an entity or a
cluster that does not exist would otherwise silently select nothing, which reads as "no such
recommendation" rather than "you mistyped".

The cluster filter is checked for staff only: to the public, a cluster it does not see (unpublished
or archived) is answered as an unknown one (an empty list), so that a 422 cannot tell that it exists.
A public report, which names its filters, refuses both alike instead (``named_cluster``): it could
name neither. For the same reason the
public's taxonomy labels are those some recommendation that is not withdrawn carries: a label only
withdrawn recommendations carry (which the reader's taxonomies leave out) is a 422 as an unknown one
is, not an empty list that would tell it was once written. And the public's entities are those
something public names (``app.entities.reading.publicly_named``, the one rule): an entity that
exists but that nothing public names (a unit never assigned anything, one responsible only for
withdrawn recommendations or unpublished work) is the same 422 as an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, Select, String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_is_public
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.entities.reading import publicly_named
from app.models import Cluster, Entity, Mechanism, Recommendation, RecommendationTerm, Term
from app.models.taxonomy import ROLE_KIND
from app.recommendations import kept
from app.recommendations.reading import LABEL_FILTERS, term_key
from app.recommendations.schemas import RecommendationFilter


def _unknown(field: str, value: object, what: str) -> InvalidInput:
    reason = Reason(_("%(value)s is not %(what)s"), value=repr(value), what=Reason(what))
    # ``value``: which of the field's values it is, for a form that shows several (not in the API's
    # problem document, whose errors name the field and the reason).
    refused = {"field": field, "reason": reason, "value": str(value)}
    return InvalidInput(f"{field}: {reason}", errors=[refused])


def _carried_by_a_published_recommendation(role: str) -> ColumnElement[bool]:
    """Whether a ``Term`` (in a query on terms) is on some recommendation that is not withdrawn, in
    any role of its kind (the taxonomies count a State once whether it is reviewed or recommending)."""
    roles = sorted(other for other, kind in ROLE_KIND.items() if kind == ROLE_KIND[role])
    return (
        select(RecommendationTerm.recommendation_id)
        .join(Recommendation, Recommendation.id == RecommendationTerm.recommendation_id)
        .where(
            RecommendationTerm.term_id == Term.id,
            RecommendationTerm.role.in_(roles),
            Recommendation.withdrawn.is_(False),
        )
        .exists()
    )


def check_filter_values(
    session: Session,
    params: RecommendationFilter,
    *,
    public: bool = False,
    names: Mapping[str, str] | None = None,
    named_cluster: bool = False,
) -> None:
    """Raise ``InvalidInput`` for the first filter value that names nothing stored (``public``:
    nothing published): one statement for all of them (the values found, each tagged with its
    parameter), none without such filters.
    ``names``: the parameter a route calls a filter by, where it is not the list's name (the
    calendar's ``entity_id`` for ``entity``).
    ``named_cluster``: the answer names its cluster (a report's title and filters), so the public's
    cluster filter is checked too, among the clusters it sees: one it does not see is refused as an
    unknown one is, never named nor told apart from one that does not exist."""
    asked: list[tuple[str, str, str]] = []  # (parameter, value as typed, value as looked up)
    lookups: list[Select[str, str]] = []
    codes = {code.strip().upper(): code for code in params.mechanism}
    if codes:
        asked += [("mechanism", raw, code) for code, raw in codes.items()]
        lookups.append(select(literal("mechanism"), Mechanism.code).where(Mechanism.code.in_(codes)))
    for name, role in LABEL_FILTERS.items():
        labels: list[str] = getattr(params, name)
        keys = {term_key(role, label): label for label in labels}
        if keys:
            asked += [(name, label, key) for key, label in keys.items()]
            term = select(literal(name), Term.key).where(Term.kind == ROLE_KIND[role], Term.key.in_(keys))
            if public:
                term = term.where(_carried_by_a_published_recommendation(role))
            lookups.append(term.distinct().subquery().select())
    if params.entity is not None:
        asked.append(("entity", str(params.entity), str(params.entity)))
        entity = select(literal("entity"), cast(Entity.id, String)).where(Entity.id == params.entity)
        if public:
            entity = entity.where(Entity.id.in_(publicly_named([params.entity])))
        lookups.append(entity)
    if params.cluster is not None and (not public or named_cluster):
        asked.append(("cluster", str(params.cluster), str(params.cluster)))
        cluster = select(literal("cluster"), cast(Cluster.id, String)).where(Cluster.id == params.cluster)
        lookups.append(cluster.where(*cluster_is_public()) if public else cluster)
    if not lookups:
        return
    # Kept per data version, as a list's total is: every write that could add or remove a value moves it.
    key = ["filter values", sorted(asked), public, named_cluster]
    found = kept.known_values.get(
        session,
        key,
        lambda: frozenset((field, str(value)) for field, value in session.execute(union_all(*lookups))),
    )
    for field, raw, value in asked:
        if (field, value) not in found:
            what = _WHAT.get(field) or f"a known {field.replace('_', ' ')} label"
            raise _unknown((names or {}).get(field, field), raw, what)


_WHAT = {
    "mechanism": _("a known mechanism code"),
    "entity": _("a known entity id"),
    "cluster": _("a known cluster id"),
    "theme": _("a known theme label"),
    "affected_person": _("a known affected person label"),
    "country": _("a known country label"),
    "region": _("a known region label"),
    "recommending_state": _("a known recommending state label"),
    "recommending_region": _("a known recommending region label"),
    "issue": _("a known issue label"),
}
