"""What an import changed on a record, the differences marked: old and new side by side (a
recommendation's page) or in one run of text (the review queue).

Texts are compared word by word (difflib), lists item by item, anything else as a whole. The result
is a list of segments, ``("same" | "del" | "ins", text)``, which a template writes as plain text,
``<del>`` and ``<ins>``: escaping stays the template's job, so a value's markup is never HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

Kind = Literal["same", "del", "ins"]
Segment = tuple[Kind, str]
# Words, runs of white space, and every other character on its own: a changed comma is one token.
# CJK has no spaces between words: each of its characters is a token.
_TOKEN = re.compile(r"\s+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+|[^\w\s]")
LIST_SEPARATOR = ", "


@dataclass(frozen=True, slots=True)
class SideBySide:
    old: list[Segment]
    new: list[Segment]
    old_missing: bool  # no old value at all (the field was added)
    new_missing: bool  # no new value (the field was removed)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for kind, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def _words(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(("same", "".join(a[i1:i2])))
            right.append(("same", "".join(b[j1:j2])))
        else:
            left.append(("del", "".join(a[i1:i2])))
            right.append(("ins", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def _items(old: list[Any], new: list[Any]) -> tuple[list[Segment], list[Segment]]:
    """Each side in its own order; an item missing from the other side is marked."""
    in_old, in_new = {str(item) for item in old}, {str(item) for item in new}

    def side(values: list[Any], others: set[str], changed: Kind) -> list[Segment]:
        segments: list[Segment] = []
        for position, item in enumerate(values):
            if position:
                segments.append(("same", LIST_SEPARATOR))
            segments.append(("same" if str(item) in others else changed, str(item)))
        return _merge(segments)

    return side(old, in_new, "del"), side(new, in_old, "ins")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def compare(old: Any, new: Any) -> SideBySide:
    """The two values with what differs marked: ``del`` on the old side, ``ins`` on the new."""
    if isinstance(old, list) or isinstance(new, list):
        left, right = _items(list(old or []), list(new or []))
    elif isinstance(old, str) and isinstance(new, str):
        left, right = _words(old, new)
    else:
        old_text, new_text = _text(old), _text(new)
        same = old_text == new_text
        left = [("same" if same else "del", old_text)] if old_text else []
        right = [("same" if same else "ins", new_text)] if new_text else []
    return SideBySide(left, right, old is None or old == [], new is None or new == [])


def inline(old: str | None, new: str | None) -> list[Segment]:
    """``old`` turned into ``new`` in one run of text: unchanged, removed and added words in reading
    order. Changes separated only by white space read as one ("girls and boys" -> "all, without
    exception" rather than three word swaps), each shown as its removal then its addition."""
    before, after = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    segments: list[Segment] = []
    removed, added = "", ""
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            removed += "".join(before[i1:i2])
            added += "".join(after[j1:j2])
            continue
        text = "".join(before[i1:i2])
        if (removed or added) and n + 1 < len(opcodes) and not text.strip():
            removed += text
            added += text
            continue
        segments += [("del", removed), ("ins", added), ("same", text)]
        removed, added = "", ""
    segments += [("del", removed), ("ins", added)]
    return _merge(segments)


def inline_items(old: list[str], new: list[str]) -> list[Segment]:
    """A list field (themes, countries...) in one run: the items removed, the items added, the kept."""
    return [
        *(("del", item) for item in old if item not in new),
        *(("ins", item) for item in new if item not in old),
        *(("same", item) for item in new if item in old),
    ]
