"""The order of a recommendation list and its keyset pages: relevance, newest or oldest first.

- ``relevance`` (the default with a query that has words to rank): most relevant first (SQLite
  FTS5 ``bm25``, PostgreSQL ``ts_rank_cd``), equal scores newest first (``sort_date`` then id,
  descending). The cursor carries the score, the date and the id, so the next page starts exactly
  after the last row (a score is written as the shortest decimal that reads back as the same
  double, and recomputed identically while the data does not change). On SQLite the next page
  starts after that row where it ranks now (``_anchored``): ``bm25`` weighs each word by its rarity
  among all the documents, so an import between two pages moves every match's score;
- ``newest`` (the default without a query): ``sort_date`` then id, descending;
- ``oldest``: ``sort_date`` then id, ascending.

``sort=relevance`` without a query to rank (none, or excluded words only) falls back to newest.
A cursor names its order: one from another order, or another list, is refused (422 naming ``cursor``,
saying to start again from the first page). It also holds the digest of its search (``search_digest``:
the words as parsed and the filters, as the list reads them), so that one sent with other words or
filters is refused the same way: its score, or its date, is no position in that other search.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Subquery, and_, literal_column, or_, text, tuple_
from sqlalchemy.orm import Session

from app.core.pagination import CursorOrder, decode_cursor, keyset_page, page_of
from app.models import Recommendation
from app.recommendations.query import Query, Term, parse
from app.recommendations.schemas import RecommendationFilter, RecommendationListParams, Sort
from app.recommendations.search import best_matches, fts5_score, relevance

# The staff and public lists page alike; each order's cursors are refused by the others, and each
# search's by the other searches.
ORDERS = {
    "relevance": CursorOrder("recommendations", (float, date, int), "sort=relevance", searched=True),
    "newest": CursorOrder("recommendations", (date, int), "sort=newest", searched=True),
    "oldest": CursorOrder("recommendations", (date, int), "sort=oldest", searched=True),
}
# Not the search: the page's language, size and place, and its order (the cursor's name holds it).
_NOT_THE_SEARCH = frozenset({"lang", "limit", "cursor", "sort"})


def _terms(terms: Sequence[Term]) -> list[list[Any]]:
    return [[list(term.tokens), term.prefix] for term in terms]


def search_digest(params: RecommendationFilter) -> str:
    """The search a page of ``params`` is of, as its cursors hold it: the words as parsed (case,
    spaces and spellings that parse alike are one search) and every filter, its values as the list
    reads them (case, surrounding spaces, order and repeats aside). A short digest: the cursor names
    the search, it does not carry it."""
    values = params.model_dump(mode="json", exclude=set(_NOT_THE_SEARCH | {"q"}))
    query = parse(params.q)
    search: dict[str, Any] = {
        name: sorted({" ".join(str(one).split()).casefold() for one in value})
        if isinstance(value, list)
        else value
        for name, value in values.items()
    }
    search["q"] = [[_terms(group) for group in query.required], _terms(query.excluded)]
    plain = json.dumps(search, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.blake2b(plain.encode("utf-8"), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def effective_sort(sort: Sort | None, query: Query) -> Sort:
    if sort == "relevance" or sort is None:
        return "relevance" if query.required else "newest"
    return sort


def check_cursor(params: RecommendationListParams) -> None:
    """Refuse (422 naming ``cursor``) a cursor that is not one of the pages of this search in this
    order."""
    if params.cursor:
        order = ORDERS[effective_sort(params.sort, parse(params.q))]
        decode_cursor(params.cursor, order, search=search_digest(params))


Position = tuple[float, date, int]  # a ranked page's cursor: score, date, id


def _ranked(
    base: Select[*tuple[Any, ...]],
    scores: Subquery,
    conditions: Sequence[ColumnElement[bool]],
    position: Position | None,
) -> Select[*tuple[Any, ...]]:
    """``base`` joined to ``scores`` under ``conditions``, after ``position``, most relevant first."""
    rec = Recommendation
    stmt = base.add_columns(scores.c.score).join(scores, scores.c.id == rec.id).where(*conditions)
    if position is not None:
        score, day, rec_id = position
        after = tuple_(rec.sort_date, rec.id) < tuple_(day, rec_id)
        stmt = stmt.where(or_(scores.c.score > score, and_(scores.c.score == score, after)))
    return stmt.order_by(scores.c.score, rec.sort_date.desc(), rec.id.desc())


def _ranked_cursor(row: Any) -> Position:
    return row.score, row.sort_date, row.id


def _dated_cursor(row: Any) -> tuple[date, int]:
    return row.sort_date, row.id


def _anchored(session: Session, query: Query, position: Position) -> Position:
    """SQLite: the cursor's position with its row's score as it is now. ``bm25`` weighs a word by
    how rare it is among all the documents, so when an import adds or changes documents between two
    pages every match's score moves, also of rows it did not touch: the score the cursor holds then
    no longer separates the rows already shown from the others (pages repeated some and skipped
    others). The rows keep their order (the same words in the same texts), so the next page starts
    after the cursor's row where it ranks now; unchanged data gives the same score back. A row that
    no longer matches keeps the cursor's score."""
    statement = fts5_score(query, position[2])
    now = None if statement is None else session.execute(statement).scalar()
    return position if now is None else (float(now), position[1], position[2])


