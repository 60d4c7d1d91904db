"""The linking pass: find the UPR Info rows and manual copies that are a UHRI recommendation, and
link them to it (``app.models.source_link``).

It runs after the records are written, on the connection of the transaction that wrote them: at
the end of every import run (``importers.run_record.execute_run``) and by ``nrtd dedupe`` for data
already stored. It never changes a record or its key. Each pass re-evaluates the links it made
(``matched``): a link whose texts no longer match, or whose records are withdrawn, is dropped, and
a copy whose text changed may be linked anew. Links a coordinator made (``manual``) are kept, and
pairs a coordinator unlinked are never proposed again.

Only the copies are read, with the UHRI records of their blocks (same State under review,
mechanism, UPR session and recommending State, ``app.feed.matching.block_keys``): a database of
UHRI records alone costs one indexed query, and the comparisons grow with the copies, not with
the square of the records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from app.feed.matching import THRESHOLD, BlockKey, block_keys, comparable_words, link_blocks
from app.models import AuditEvent, Mechanism, Recommendation, RecommendationTerm, RecommendationText, Term
from app.models.base import utcnow
from app.models.source_link import SourceLink
from app.recommendations.carry import Carried, carry_linked, carry_work

LEADING_SOURCE = "uhri"
COPY_SOURCES = ("upr-info", "manual")
_CHUNK = 500
_SHOWN = 200  # pairs listed in the pass's audit event


@dataclass
class LinkingSummary:
    linked: list[tuple[int, int, float]] = field(default_factory=list)  # (member, leader, score)
    dropped: list[tuple[int, int]] = field(default_factory=list)
    kept: int = 0
    rescored: int = 0  # kept links whose score moved (shown in the staff list's sources)
    # (copy, record, what moved and what stayed): a copy's work carried to its leader, or back
    # to the copy from a leader withdrawn (``carry``)
    carried: list[tuple[int, int, Carried]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.linked or self.dropped or any(done.moved for *_, done in self.carried))

    def line(self) -> str:
        line = f"source links: {len(self.linked)} linked, {len(self.dropped)} dropped, {self.kept} kept"
        moved = sum(1 for *_, done in self.carried if done.moved)
        left = sum(1 for *_, done in self.carried if done.left)
        if moved or left:
            line += f"; copies' work carried: {moved}, left (their record has its own): {left}"
        return line


@dataclass
class _Record:
    id: int
    source: str
    mechanism: str
    session: int | None
    countries: list[str] = field(default_factory=list)
    recommending: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def blocks(self) -> list[BlockKey]:
        return block_keys(self.countries, self.mechanism, self.session, self.recommending)

    def language(self) -> str | None:
        """The copy's language: UPR Info is English; a manual copy's English text if it has one."""
        return "en" if "en" in self.texts else min(self.texts, default=None)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _records(conn: Connection, condition: Any) -> dict[int, _Record]:
    rec = Recommendation
    rows = conn.execute(
        select(rec.id, rec.source, Mechanism.code, rec.upr_session)
        .join(Mechanism, Mechanism.id == rec.mechanism_id)
        .where(rec.withdrawn.is_(False), condition)
    )
    return {row.id: _Record(row.id, row.source, row.code, row.upr_session) for row in rows}


def _load_details(conn: Connection, records: dict[int, _Record]) -> None:
    """The States (by role) and the plain texts of ``records``."""
    ids = sorted(records)
    for chunk in _chunks(ids):
        terms = conn.execute(
            select(RecommendationTerm.recommendation_id, RecommendationTerm.role, Term.label)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(
                RecommendationTerm.recommendation_id.in_(chunk),
                RecommendationTerm.role.in_(("country", "recommending_state")),
            )
        )
        for rec_id, role, label in terms:
            record = records[rec_id]
            (record.countries if role == "country" else record.recommending).append(label)
        texts = conn.execute(
            select(
                RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text
            ).where(RecommendationText.recommendation_id.in_(chunk))
        )
        for rec_id, lang, text in texts:
            records[rec_id].texts[lang] = text


def _leaders_for(conn: Connection, copies: dict[int, _Record]) -> dict[int, _Record]:
    """The current UHRI records that share a State under review, mechanism and session with a copy."""
    country_terms = select(RecommendationTerm.term_id).where(
        RecommendationTerm.role == "country", RecommendationTerm.recommendation_id.in_(sorted(copies))
    )
    sharing_country = select(RecommendationTerm.recommendation_id).where(
        RecommendationTerm.role == "country", RecommendationTerm.term_id.in_(country_terms)
    )
    sessions = sorted({c.session for c in copies.values() if c.session is not None})
    session_match = [Recommendation.upr_session.in_(sessions)] if sessions else []
    if any(c.session is None for c in copies.values()):
        session_match.append(Recommendation.upr_session.is_(None))
    mechanisms = select(Mechanism.id).where(
        Mechanism.code.in_(sorted({c.mechanism for c in copies.values()}))
    )
    return _records(
        conn,
        (Recommendation.source == LEADING_SOURCE)
        & Recommendation.mechanism_id.in_(mechanisms)
        & or_(*session_match)
        & Recommendation.id.in_(sharing_country),
    )


def proposed_links(
    copies: Iterable[_Record],
    leaders: Iterable[_Record],
    threshold: float,
    refused: frozenset[tuple[int, int]],
) -> dict[int, tuple[int, float]]:
    """member -> (leader, score): the pairs the texts make, block by block and source by source."""
    by_block: dict[tuple[BlockKey, str], list[_Record]] = defaultdict(list)
    for leader in leaders:
        for key in leader.blocks():
            for lang in leader.texts:
                by_block[(key, lang)].append(leader)
    members: dict[tuple[BlockKey, str, str], list[_Record]] = defaultdict(list)
    for copy in copies:
        copy_lang = copy.language()
        if copy_lang is not None:
            for key in copy.blocks():
                members[(key, copy_lang, copy.source)].append(copy)
    words: dict[tuple[int, str], tuple[str, ...]] = {}

    def words_of(record: _Record, lang: str) -> tuple[str, ...]:
        if (record.id, lang) not in words:
            words[(record.id, lang)] = comparable_words(record.texts[lang])
        return words[(record.id, lang)]

    return link_blocks(
        (
            (
                [(m.id, words_of(m, lang)) for m in block_members],
                [(leader.id, words_of(leader, lang)) for leader in by_block[(key, lang)]],
            )
            # repr: a key may hold None (no session, no recommending State) beside numbers and text
            for (key, lang, _source), block_members in sorted(members.items(), key=repr)
            if (key, lang) in by_block
        ),
        threshold,
        refused=refused,
    )


def link_duplicates(conn: Connection, *, actor: str, threshold: float = THRESHOLD) -> LinkingSummary:
    """Link the copies to their UHRI records, drop the matched links that no longer hold, and record
    what changed in one audit event (``actor``: who ran the pass, "import run 12" or "nrtd dedupe")."""
    links = conn.execute(select(SourceLink)).all()
    refused = frozenset((link.member_id, link.leader_id) for link in links if link.state == "unlinked")
    by_hand = {link.member_id for link in links if link.state == "linked" and link.method == "manual"}
    matched = {link.member_id: link for link in links if link.state == "linked" and link.method == "matched"}
    copies = _records(conn, Recommendation.source.in_(COPY_SOURCES))
    for member in by_hand:
        copies.pop(member, None)
    proposed: dict[int, tuple[int, float]] = {}
    if copies:
        leaders = {key: r for key, r in _leaders_for(conn, copies).items() if key not in by_hand}
        if leaders:
            _load_details(conn, copies | leaders)
            proposed = proposed_links(copies.values(), leaders.values(), threshold, refused)
    summary = LinkingSummary()
    now = utcnow()
    stale = [link for member, link in matched.items() if proposed.get(member, (None,))[0] != link.leader_id]
    if stale:
        conn.execute(delete(SourceLink).where(SourceLink.id.in_(sorted(link.id for link in stale))))
        summary.dropped = [(link.member_id, link.leader_id) for link in stale]
        # A copy whose record was withdrawn is listed again: the record's work goes back to it,
        # when it is the record's only copy (of several, which one the work came from is not known).
        withdrawn = set(
            conn.scalars(
                select(Recommendation.id).where(
                    Recommendation.id.in_(sorted({link.leader_id for link in stale})),
                    Recommendation.withdrawn.is_(True),
                )
            )
        )
        copies_of = Counter(link.leader_id for link in links if link.state == "linked")
        summary.carried += [
            (link.member_id, link.leader_id, carry_work(conn, link.leader_id, link.member_id))
            for link in stale
            if link.leader_id in withdrawn and copies_of[link.leader_id] == 1
        ]
    new_rows: list[dict[str, Any]] = []
    for member, (leader, score) in sorted(proposed.items()):
        current = matched.get(member)
        if current is not None and current.leader_id == leader:
            summary.kept += 1
            if current.score != score:
                conn.execute(update(SourceLink).where(SourceLink.id == current.id).values(score=score))
                summary.rescored += 1
            continue
        new_rows.append(
            {
                "leader_id": leader,
                "member_id": member,
                "state": "linked",
                "method": "matched",
                "score": score,
                "created_at": now,
                "updated_at": now,
            }
        )
        summary.linked.append((member, leader, score))
    if new_rows:
        conn.execute(insert(SourceLink), new_rows)
    summary.carried += carry_linked(conn)
    if summary.changed or summary.rescored:
        _audit(conn, actor, summary, threshold)
    return summary


def _audit(conn: Connection, actor: str, summary: LinkingSummary, threshold: float) -> None:
    """One event per pass that changed links or their scores: the data version moves (kept totals
    and pages, ETags)."""
    conn.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            actor=actor,
            action="recommendation.sources_matched",
            object_type="recommendation",
            after={
                "threshold": threshold,
                "linked": len(summary.linked),
                "dropped": len(summary.dropped),
                "kept": summary.kept,
                "rescored": summary.rescored,
                "linked_pairs": [list(pair) for pair in summary.linked[:_SHOWN]],
                "dropped_pairs": [list(pair) for pair in summary.dropped[:_SHOWN]],
                "work_carried": [
                    {"copy": copy, "record": leader, **done.as_dict()}
                    for copy, leader, done in summary.carried[:_SHOWN]
                ],
            },
        )
    )
