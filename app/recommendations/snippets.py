"""A search hit's snippet: a short excerpt of the text shown, the words the query matched marked.

Computed in Python from the displayed text with the query's own folding and stems, so it is the
same on SQLite and PostgreSQL and in the language the reader sees (the match itself may have been
in another language's text: then the excerpt is the text's start, unmarked). The result is
HTML-escaped text with ``<mark>`` elements and nothing else: safe to insert as HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from app.feed.excerpts import cut
from app.feed.fields import CJK, COMBINING_MARK, fold
from app.feed.stemming import word_forms
from app.recommendations.query import Query

WIDTH = 240  # characters of text in a snippet
LEAD = 60  # characters kept before the first marked word
# A CJK character, or a word of other letters with the combining marks (accents, Arabic harakat)
# inside and after it: a mark is part of its word, never cut from it.
_LETTERS = "[^\\W_" + CJK.pattern[2:-2] + "]"  # word characters but CJK ones
_TOKEN = re.compile(rf"{CJK.pattern}|{_LETTERS}+(?:{COMBINING_MARK.pattern}+{_LETTERS}*)*")
_ASCII_TOKEN = re.compile(r"[^\W_]+")  # the same for an ASCII text, faster


@lru_cache(maxsize=16384)  # the words of recommendation texts repeat a lot ("the", "State", "party")
def _token_forms(token: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A text token's folded pieces, and every form they may be matched by (themselves, their stems)."""
    pieces = tuple(fold(token))
    forms = {form for piece in pieces for form in (word_forms(piece) if not CJK.match(piece) else (piece,))}
    return pieces, frozenset(forms)


def _marked(token: str, query: Query) -> bool:
    pieces, forms = _token_forms(token)
    if not query.marks.isdisjoint(forms):
        return True
    return bool(query.prefixes) and any(piece.startswith(query.prefixes) for piece in pieces)


_MEMO_TOKENS = 4096  # a query's memo is emptied past this many tokens


@lru_cache(maxsize=32)
def _memo(query: Query) -> dict[str, bool]:
    """Whether each token seen is marked for ``query``: a page's texts share most of their words
    ("the", "State", "party"), and a page's snippets are all made for one query."""
    return {}


def _window(text: str, first: int | None) -> tuple[int, int]:
    """The excerpt's [start, end): from a little before the first marked word (``first``), cut at
    spaces (or Chinese punctuation), ``WIDTH`` characters at most."""
    start = 0
    if first is not None and first > LEAD:
        start = cut(text, first - LEAD, ending=False)
    end = min(len(text), start + WIDTH)
    if end < len(text):
        end = cut(text, end, start)
    return start, end


def snippet(text: str | None, query: Query) -> str | None:
    if not text or query.empty:
        return None
    spans: list[tuple[int, int]] = []
    window: tuple[int, int] | None = None
    memo = _memo(query)
    for match in (_ASCII_TOKEN if text.isascii() else _TOKEN).finditer(text):
        if window is not None and match.start() > window[1]:
            break  # past the excerpt: nothing further is shown (a mark ending at its end still grows)
        token = match.group()
        marked = memo.get(token)
        if marked is None:
            if len(memo) >= _MEMO_TOKENS:
                memo.clear()
            marked = memo[token] = _marked(token, query)
        if marked:
            if spans and spans[-1][1] == match.start():  # adjacent CJK characters: one mark
                spans[-1] = (spans[-1][0], match.end())
            else:
                spans.append(match.span())
            window = window or _window(text, spans[0][0])
    start, end = window or _window(text, None)
    parts = ["…"] if start else []
    position = start
    for left, right in spans:
        if left < start or right > end:
            continue
        parts += [escape(text[position:left]), "<mark>", escape(text[left:right]), "</mark>"]
        position = right
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)
