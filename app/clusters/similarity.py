"""Suggestions for clustering: the recommendations most similar to one, and the clusters they sit in.

Similarity combines three Jaccard-like components, each 0..1:

* themes: Jaccard index of the theme terms;
* SDGs: Jaccard index of the SDG codes, each target counted with its goal (5.2 -> {5.2, 5}), so
  two targets of one goal are related without being equal;
* text: cosine of the two folded word sets (``fold`` from the search module: accents and case
  ignored; Chinese and Japanese compared as character pairs, since they have no spaces), in the
  language of the recommendation's English text, else of its first available one.

The score is their weighted mean over the components the recommendation has at all: one without
SDGs is not penalised against every other for the missing half.

At most ``MAX_CANDIDATES`` candidates are scored; candidates.py finds them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache
from math import sqrt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clusters.candidates import features, search_terms, term_candidates, text_candidates
from app.clusters.reading import cluster_in_view
from app.clusters.schemas import ClusterRef, SimilarList, SimilarRecommendation, SuggestedCluster
from app.core.errors import NotFound
from app.feed.fields import alphabetical, name_order
from app.models import (
    Cluster,
    ClusterRecommendation,
    Mechanism,
    Recommendation,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.recommendations.reading import leading_only
from app.recommendations.service import choose_text

WEIGHTS = {"theme": 0.3, "sdg": 0.2, "text": 0.5}
MAX_CANDIDATES = 500
SNIPPET_CHARS = 280


@dataclass
class _Facts:
    """What a recommendation is compared on."""

    themes: dict[int, str] = field(default_factory=dict)  # term id -> label
    sdgs: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)


def _load_facts(session: Session, ids: Sequence[int]) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = defaultdict(_Facts)
    rows = session.execute(
        select(RecommendationTerm.recommendation_id, RecommendationTerm.role, Term.id, Term.label, Term.code)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id.in_(ids), RecommendationTerm.role.in_(("theme", "sdg")))
    )
    for rec_id, role, term_id, label, code in rows:
        if role == "theme":
            facts[rec_id].themes[term_id] = label
        elif code:
            facts[rec_id].sdgs.update({code, code.split(".")[0]})
    texts = session.execute(
        select(RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text).where(
            RecommendationText.recommendation_id.in_(ids)
        )
    )
    for rec_id, lang, value in texts:
        facts[rec_id].texts[lang] = value
    return facts


@lru_cache(maxsize=4096)
def _word_set(text: str) -> frozenset[str]:
    """A text's words as the text component compares them. Texts change only on import, and the same
    candidates come back for neighbouring recommendations: a bounded cache (a few MB) spares most of
    a similarity query's work."""
    return frozenset(features(text))


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _cosine(a: Set[str], b: Set[str]) -> float:
    return len(a & b) / sqrt(len(a) * len(b)) if a and b else 0.0


