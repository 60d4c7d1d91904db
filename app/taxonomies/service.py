"""Each vocabulary with its recommendation counts, computed in one grouped query; the SDG titles and
order that lists, pages and exports show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Subquery, and_, func, select, union_all
from sqlalchemy.orm import Session, aliased

from app.core.catalogue import marked as _
from app.core.db import off_index
from app.core.errors import NotFound
from app.feed.fields import name_order
from app.feed.sdg import sdg_entries
from app.models import Mechanism, Recommendation, RecommendationTerm, Term
from app.models.taxonomy import MECHANISM_FAMILIES, ROLE_KIND
from app.recommendations import kept
from app.recommendations.reading import leading_only
from app.taxonomies.schemas import (
    TAXONOMY_KINDS,
    MechanismEntry,
    MechanismList,
    SdgEntry,
    SdgList,
    TermEntry,
    TermList,
)
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations

# URL kind -> term kind stored in `terms.kind`.
TERM_KINDS = {
    "themes": "theme",
    "affected-persons": "affected_person",
    "states": "state",
    "regions": "region",
    "issues": "issue",
}
# Goal or target code -> its place in SDG order (5, 5.1 ... 5.c, 6), the order every list shows.
SDG_ORDER = {code: n for n, code in enumerate(sdg_entries())}
_FAMILY_ORDER = {family: n for n, family in enumerate(MECHANISM_FAMILIES)}


# A goal or target named by its code, when no title of it is known in the language or in English.
SDG_CODE = _("SDG %(code)s")


def sdg_code_label(code: str, lang: str) -> str:
    """ "SDG 16.2" ("ODD 16.2" in French): a code in a readable form, never the bare stored code."""
    gettext = translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).gettext
    return gettext(SDG_CODE) % {"code": code}


def sdg_titles(lang: str) -> dict[str, str]:
    """Every goal and target code in SDG order, with its title in ``lang``, else its English title,
    else the code in a readable form (``sdg_code_label``)."""
    return {
        code: entry.titles.get(lang) or entry.titles.get("en") or sdg_code_label(code, lang)
        for code, entry in sdg_entries().items()
    }


def sdg_title(code: str, lang: str, titles: dict[str, str] | None = None) -> str:
    """One code's label as ``sdg_titles`` gives it (``titles``: that mapping, when already built),
    and a code the bundled table lacks named in a readable form too."""
    return (titles if titles is not None else sdg_titles(lang)).get(code) or sdg_code_label(code, lang)


def term_names(session: Session, lang: str) -> dict[str, dict[str, str]]:
    """Term kind -> stored label -> its label in ``lang``, for the terms that have one (the themes and
    affected persons a secondary language's UHRI export named: ``Term.titles``). A label missing
    here is shown as stored, in the language of the export imported first."""
    names: dict[str, dict[str, str]] = {}
    rows = session.execute(
        select(Term.kind, Term.label, Term.titles).where(Term.kind != "sdg", Term.titles.is_not(None))
    )
    for kind, label, titles in rows:
        title = (titles or {}).get(lang)
        if isinstance(title, str) and title:
            names.setdefault(kind, {})[label] = title
    return names


def _current() -> ColumnElement[bool]:
    """A recommendation the lists show and count: not withdrawn, not a linked copy of another
    (docs/sources.md), so that each count is what filtering on the term gives."""
    return and_(Recommendation.withdrawn == False, leading_only())  # noqa: E712  (SQL comparison)


def _term_counts(roles: list[str]) -> Subquery:
    """Distinct current recommendations per term over ``roles``."""
    return (
        select(
            RecommendationTerm.term_id,
            func.count(func.distinct(RecommendationTerm.recommendation_id)).label("n"),
        )
        .join(Recommendation, Recommendation.id == RecommendationTerm.recommendation_id)
        .where(RecommendationTerm.role.in_(roles), _current())
        .group_by(RecommendationTerm.term_id)
        .subquery()
    )


def list_terms(session: Session, kind: str) -> TermList:
    term_kind = TERM_KINDS[kind]
    counts = _term_counts(sorted(role for role, k in ROLE_KIND.items() if k == term_kind))
    rows = session.execute(
        select(Term.id, Term.key, Term.label, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.term_id == Term.id)
        .where(Term.kind == term_kind)
    ).all()
    items = [TermEntry(id=i, key=key, label=label, count=n) for i, key, label, n in rows]
    items.sort(key=lambda item: name_order(item.label, item.id))
    return TermList.model_validate({"kind": kind, "items": items})


def term_labels_in_use(session: Session, kind: str) -> list[str]:
    """The labels of the terms of ``kind`` that some current recommendation has: those ``list_terms``
    counts above 0, each found by one probe of the term index instead of counting every link (the
    portal's search form lists them on every page: 105 ms at 100,000 recommendations counted), kept
    per data version (the staff list suggests them in seven of its fields: 12 ms at 250,000)."""
    found = kept.counts.get(session, ["labels in use", kind], lambda: {"in": _labels_in_use(session, kind)})
    return list(found["in"])


def _labels_in_use(session: Session, kind: str) -> list[str]:
    term_kind = TERM_KINDS[kind]
    roles = sorted(role for role, k in ROLE_KIND.items() if k == term_kind)
    used = (
        select(RecommendationTerm.recommendation_id)
        .join(Recommendation, Recommendation.id == RecommendationTerm.recommendation_id)
        .where(RecommendationTerm.term_id == Term.id, RecommendationTerm.role.in_(roles), _current())
        .exists()
    )
    rows = session.execute(select(Term.id, Term.label).where(Term.kind == term_kind, used)).all()
    return [label for _, label in sorted(rows, key=lambda row: name_order(row.label, row.id))]


def mechanisms_in_use(session: Session) -> list[tuple[str, str]]:
    """(code, name) of the mechanisms that some current recommendation comes from (those
    ``list_mechanisms`` counts above 0), in its order, each found by one probe."""
    # Off ix_recommendations_withdrawn: SQLite would walk the current recommendations until one has
    # the mechanism (27 ms for all of them at 100,000) rather than probe the mechanism's own index.
    current = off_index(Recommendation.withdrawn.expression, session.get_bind().dialect.name).is_(False)
    used = select(Recommendation.id).where(
        Recommendation.mechanism_id == Mechanism.id, current, leading_only()
    )
    rows = session.execute(select(Mechanism.code, Mechanism.name, Mechanism.family).where(used.exists()))
    ordered = sorted(rows, key=lambda row: (_FAMILY_ORDER.get(row.family, len(_FAMILY_ORDER)), row.code))
    return [(code, name) for code, name, _ in ordered]


def mechanism_names(session: Session, codes: set[str]) -> dict[str, str]:
    """The stored name of each of these mechanism codes (a code naming none is left out): for a
    page that holds codes alone (the calendar's deadlines) and names them as the others do."""
    if not codes:
        return {}
    rows = session.execute(select(Mechanism.code, Mechanism.name).where(Mechanism.code.in_(sorted(codes))))
    return {code: name for code, name in rows}


def list_sdgs(session: Session) -> SdgList:
    target = aliased(Term)
    direct = (
        select(RecommendationTerm.recommendation_id, RecommendationTerm.term_id)
        .join(Recommendation, Recommendation.id == RecommendationTerm.recommendation_id)
        .where(RecommendationTerm.role == "sdg", _current())
    )
    # A recommendation tagged with target 5.2 counts for goal 5 too, as the `sdg=5` filter finds it.
    via_target = (
        select(RecommendationTerm.recommendation_id, target.parent_id.label("term_id"))
        .join(target, target.id == RecommendationTerm.term_id)
        .join(Recommendation, Recommendation.id == RecommendationTerm.recommendation_id)
        .where(RecommendationTerm.role == "sdg", target.parent_id.is_not(None), _current())
    )
    links = union_all(direct, via_target).subquery()
    counts = (
        select(links.c.term_id, func.count(func.distinct(links.c.recommendation_id)).label("n"))
        .group_by(links.c.term_id)
        .subquery()
    )
    goal = aliased(Term)
    rows = session.execute(
        select(Term.id, Term.code, goal.code, Term.label, Term.titles, func.coalesce(counts.c.n, 0))
        .outerjoin(goal, goal.id == Term.parent_id)
        .outerjoin(counts, counts.c.term_id == Term.id)
        .where(Term.kind == "sdg")
    ).all()
    items = [
        SdgEntry(id=i, code=code or label, parent_code=parent, label=label, titles=titles or {}, count=n)
        for i, code, parent, label, titles, n in rows
    ]
    items.sort(key=lambda item: (SDG_ORDER.get(item.code, len(SDG_ORDER)), item.code))
    return SdgList(kind="sdgs", items=items)


def list_mechanisms(session: Session) -> MechanismList:
    counts = (
        select(Recommendation.mechanism_id, func.count().label("n"))
        .where(_current())
        .group_by(Recommendation.mechanism_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Mechanism.id, Mechanism.code, Mechanism.name, Mechanism.family, func.coalesce(counts.c.n, 0)
        ).outerjoin(counts, counts.c.mechanism_id == Mechanism.id)
    ).all()
    items = [
        MechanismEntry(id=i, code=code, name=name, family=family, count=n)
        for i, code, name, family, n in rows
    ]
    items.sort(key=lambda item: (_FAMILY_ORDER.get(item.family, len(_FAMILY_ORDER)), item.code))
    return MechanismList(kind="mechanisms", items=items)


def get_taxonomy(session: Session, kind: str) -> MechanismList | TermList | SdgList:
    """A vocabulary with its counts, kept per data version (``kept.counts``): counting every
    recommendation's terms took 75-510 ms a vocabulary at 250,000, the same on every call."""
    if kind == "mechanisms":
        return MechanismList(**_kept(session, kind, list_mechanisms))
    if kind == "sdgs":
        return SdgList(**_kept(session, kind, list_sdgs))
    if kind in TERM_KINDS:
        return TermList(**_kept(session, kind, lambda s: list_terms(s, kind)))
    raise NotFound(f"no taxonomy {kind!r}; the taxonomies are: {', '.join(TAXONOMY_KINDS)}")


def _kept(session: Session, kind: str, read: Callable[[Session], BaseModel]) -> dict[str, Any]:
    return kept.counts.get(session, ["taxonomy", kind], lambda: read(session).model_dump())
