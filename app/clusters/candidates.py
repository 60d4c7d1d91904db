"""Finding the candidates worth scoring, with a fixed number of statements whatever the size.

Shared terms: the newest recommendations carrying each theme or SDG term of the recommendation (a
bounded window per term on the (term_id, role, recommendation_id) index), ranked by how many terms
they share. Shared words: "distinctive" is measured, not guessed: one statement counts each
candidate word's documents up to a cap (PostgreSQL reads the common ones from its statistics), and
the rarest words under the cap form one OR-query, so it never ranks more than a few thousand matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, text, union_all
from sqlalchemy.orm import Session

from app.feed.fields import fold
from app.models import RecommendationTerm, Term

TERM_WINDOW = 2000  # newest recommendations read per shared term
MAX_TERMS = 16  # terms of the recommendation used to find candidates
TERM_CANDIDATES = 300
TEXT_CANDIDATES = 250
MAX_CANDIDATES = 500
WORDS_TESTED = 16  # words whose document counts are measured
WORDS_QUERIED = 8  # the rarest of them, OR-ed into one full-text query
DOCUMENT_CAP = 1000  # words in more documents than this are too common to find neighbours by

# Function words and the formulas every recommendation repeats: they make texts look alike
# without saying what they are about. Words under three letters are dropped anyway.
_STOPWORD_TEXT = """
    the and for that with this from their its are was were been has have had not but all any such
    which who whom whose into upon other also including include includes within between through
    state states party parties committee recommends recommend recommended recommendation
    recommendations urges encourages calls ensure ensures take measures necessary further continue
    effective effectively adopt appropriate provide steps efforts order view well particular
    les des une que qui pour par dans sur aux est son ses leur leurs avec sont comme tout tous
    etat partie comite recommande engage invite prendre mesures veiller afin cette ces
    del las los por con una para sus como esta estado parte comite recomienda insta medidas
    adoptar garantizar velar