def _among_best(
    session: Session,
    base: Select[*tuple[Any, ...]],
    conditions: Sequence[ColumnElement[bool]],
    query: Query,
    position: Position | None,
    limit: int,
    search: str,
) -> tuple[list[Any], str | None] | None:
    """The ranked page from the best-scored matches alone (``search.best_matches``), or None when
    they do not prove it exact: the row after the page's last must score better than every match
    left out (or none was left out). Otherwise the conditions took out too many of them, or equal
    scores straddle the edge, and the caller ranks every match."""
    count = 2 * limit + 100
    best = best_matches(query, count, from_score=None if position is None else position[0])
    assert best is not None  # the query has words to rank
    stmt = _ranked(base.add_columns(best.c.edge, best.c.found), best, conditions, position)
    rows = list(session.execute(stmt.limit(limit + 1)))
    if not rows:
        return None  # nothing passed, or nothing matched at all: only a full ranking tells
    if rows[0].found < count or (len(rows) > limit and rows[limit].score < rows[0].edge):
        return page_of(rows, limit, _ranked_cursor, order=ORDERS["relevance"], search=search)
    return None


def page(
    session: Session,
    base: Select[*tuple[Any, ...]],
    conditions: Sequence[ColumnElement[bool]],
    *,
    sort: Sort,
    query: Query,
    cursor: str | None,
    limit: int,
    few: bool,
    search: str,
    broad: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of ``base`` (a select of recommendation columns, ``id`` and ``sort_date`` among them)
    under ``conditions`` in ``sort`` order, and the next page's cursor. With ``relevance`` the
    conditions must leave the text query out: joining the scores applies it. ``few``: the filters
    match few (PostgreSQL then sorts the matches rather than walking the newest-first index).
    ``broad``: the conditions leave nearly every text match in (no filter but the text), so on
    SQLite a ranked page is first looked for among the best-scored matches alone. ``search``: the
    search's digest (``search_digest``), which its cursors hold."""
    rec = Recommendation
    dialect = session.get_bind().dialect.name
    if sort == "relevance" and query.required:
        position = decode_cursor(cursor, ORDERS["relevance"], search=search) if cursor else None
        if position is not None and dialect == "sqlite":
            position = _anchored(session, query, position)
        if broad and dialect == "sqlite":
            found = _among_best(session, base, conditions, query, position, limit, search)
            if found is not None:
                return found
        scores = relevance(query, dialect)
        assert scores is not None  # the query has words to rank
        ranked = _ranked(base, scores, conditions, position)
        return keyset_page(session, ranked, limit, _ranked_cursor, order=ORDERS["relevance"], search=search)
    if dialect == "postgresql":
        # A page in date order stops after ``limit`` rows, a few milliseconds of work: PostgreSQL
        # planned parallel workers for the walks, and starting them cost 10-20 ms (sdg=16: 26 ms,
        # 1.4 ms without). For this transaction only; a ranked page (above) keeps them: it scores
        # every match, where the workers do pay.
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    stmt = base.where(*conditions)
    if sort == "oldest":
        if cursor:
            day, rec_id = decode_cursor(cursor, ORDERS["oldest"], search=search)
            stmt = stmt.where(tuple_(rec.sort_date, rec.id) > tuple_(day, rec_id))
        stmt = stmt.order_by(rec.sort_date, rec.id)
        return keyset_page(session, stmt, limit, _dated_cursor, order=ORDERS["oldest"], search=search)
    if cursor:
        day, rec_id = decode_cursor(cursor, ORDERS["newest"], search=search)
        stmt = stmt.where(tuple_(rec.sort_date, rec.id) < tuple_(day, rec_id))
    sort_date: ColumnElement[Any] = rec.sort_date.expression
    if dialect == "postgresql" and few:
        # Few matches: an ordering no index provides, so PostgreSQL finds them by the most
        # selective condition and sorts them, instead of walking the newest-first index through
        # nearly every row (q=torture&mechanism=CRC: 63 of 250,000; 80 ms down to 35 ms).
        sort_date = rec.sort_date + literal_column("0", Integer)
    stmt = stmt.order_by(sort_date.desc(), rec.id.desc())
    return keyset_page(session, stmt, limit, _dated_cursor, order=ORDERS["newest"], search=search)
