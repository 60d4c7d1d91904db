"""Precision and recall of matching one UPR recommendation across sources, per threshold.

Reads a set of hand-written records (``benchmarks/data/dedupe_pairs.json``): UHRI records and UPR
Info / manual copies of them, each copy naming the UHRI record it copies (``same_as``), or none
for a hard negative (a recommendation of the same State, session and recommending State whose UHRI
record is absent, while a near-identical one is present; or the same words from another State).
It runs the matching the linking pass runs (``app.feed.matching``: the same blocks, words and
pairing) at each threshold and prints a Markdown table for docs/benchmarks.md.

    .venv/bin/python benchmarks/dedupe_quality.py [--data FILE] [--thresholds 0.6,0.7,...]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.feed.fields import html_to_text
from app.feed.matching import BlockKey, block_keys, comparable_words, link_blocks, similarity

DATA = Path(__file__).parent / "data" / "dedupe_pairs.json"
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)


def blocks(records: Sequence[dict[str, Any]]) -> dict[BlockKey, dict[str, list[tuple[str, tuple[str, ...]]]]]:
    """Block -> source -> (id, words), as the linking pass groups stored records."""
    grouped: dict[BlockKey, dict[str, list[tuple[str, tuple[str, ...]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        words = comparable_words(html_to_text(record["text"]))
        for key in block_keys([record["state"]], "UPR", record["session"], record["from"]):
            grouped[key][record["source"]].append((record["id"], words))
    return grouped


def matched_pairs(records: Sequence[dict[str, Any]], threshold: float) -> set[tuple[str, str]]:
    """The (copy, UHRI record) pairs the pass would link: block by block in key order, source by source."""
    grouped = blocks(records)
    proposed = link_blocks(
        (
            (members, grouped[key].get("uhri", []))
            for key in sorted(grouped, key=repr)
            for source, members in sorted(grouped[key].items())
            if source != "uhri"
        ),
        threshold,
    )
    return {(member, leader) for member, (leader, _score) in proposed.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--thresholds", default=",".join(str(t) for t in THRESHOLDS))
    args = parser.parse_args()
    records = json.loads(args.data.read_text(encoding="utf-8"))["records"]
    truth = {(r["id"], r["same_as"]) for r in records if r["same_as"]}
    copies = [r for r in records if r["source"] != "uhri"]
    print(
        f"{len(records)} records: {sum(r['source'] == 'uhri' for r in records)} UHRI, {len(copies)} copies "
        f"({len(truth)} true duplicates, {len(copies) - len(truth)} without a UHRI counterpart)\n"
    )
    print("| threshold | linked | correct | wrong | missed | precision | recall |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threshold in (float(value) for value in args.thresholds.split(",")):
        started = time.perf_counter()
        found = matched_pairs(records, threshold)
        elapsed = time.perf_counter() - started
        correct = len(found & truth)
        precision = correct / len(found) if found else 1.0
        recall = correct / len(truth) if truth else 1.0
        print(
            f"| {threshold:.2f} | {len(found)} | {correct} | {len(found) - correct} | {len(truth) - correct} "
            f"| {precision:.3f} | {recall:.3f} |" + ("" if elapsed < 1 else f" ({elapsed:.1f} s)")
        )
    by_id = {r["id"]: r for r in records}
    print("\nPairs the matching proposes at threshold 0: true duplicates below 0.9, wrong ones from 0.5:")
    for member, leader in sorted(matched_pairs(records, 0.0)):
        same = (member, leader) in truth
        score = similarity(
            comparable_words(html_to_text(by_id[member]["text"])),
            comparable_words(html_to_text(by_id[leader]["text"])),
        )
        if (same and score < 0.9) or (not same and score >= 0.5):
            print(f"- {'duplicate' if same else 'different'} {score:.3f}: {by_id[member]['text'][:70]!r}")


if __name__ == "__main__":
    main()