def _snippet(value: str | None) -> str | None:
    if value is None or len(value) <= SNIPPET_CHARS:
        return value
    cut = value[:SNIPPET_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > SNIPPET_CHARS // 2 else cut).rstrip() + "…"


def _clusters_of(session: Session, ids: Sequence[int]) -> dict[int, list[ClusterRef]]:
    found: dict[int, list[ClusterRef]] = defaultdict(list)
    if ids:
        rows = session.execute(
            select(ClusterRecommendation.recommendation_id, Cluster.id, Cluster.name)
            .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
            .where(ClusterRecommendation.recommendation_id.in_(ids), *cluster_in_view(public=False))
        )
        for rec_id, cluster_id, name in sorted(rows, key=lambda row: name_order(row.name, row.id)):
            found[rec_id].append(ClusterRef(id=cluster_id, name=name))
    return found


def _suggest(items: Sequence[SimilarRecommendation], own: set[int]) -> list[SuggestedCluster]:
    totals: dict[int, SuggestedCluster] = {}
    for item in items:
        for cluster in item.clusters:
            if cluster.id in own:
                continue
            entry = totals.setdefault(
                cluster.id, SuggestedCluster(id=cluster.id, name=cluster.name, score=0.0, neighbours=0)
            )
            entry.score += item.score
            entry.neighbours += 1
    for entry in totals.values():
        entry.score = round(entry.score, 4)
    return sorted(totals.values(), key=lambda entry: (-entry.score, alphabetical(entry.name), entry.id))


@dataclass
class _Scored:
    rec_id: int
    score: float
    parts: dict[str, float]


def _score(source: _Facts, lang: str | None, words: set[str], facts: dict[int, _Facts]) -> list[_Scored]:
    """Every candidate's score, best first; candidates with nothing in common are left out."""
    weights = {
        "theme": WEIGHTS["theme"] if source.themes else 0.0,
        "sdg": WEIGHTS["sdg"] if source.sdgs else 0.0,
        "text": WEIGHTS["text"] if words else 0.0,
    }
    total_weight = sum(weights.values())
    if not total_weight:
        return []
    themes = set(source.themes)
    scored = []
    for cand_id, other in facts.items():
        other_text = other.texts.get(lang or "") or choose_text(other.texts, "en")[1] or ""
        parts = {
            "theme": _jaccard(themes, set(other.themes)),
            "sdg": _jaccard(source.sdgs, other.sdgs),
            "text": _cosine(words, _word_set(other_text)) if words else 0.0,
        }
        score = sum(weights[name] * value for name, value in parts.items()) / total_weight
        if score > 0:
            scored.append(_Scored(cand_id, score, parts))
    scored.sort(key=lambda entry: (-entry.score, -entry.rec_id))
    return scored


def _current(session: Session, ids: Sequence[int]) -> dict[int, tuple[str | None, str | None, str]]:
    """Symbol, paragraph and mechanism code of the candidates that are not withdrawn nor a linked copy."""
    if not ids:
        return {}
    rows = session.execute(
        select(Recommendation.id, Recommendation.symbol, Recommendation.paragraph, Mechanism.code)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(Recommendation.id.in_(ids), Recommendation.withdrawn.is_(False), leading_only())
    )
    return {rec_id: (symbol, paragraph, code) for rec_id, symbol, paragraph, code in rows}


def similar(session: Session, rec_id: int, limit: int, lang: str) -> SimilarList:
    if session.get(Recommendation, rec_id) is None:
        raise NotFound(f"recommendation {rec_id} does not exist")
    source = _load_facts(session, [rec_id])[rec_id]
    compare_lang, compare_text = choose_text(source.texts, "en")
    words = features(compare_text or "")
    by_terms = term_candidates(session, rec_id, search_terms(session, rec_id))
    by_text = text_candidates(session, rec_id, words)
    current = _current(session, list(dict.fromkeys([*by_terms, *by_text]))[:MAX_CANDIDATES])
    facts = _load_facts(session, list(current)) if current else {}
    top = _score(source, compare_lang, set(words), {cand: facts.get(cand, _Facts()) for cand in current})[
        :limit
    ]
    clusters = _clusters_of(session, [rec_id, *(entry.rec_id for entry in top)])
    items = []
    for entry in top:
        other = facts.get(entry.rec_id, _Facts())
        symbol, paragraph, mechanism = current[entry.rec_id]
        text_lang, shown = choose_text(other.texts, lang)
        items.append(
            SimilarRecommendation(
                id=entry.rec_id,
                score=round(entry.score, 4),
                theme_similarity=round(entry.parts["theme"], 4),
                sdg_similarity=round(entry.parts["sdg"], 4),
                text_similarity=round(entry.parts["text"], 4),
                shared_themes=sorted(
                    (label for term, label in source.themes.items() if term in other.themes), key=alphabetical
                ),
                shared_sdgs=sorted(source.sdgs & other.sdgs, key=_sdg_order),
                symbol=symbol,
                paragraph=paragraph,
                mechanism=mechanism,
                text=_snippet(shown),
                text_lang=text_lang,
                clusters=clusters.get(entry.rec_id, []),
            )
        )
    own = clusters.get(rec_id, [])
    return SimilarList(
        recommendation_id=rec_id,
        clusters=own,
        items=items,
        suggested_clusters=_suggest(items, {cluster.id for cluster in own}),
    )


def _sdg_order(code: str) -> tuple[int, str]:
    goal, _, target = code.partition(".")
    return (int(goal) if goal.isdigit() else 99, target.zfill(3))
