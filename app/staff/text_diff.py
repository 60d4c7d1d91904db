"""What changed in a text, word by word, for the review queue: segments the template wraps in
<del> and <ins> (it escapes their text; no HTML is built here)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "delete", "insert"]
Segment = tuple[Op, str]

# Words, runs of white space, and single punctuation marks: "rights," changing to "rights;" marks the
# punctuation alone. CJK has no spaces between words: each character is a token.
_TOKENS = re.compile(r"\s+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """``old`` turned into ``new``: unchanged, removed and added runs of words, in reading order.

    Changes separated only by white space are read as one ("girls and boys" -> "all, without
    exception" rather than three word swaps), each shown as its removal then its addition."""
    before, after = tokens(old or ""), tokens(new or "")
    # autojunk off: in a long text, frequent words ("the", spaces) must still match.
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    segments: list[Segment] = []
    removed, added = "", ""

    def flush() -> None:
        nonlocal removed, added
        if removed:
            segments.append(("delete", removed))
        if added:
            segments.append(("insert", added))
        removed, added = "", ""

    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            removed += "".join(before[i1:i2])
            added += "".join(after[j1:j2])
            continue
        text = "".join(before[i1:i2])
        between_changes = (removed or added) and n + 1 < len(opcodes)
        if between_changes and not text.strip():
            removed += text
            added += text
            continue
        flush()
        if segments and segments[-1][0] == "equal":
            segments[-1] = ("equal", segments[-1][1] + text)
        else:
            segments.append(("equal", text))
    flush()
    return segments


def list_diff(old: list[str], new: list[str]) -> list[Segment]:
    """A list field (themes, countries...): the items removed, then the items added, then the kept."""
    gone = [item for item in old if item not in new]
    came = [item for item in new if item not in old]
    kept = [item for item in new if item in old]
    return [
        *(("delete", item) for item in gone),
        *(("insert", item) for item in came),
        *(("equal", item) for item in kept),
    ]
