"""The text comparison and the pairing behind linking one UPR recommendation across sources."""

from __future__ import annotations

import json

import pytest

from app.feed.matching import THRESHOLD, block_keys, comparable_words, link_blocks, pair_up, similarity
from benchmarks.dedupe_quality import DATA, matched_pairs

UHRI = "116.37 Continue to take measures to improve conditions in prisons and reduce overcrowding (Thailand);"


@pytest.mark.parametrize(
    "copy",
    [
        "Continue to take measures to improve conditions in prisons and reduce overcrowding",
        "continue to take steps to improve conditions in prisons, and reduce overcrowding.",
        "Continue to take  measures to improve “conditions in prisons” and reduce overcrowding (Thailand)",
        "116.37. Continue to take measures to improve conditions in prisons and reduce overcrowding;",
    ],
)
def test_what_uhri_and_upr_info_write_differently_is_ignored(copy: str) -> None:
    assert comparable_words(copy) == comparable_words(UHRI)
    assert similarity(comparable_words(copy), comparable_words(UHRI)) == 1.0


def test_the_words_that_carry_the_meaning_decide() -> None:
    education = comparable_words("Continue to take measures to improve access to education in rural areas")
    health = comparable_words("Continue to take measures to improve access to health services in rural areas")
    assert similarity(education, health) < THRESHOLD
    # A text of filler words only keeps them, rather than matching everything.
    assert comparable_words("Take further measures") == ("take", "further", "measures")


def test_each_copy_and_each_leader_is_paired_once_with_its_closest() -> None:
    maternal = comparable_words("Continue its efforts to reduce maternal mortality in rural areas")
    infant = comparable_words("Continue its efforts to reduce infant mortality in rural areas")
    pairs = pair_up([("c1", infant), ("c2", maternal)], [("u1", maternal), ("u2", infant)], 0.5)
    assert {(pair.member, pair.leader) for pair in pairs} == {("c1", "u2"), ("c2", "u1")}
    refused = pair_up([("c2", maternal)], [("u1", maternal)], 0.5, refused=frozenset({("c2", "u1")}))
    assert refused == []


def test_blocks_follow_the_states_whatever_their_spelling() -> None:
    assert block_keys(["Turkey"], "UPR", 35, ["Bolivia"]) == block_keys(["Türkiye"], "UPR", 35, ["BO"])
    # A joint recommendation is in each recommending State's block.
    assert len(block_keys(["Peru"], "UPR", 42, ["Argentina", "Chile"])) == 2
    assert block_keys(["Peru"], "CRC", None, []) == [("PE", "CRC", None, None)]


def test_the_threshold_keeps_every_link_right_on_the_test_set() -> None:
    """The measured choice (docs/benchmarks.md): no wrong link, at least nine duplicates in ten."""
    records = json.loads(DATA.read_text(encoding="utf-8"))["records"]
    truth = {(r["id"], r["same_as"]) for r in records if r["same_as"]}
    found = matched_pairs(records, THRESHOLD)
    assert found <= truth
    assert len(found) >= 0.9 * len(truth)


def test_a_copy_in_two_blocks_is_linked_once_and_leaves_the_leader_to_the_other_copy() -> None:
    words = comparable_words("Continue to implement the National Plan for the Search of Disappeared Persons")
    proposed = link_blocks(
        [
            ([("joint-copy", words)], [("uhri", words)]),  # the Argentina block
            ([("joint-copy", words), ("chile-copy", words)], [("uhri", words)]),  # the Chile block
        ]
    )
    assert proposed == {"joint-copy": ("uhri", 1.0), "chile-copy": ("uhri", 1.0)}
