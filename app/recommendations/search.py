"""Full-text search that works the same way in the six UN languages, on SQLite and PostgreSQL.

Text is folded in Python before it is indexed and before it is queried: accents and Arabic
diacritics removed, case folded, and every CJK character made a token of its own. Chinese has
no spaces, so a word tokenizer would see a whole sentence as one token; one character per token
plus a phrase query (characters adjacent, in order) finds a word anywhere in a sentence. The
indexed document also holds the words' stems (app.feed.stemming). The query syntax is parsed
once (app.recommendations.query) and rendered here for each engine from folded tokens only.

Relevance: SQLite FTS5's ``bm25`` (lower is better), PostgreSQL's ``ts_rank_cd`` negated so that
on both lower is better; ``relevance`` selects (id, score) for every match, ``best_matches`` (SQLite)
only the best few.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DOUBLE_PRECISION,
    ColumnElement,
    Float,
    Integer,
    Subquery,
    TextClause,
    cast,
    column,
    func,
    literal_column,
    select,
    text,
)

from app.core.db import TEXT_SEARCH_COLUMN, off_index
from app.models import RecommendationSearch
from app.recommendations.query import Query, Term, parse

__all__ = ["best_matches", "fts5_match", "fts5_score", "matching_ids", "parse", "relevance", "tsquery"]


def _quoted(token: str) -> str:
    return '"' + token + '"'  # tokens are word characters only: nothing to escape


def _fts5_term(term: Term) -> str:
    if term.phrase:
        return _quoted(" ".join(term.tokens))
    word = _quoted(term.tokens[0]) + ("*" if term.prefix else "")
    return " OR ".join((word, *map(_quoted, term.forms)))


def _fts5_any(terms: tuple[Term, ...]) -> str:
    return "(" + " OR ".join(f"({_fts5_term(term)})" for term in terms) + ")"


def fts5_match(query: Query, *, positive: bool = True) -> str | None:
    """An FTS5 MATCH expression: every group required, the excluded terms after NOT. With
    ``positive=False``, the excluded terms alone (any of them)."""
    if not positive:
        return _fts5_any(query.excluded) if query.excluded else None
    if not query.required:
        return None
    match = " AND ".join(_fts5_any(group) for group in query.required)
    if query.excluded:
        match = f"({match}) NOT {_fts5_any(query.excluded)}"
    return match


def _ts_term(term: Term) -> str:
    if term.phrase:
        return "(" + " <-> ".join(f"'{token}'" for token in term.tokens) + ")"
    word = f"'{term.tokens[0]}'" + (":*" if term.prefix else "")
    return "(" + " | ".join((word, *(f"'{form}'" for form in term.forms))) + ")"


def _ts_any(terms: tuple[Term, ...]) -> str:
    return "(" + " | ".join(map(_ts_term, terms)) + ")"


def tsquery(query: Query, *, positive: bool = True) -> str | None:
    """A PostgreSQL tsquery (``simple`` configuration) with the same meaning as ``fts5_match``."""
    if not positive:
        return _ts_any(query.excluded) if query.excluded else None
    if not query.required:
        return None
    match = " & ".join(_ts_any(group) for group in query.required)
    if query.excluded:
        match = f"{match} & !{_ts_any(query.excluded)}"
    return match


_BM25 = "bm25(recommendation_fts)"


def _fts5_matches(score: str) -> str:
    """(id, score) of every FTS5 match of ``:match``."""
    return (
        f"SELECT rowid AS id, {score} AS score FROM recommendation_fts WHERE recommendation_fts MATCH :match"
    )


def _sqlite_matches(match: str, *, scored: bool) -> Subquery:
    sql = text(_fts5_matches(_BM25 if scored else "0.0"))
    return sql.bindparams(match=match).columns(column("id", Integer), column("score", Float)).subquery()


def _postgresql_matches(ts: str, *, scored: bool) -> Subquery:
    tsv: ColumnElement[Any] = literal_column(TEXT_SEARCH_COLUMN)
    condition = tsv.bool_op("@@")(func.to_tsquery("simple", ts))
    # A double, not ts_rank_cd's real: a real reaches Python through its shortest decimal, which read
    # back as a double is not the same number, and the next page's cursor must compare equal.
    rank = cast(func.ts_rank_cd(tsv, func.to_tsquery("simple", ts)), DOUBLE_PRECISION)
    score: ColumnElement[Any] = -rank if scored else literal_column("0.0", Float)
    return (
        select(RecommendationSearch.recommendation_id.label("id"), score.label("score"))
        .where(condition)
        .subquery()
    )


def _matches(query: Query, dialect: str, *, positive: bool = True, scored: bool = False) -> Subquery | None:
    if dialect == "sqlite":
        match = fts5_match(query, positive=positive)
        return None if match is None else _sqlite_matches(match, scored=scored)
    ts = tsquery(query, positive=positive)
    return None if ts is None else _postgresql_matches(ts, scored=scored)


def relevance(query: Query, dialect: str) -> Subquery | None:
    """(id, score) of every match, lower scores more relevant; None if nothing ranks (no query, or
    excluded terms only)."""
    return _matches(query, dialect, scored=True)


def fts5_score(query: Query, rec_id: int) -> TextClause | None:
    """SQLite: a statement selecting the ``bm25`` score of recommendation ``rec_id`` for ``query``
    as it is now (no row if it does not match); None if nothing ranks."""
    match = fts5_match(query)
    if match is None:
        return None
    sql = f"SELECT {_BM25} FROM recommendation_fts WHERE recommendation_fts MATCH :match AND rowid = :id"
    return text(sql).bindparams(match=match, id=rec_id)


def best_matches(query: Query, count: int, *, from_score: float | None = None) -> Subquery | None:
    """SQLite: the ``count`` best-scored matches (at or after ``from_score``) as (id, score), each
    row also carrying ``edge``, the worst score among them, and ``found``, how many they are. Every
    match left out scores ``edge`` or worse, and none is left out when ``found < count``.

    FTS5 scores every match either way (``bm25`` over 24,476 matches: 20 ms at 250,000 records),
    but keeps only the best in its sorter: the join to the recommendations and the final sort then
    see ``count`` rows instead of every match (19.6 -> 12.1 ms for ``torture``'s 10,245, 43.8 ->
    24.2 ms for ``detention``'s 24,476). None if nothing ranks.
    """
    match = fts5_match(query)
    if match is None:
        return None
    after = "" if from_score is None else f" AND {_BM25} >= :from_score"
    sql = text(
        "SELECT id, score, max(score) OVER () AS edge, count(*) OVER () AS found FROM ("
        f"{_fts5_matches(_BM25)}{after} ORDER BY score LIMIT :count)"
    )
    values: dict[str, Any] = {"match": match, "count": count}
    if from_score is not None:
        values["from_score"] = from_score
    columns = (column("id", Integer), column("score", Float), column("edge", Float), column("found", Integer))
    return sql.bindparams(**values).columns(*columns).subquery()


def matching_ids(raw: str | Query, dialect: str, *, walk: bool = False) -> ColumnElement[bool] | None:
    """A condition on ``recommendations.id`` selecting the recommendations whose text matches.

    ``walk`` (SQLite, for a query known to match many): keep the match off the id index so SQLite
    walks the newest-first index and stops after a page instead of sorting every match.
    PostgreSQL plans from its statistics (a materialised set of matches was tried: faster for a
    rare match combined with a broad filter, several times slower for common words).
    A query of excluded terms only selects the recommendations holding none of them.
    """
    from app.models import Recommendation

    query = parse(raw) if isinstance(raw, str) else raw
    target: ColumnElement[Any] = Recommendation.id.expression
    if walk:
        target = off_index(target, dialect)
    found = _matches(query, dialect)
    if found is not None:
        return target.in_(select(found.c.id))
    excluded = _matches(query, dialect, positive=False)
    if excluded is not None:
        return target.not_in(select(excluded.c.id))
    return None