"""
# The same formulas in Chinese, as the character pairs features() makes of them: "the Committee
# recommends that the State party take measures to ensure".
_STOP_PAIRS = "委员 员会 会建 建议 议缔 缔约 约国 国采 采取 取措 措施 确保 敦促 促缔"
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | frozenset(_STOP_PAIRS.split())


def is_cjk(token: str) -> bool:
    # fold() makes every CJK character a token of its own; nothing else folds to one char this high.
    return len(token) == 1 and ord(token) >= 0x2E80


def features(value: str) -> list[str]:
    """The distinct words of a text that say what it is about, in order of first appearance.

    CJK text gives pairs of adjacent characters: single characters match far too much.
    """
    if value.isascii():  # most texts: no CJK pairs to make
        return list(
            dict.fromkeys(
                token
                for token in fold(value)
                if len(token) >= 3 and token not in STOPWORDS and not token.isdigit()
            )
        )
    seen: dict[str, None] = {}
    previous = ""
    for token in fold(value):
        if is_cjk(token):
            if previous and previous + token not in STOPWORDS:
                seen.setdefault(previous + token)
            previous = token
            continue
        previous = ""
        if len(token) >= 3 and not token.isdigit() and token not in STOPWORDS:
            seen.setdefault(token)
    return list(seen)


def _fts5_term(feature: str) -> str:
    # Features are \w+ only (fold): nothing to escape inside the quotes.
    return '"' + " ".join(feature) + '"' if is_cjk(feature[0]) else f'"{feature}"'


def _tsquery_term(feature: str) -> str:
    if is_cjk(feature[0]):
        return "(" + " <-> ".join(f"'{char}'" for char in feature) + ")"
    return f"'{feature}'"


def _words_to_test(words: Sequence[str]) -> list[str]:
    """Longer words are rarer as a rule; CJK pairs are sampled across the whole text."""
    latin = sorted((w for w in words if not is_cjk(w[0])), key=lambda w: (-len(w), w))
    pairs = [w for w in words if is_cjk(w[0])]
    step = max(1, len(pairs) // WORDS_TESTED)
    return (latin + pairs[::step])[:WORDS_TESTED]


def document_counts(
    session: Session, words: Sequence[str], dialect: str, cap: int = DOCUMENT_CAP
) -> list[int]:
    """How many documents hold each word, counted up to ``cap`` (one statement)."""
    if dialect == "sqlite":
        part = (
            "(SELECT count(*) FROM (SELECT 1 FROM recommendation_fts "
            "WHERE recommendation_fts MATCH :w{n} LIMIT :cap))"
        )
        params: dict[str, Any] = {f"w{n}": _fts5_term(word) for n, word in enumerate(words)}
    else:
        part = (
            "(SELECT count(*) FROM (SELECT 1 FROM recommendation_search "
            "WHERE search_tsv @@ to_tsquery('simple', :w{n}) LIMIT :cap) AS s{n})"
        )
        params = {f"w{n}": _tsquery_term(word) for n, word in enumerate(words)}
    columns = ", ".join(part.format(n=n) for n in range(len(words)))
    row = session.execute(text(f"SELECT {columns}"), {**params, "cap": cap}).one()
    return [int(value) for value in row]


def statistics(session: Session, words: Sequence[str]) -> dict[str, int] | None:
    """PostgreSQL's estimate of the documents holding each common word, from ANALYZE's statistics.

    Counting up to the cap reads a heap row per match (about 8 ms a word at 250,000), while the
    planner already keeps the frequencies of the ~1,000 most common lexemes. None without statistics.
    """
    lexemes = sorted({char for word in words for char in (word if is_cjk(word[0]) else [word])})
    rows = session.execute(
        text(
            "SELECT u.elem, u.freq * greatest(c.reltuples, 0) FROM pg_stats AS s "
            "JOIN pg_class AS c ON c.oid = 'recommendation_search'::regclass "
            "LEFT JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) "
            "AS u(elem, freq) ON u.elem = ANY(:lexemes) "
            "WHERE s.schemaname = current_schema() AND s.tablename = 'recommendation_search' "
            "AND s.attname = 'search_tsv'"
        ),
        {"lexemes": lexemes},
    ).all()
    if not rows:
        return None
    common = {elem: round(estimate) for elem, estimate in rows if elem is not None}
    # A CJK pair is at most as common as its rarer character.
    estimates = {}
    for word in words:
        parts = list(word) if is_cjk(word[0]) else [word]
        if all(part in common for part in parts):
            estimates[word] = min(common[part] for part in parts)
    return estimates


def counts(session: Session, words: Sequence[str], dialect: str) -> list[int]:
    """Document counts of the words, exact up to the cap or (PostgreSQL) estimated when common."""
    estimates = statistics(session, words) if dialect == "postgresql" else None
    if estimates is None:
        return document_counts(session, words, dialect)
    # Words the statistics do not list are rarer than every listed one: only whether another
    # document holds them is left to check, which stops at the second match.
    rare = [word for word in words if word not in estimates]
    found = dict(zip(rare, document_counts(session, rare, dialect, cap=2), strict=True)) if rare else {}
    return [estimates[word] if word in estimates else found[word] for word in words]


def text_candidates(session: Session, rec_id: int, words: Sequence[str]) -> list[int]:
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    tested = _words_to_test(words)
    found = counts(session, tested, dialect)
    # A count of 1 is the recommendation itself; at the cap the word is too common to help.
    usable = sorted(
        (count, n, word)
        for n, (word, count) in enumerate(zip(tested, found, strict=True))
        if 1 < count < DOCUMENT_CAP
    )
    chosen = [word for _, _, word in usable[:WORDS_QUERIED]]
    if not chosen:
        return []
    limits = {"rec_id": rec_id, "n": TEXT_CANDIDATES}
    if dialect == "sqlite":
        query = text(
            "SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH :match "
            "AND rowid != :rec_id ORDER BY rank LIMIT :n"
        )
        return list(session.scalars(query, {"match": " OR ".join(map(_fts5_term, chosen)), **limits}))
    query = text(
        "SELECT recommendation_id FROM recommendation_search, to_tsquery('simple', :match) AS q "
        "WHERE search_tsv @@ q AND recommendation_id != :rec_id "
        "ORDER BY ts_rank(search_tsv, q) DESC, recommendation_id DESC LIMIT :n"
    )
    return list(session.scalars(query, {"match": " | ".join(map(_tsquery_term, chosen)), **limits}))


def term_candidates(session: Session, rec_id: int, terms: Sequence[tuple[int, str]]) -> list[int]:
    if not terms:
        return []
    rt = RecommendationTerm
    windows: list[Select[Any]] = []
    for term_id, role in terms[:MAX_TERMS]:
        window = (
            select(rt.recommendation_id)
            .where(rt.term_id == term_id, rt.role == role, rt.recommendation_id != rec_id)
            .order_by(rt.recommendation_id.desc())
            .limit(TERM_WINDOW)
            .subquery()
        )
        windows.append(select(window.c.recommendation_id))
    shared = union_all(*windows).subquery()
    return list(
        session.scalars(
            select(shared.c.recommendation_id)
            .group_by(shared.c.recommendation_id)
            .order_by(func.count().desc(), shared.c.recommendation_id.desc())
            .limit(TERM_CANDIDATES)
        )
    )


def search_terms(session: Session, rec_id: int) -> list[tuple[int, str]]:
    """The recommendation's theme and SDG terms, with the goal of each SDG target."""
    rows = session.execute(
        select(RecommendationTerm.term_id, RecommendationTerm.role, Term.parent_id)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id == rec_id, RecommendationTerm.role.in_(("theme", "sdg")))
        .order_by(RecommendationTerm.role.desc(), RecommendationTerm.term_id)
    )
    terms: dict[tuple[int, str], None] = {}
    for term_id, role, parent_id in rows:
        terms.setdefault((term_id, role))
        if role == "sdg" and parent_id is not None:
            terms.setdefault((parent_id, "sdg"))
    return list(terms)
