"""Full-text search that works the same way in the six UN languages, on SQLite and PostgreSQL.

Text is folded in Python before it is indexed and before it is queried: accents and Arabic
diacritics removed, case folded, and every CJK character made a token of its own. Chinese has
no spaces, so a word tokenizer would see a whole sentence as one token; one character per token
plus a phrase query (characters adjacent, in order) finds a word anywhere in a sentence.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, select, text
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import TextClause, UnaryExpression

from app.feed.fields import CJK, fold
from app.models import RecommendationSearch

MAX_QUERY_TOKENS = 32
# The last word is also a prefix only from this length on: a one- or two-letter prefix ("a*") makes
# the index merge the postings of every word starting with it, nearly the whole table, and narrows
# nothing (`/public/stats?q=a` took 8.2 s at 360,000 records). A shorter last word matches whole words.
MIN_PREFIX = 3


def _is_cjk(token: str) -> bool:
    return bool(CJK.match(token))


def _query_groups(query: str) -> list[list[str]]:
    """Tokens of a query; consecutive CJK characters form one phrase group."""
    groups: list[list[str]] = []
    for token in fold(query)[:MAX_QUERY_TOKENS]:
        if _is_cjk(token) and groups and _is_cjk(groups[-1][-1]):
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def _is_prefix(groups: list[list[str]], n: int) -> bool:
    group = groups[n]
    return n == len(groups) - 1 and not _is_cjk(group[0]) and len(group[-1]) >= MIN_PREFIX


def fts5_match(query: str) -> str | None:
    """An FTS5 MATCH expression: every word required; the last word of the query also as a prefix
    (from ``MIN_PREFIX`` characters on)."""
    groups = _query_groups(query)
    parts = []
    for n, group in enumerate(groups):
        phrase = '"' + " ".join(group) + '"'
        if _is_prefix(groups, n):
            phrase += "*"
        parts.append(phrase)
    return " AND ".join(parts) or None


def tsquery(query: str) -> str | None:
    """A PostgreSQL tsquery (``simple`` configuration) with the same meaning as ``fts5_match``."""
    groups = _query_groups(query)
    parts = []
    for n, group in enumerate(groups):
        lexemes = [f"'{token}'" for token in group]  # tokens are \\w+ only: nothing to escape
        if _is_prefix(groups, n):
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts) or None


def matching_ids(query: str, dialect: str, *, walk: bool = False) -> ColumnElement[bool] | None:
    """A condition on ``recommendations.id`` selecting the recommendations whose text matches.

    ``walk`` (SQLite, for a query known to match many): keep the match off the id index so SQLite
    walks the newest-first index and stops after a page instead of sorting every match.
    PostgreSQL plans from its statistics (a materialised set of matches was tried: faster for a
    rare match combined with a broad filter, several times slower for common words).
    """
    from app.models import Recommendation

    if dialect == "sqlite":
        match = fts5_match(query)
        if match is None:
            return None
        fts: TextClause = text("SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH :match")
        ids = fts.bindparams(match=match).columns(column("rowid", Integer))
        target: ColumnElement[Any] = Recommendation.id.expression
        if walk:
            target = UnaryExpression(target, operator=operators.custom_op("+"), type_=Integer())
        return target.in_(ids)
    ts = tsquery(query)
    if ts is None:
        return None
    # search_tsv: the stored to_tsvector('simple', document) the migrations add on PostgreSQL.
    condition = literal_column("recommendation_search.search_tsv").bool_op("@@")(
        func.to_tsquery("simple", ts)
    )
    return Recommendation.id.in_(select(RecommendationSearch.recommendation_id).where(condition))
