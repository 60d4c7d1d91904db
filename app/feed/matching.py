"""Recognising one UPR recommendation that two sources publish: the text comparison and the pairing.

UHRI and UPR Info both publish every UPR recommendation, and a coordinator may copy a UHRI record
into the CSV template by hand. The copies differ in small ways: UHRI starts with the paragraph
number ("116.4 ") and ends with the recommending States in brackets ("(Norway) (Chile);"), UPR Info
drops both, changes punctuation, quotes and spacing, and now and then a word ("Take measures to" /
"Take steps to"). Records are only compared inside one block (same State under review, mechanism,
UPR session and recommending State, see ``app.recommendations.source_links``), so a near-identical
recommendation by another State is never a candidate; inside a block, the texts decide.

The threshold was measured with ``benchmarks/dedupe_quality.py`` on ``benchmarks/data/dedupe_pairs.json``
(docs/benchmarks.md, "Matching one recommendation across sources").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Generic, TypeVar

from app.feed.countries import iso2_for
from app.feed.fields import fold
from app.feed.keys import label_key

# The similarity (0..1) from which two texts of one block are the same recommendation.
THRESHOLD = 0.8

_PARAGRAPH = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?(?=\s|[^\d\s.,])")
# Recommending States in brackets at the end, each possibly followed by ; or , ("(Norway) (Chile);").
_MAX_BRACKETED = 122
_TRAILING_PUNCTUATION = " \t\r\n\u00a0;,.:"

# Words that carry no meaning of their own in a UPR recommendation: articles, prepositions and the
# verbs UPR Info and UHRI swap freely ("Take measures to" / "Take steps to", "Continue its efforts").
# Comparing the remaining words tells "access to education" from "access to health services" where
# the whole texts would be 88 % alike.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "its",
        "their",
        "his",
        "her",
        "all",
        "any",
        "as",
        "into",
        "that",
        "this",
        "these",
        "those",
        "be",
        "is",
        "are",
        "which",
        "who",
        "take",
        "takes",
        "taking",
        "measures",
        "measure",
        "steps",
        "step",
        "necessary",
        "further",
        "additional",
        "continue",
        "continuing",
        "efforts",
        "effort",
        "pursue",
        "consider",
    ]
)

K = TypeVar("K")


@lru_cache(maxsize=4096)  # a few hundred States and spellings, each asked for by every record
def state_key(label: str) -> str:
    """A State as a block names it: its ISO code where known ("Turkey" and "Türkiye" are one)."""
    return iso2_for(label) or label_key(label)


BlockKey = tuple[str, str, int | None, str | None]


def block_keys(
    countries: Iterable[str], mechanism: str, session: int | None, recommending_states: Iterable[str]
) -> list[BlockKey]:
    """The blocks a record is compared in: one per State under review and recommending State (a
    joint recommendation is in the block of each of its States, like UPR Info's one row per State)."""
    states: list[str | None] = [*sorted({state_key(label) for label in recommending_states})] or [None]
    return [
        (country, mechanism, session, state)
        for country in sorted({state_key(label) for label in countries})
        for state in states
    ]


def comparable_words(text: str) -> tuple[str, ...]:
    """The words two sources' copies of one recommendation share: the paragraph number and the
    trailing bracketed States dropped, folded (case, accents, punctuation) like search, filler
    words left out (all of them kept when nothing else is left)."""
    core = _without_trailing_brackets(_PARAGRAPH.sub("", text, count=1))
    words = fold(core)
    return tuple(word for word in words if word not in _FILLER) or tuple(words)


def _without_trailing_brackets(text: str) -> str:
    """The text without the bracketed groups (and punctuation) it ends with: "(Norway) (Chile);"."""
    core = text.rstrip(_TRAILING_PUNCTUATION)
    while core.endswith((")", "]")):
        opening = max(core.rfind("("), core.rfind("["))
        if opening < 0 or len(core) - opening > _MAX_BRACKETED:
            break
        core = core[:opening].rstrip(_TRAILING_PUNCTUATION)
    return core


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """How much of two word sequences is the same words in the same order (difflib's ratio)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _could_reach(a: Sequence[str], b: Sequence[str], threshold: float) -> bool:
    """The ratio's upper bound from the lengths alone: most pairs of a block stop here."""
    return 2 * min(len(a), len(b)) / (len(a) + len(b)) >= threshold


@dataclass(frozen=True)
class Pair(Generic[K]):
    member: K
    leader: K
    score: float


def pair_up(
    members: Iterable[tuple[K, Sequence[str]]],
    leaders: Iterable[tuple[K, Sequence[str]]],
    threshold: float = THRESHOLD,
    *,
    refused: frozenset[tuple[K, K]] = frozenset(),
) -> list[Pair[K]]:
    """Pairs (member, leader) of one block whose texts reach ``threshold``, best first, each member
    and each leader used once: where two recommendations of one State read alike, each copy goes to
    the one it is closest to. ``refused``: (member, leader) pairs never to propose (unlinked by hand).
    """
    member_list = [(key, words) for key, words in members if words]
    scored: list[Pair[K]] = []
    # One matcher per leader: difflib analyses its second sequence once, then compares each member.
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    for leader, leader_words in leaders:
        if not leader_words:
            continue
        matcher.set_seq2(leader_words)
        for member, words in member_list:
            if (member, leader) in refused or not _could_reach(words, leader_words, threshold):
                continue
            matcher.set_seq1(words)
            # quick_ratio (shared words, ignoring order) bounds ratio from above and costs far less.
            if words == leader_words:
                score = 1.0
            elif matcher.quick_ratio() >= threshold:
                score = matcher.ratio()
            else:
                continue
            if score >= threshold:
                scored.append(Pair(member, leader, round(score, 4)))
    scored.sort(key=lambda pair: -pair.score)  # stable: ties keep the leaders' and members' order
    taken_members: set[K] = set()
    taken_leaders: set[K] = set()
    chosen: list[Pair[K]] = []
    for pair in scored:
        if pair.member in taken_members or pair.leader in taken_leaders:
            continue
        taken_members.add(pair.member)
        taken_leaders.add(pair.leader)
        chosen.append(pair)
    return chosen


def link_blocks(
    blocks: Iterable[tuple[Sequence[tuple[K, Sequence[str]]], Sequence[tuple[K, Sequence[str]]]]],
    threshold: float = THRESHOLD,
    *,
    refused: frozenset[tuple[K, K]] = frozenset(),
) -> dict[K, tuple[K, float]]:
    """member -> (leader, score) over the (members, leaders) of each block, in the order given: a
    member in several blocks (a copy naming two recommending States) is linked in the first where
    its text matches."""
    proposed: dict[K, tuple[K, float]] = {}
    for members, leaders in blocks:
        open_members = [(key, words) for key, words in members if key not in proposed]
        for pair in pair_up(open_members, leaders, threshold, refused=refused):
            proposed[pair.member] = (pair.leader, pair.score)
    return proposed
