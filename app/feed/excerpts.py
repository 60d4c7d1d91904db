"""Where a recommendation's text may be cut short: the search snippets' excerpts
(app.recommendations.snippets) and the pages' shortened texts (the ``excerpt`` template filter).

At a space near the wanted length; Chinese writes no spaces, so after its punctuation; else at the
length itself, never between a letter and its combining mark (an accent, an Arabic haraka).
"""

from __future__ import annotations

from app.feed.fields import COMBINING_MARK

SLACK = 30  # how far back from the wanted cut a space or punctuation is looked for
ELLIPSIS = "…"
_SPACE = " "
_CJK_STOPS = "\uff0c\u3002\uff1b\uff1a\u3001\uff01\uff1f\uff09\u300d\u300f"  # full-width comma, full stop ...


def cut(text: str, ideal: int, floor: int = 0, *, ending: bool = True) -> int:
    """A cut at most ``SLACK`` characters before ``ideal`` (after ``floor``): the last space (an
    end before it, a start after it), else the last Chinese punctuation (kept before the cut); else,
    for a start that close to ``floor``, ``floor`` itself; else ``ideal`` itself, moved back so that
    no combining mark is cut from its letter."""
    low = max(floor, ideal - SLACK)
    space = text.rfind(_SPACE, low, ideal)
    if space > floor:
        return space if ending else space + 1
    stop = max(text.rfind(char, low, ideal) for char in _CJK_STOPS)
    if stop >= low:
        return stop + 1
    if not ending and low == floor:
        # A start within SLACK of the text's own start, inside its first word ("118.63 Adopt..."):
        # that start, rather than the word's last letters ("…3 Adopt...").
        return floor
    position = ideal
    while position > floor and COMBINING_MARK.match(text, position):
        position -= 1
    return position


def excerpt(text: str, width: int) -> str:
    """``text`` if it is at most ``width`` characters long, else its start cut as above, at most
    ``width`` characters with the ellipsis that ends it."""
    if len(text) <= width:
        return text
    return text[: cut(text, width - len(ELLIPSIS))].rstrip() + ELLIPSIS
