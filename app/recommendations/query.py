"""The search syntax of ``q``, the same for the staff API, the public API and the portal.

- words: every word is required (``torture prison``); a word also matches its stems in English,
  French, Spanish, Russian and Arabic (``tortured`` finds "torture"), and an English irregular
  plural its singular (``women`` and ``woman`` find each other); accents and case are ignored;
- ``"exact phrase"``: these words, adjacent and in this order, as written (no stems); typographic
  quotes, guillemets and Chinese corner brackets (“…”, «…», 「…」) are quotes too, and the
  full-width forms of the operators (a Chinese input method's) their ASCII selves;
- ``OR`` (in capitals) between two words or phrases: either of them (``torture OR prison``);
  it binds tighter than the implicit AND: ``child labour OR work`` is child AND (labour OR work);
- ``-word`` or ``-"a phrase"``: recommendations holding it are left out;
- ``tort*``: words starting with ``tort`` (from ``MIN_PREFIX`` letters on; shorter is a whole word).
  The last word of a query is also a prefix from ``MIN_PREFIX`` letters on (search as you type);
- Chinese (and Japanese, Korean) characters: a run of them is a phrase, one character per token;
  typed against a Latin word without a space (``CRC受教育``), each script's run is a term of its own;
- a document symbol (a word with a ``/`` and a digit: ``A/HRC/22/15``, ``CRC/C/PER/CO/4-5``; not
  ``HIV/AIDS``, an ordinary phrase) is the phrase of its words, which the search documents hold
  first (``app.feed.stemming``): it finds that document's recommendations (and its addenda,
  ``A/HRC/22/15/Add.1``); its words are not marked in snippets (a lone "a" of the text is not what
  was looked for);
- an elided French article or pronoun before a word (``l'enfant``, ``d'enfants``, ``qu'il``,
  ``jusqu'à``) and an English possessive ``'s`` (``children's``) are left out of an unquoted word:
  it is the word itself, with its stems (``l'enfant`` finds "les enfants"), as the French and
  English analysers of search engines read them; a quoted phrase keeps them;
- a paragraph cited as ``para. 116.4`` (``paragraph``, ``§``, ``párr.``, ``п.``, ``الفقرة``...): the
  word before the number is left out, so ``A/HRC/22/15 para. 116.4``, as recommendations are cited,
  finds the recommendation whose text starts "116.4" in that document.

Anything else is taken literally: punctuation is ignored like in the indexed text, an unmatched
quote runs to the end of the query, a lone ``OR`` or ``-`` is an ordinary word. A query is never
an error: ``parse`` turns any string into terms that ``search`` renders for FTS5 and tsquery from
folded word characters only, so no engine syntax reaches the database from a user.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app.feed.fields import CJK, fold
from app.feed.stemming import word_forms

MAX_QUERY_TOKENS = 32
# A prefix matches from this length on: a one- or two-letter prefix ("a*") makes the index merge
# the postings of every word starting with it, nearly the whole table, and narrows nothing
# (`/public/stats?q=a` took 8.2 s at 360,000 records). A shorter one matches the whole word.
MIN_PREFIX = 3

_CHUNK = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
# French elision (l', d', qu', jusqu'...) at a word's start and the English possessive at its end,
# with any apostrophe a keyboard or a phone types. Otherwise "l'enfant" was the phrase "l enfant",
# without stems: it missed "des enfants", and its snippets marked every "l'" of the text.
_APOSTROPHE = "'\u2019\u2018\u02bc"
_ELISION = re.compile(
    rf"^(\W*)(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)[{_APOSTROPHE}](?=\w)", re.IGNORECASE
)
_POSSESSIVE = re.compile(rf"(?<=\w)[{_APOSTROPHE}]s(?=\W*$)", re.IGNORECASE)
# Quotation marks that mean what '"' means: typographic ones (a phone's smart punctuation turns
# '"' into them), guillemets (French, Russian), and the corner brackets of Chinese. The full-width
# quote, minus, asterisk and OR of a Chinese input method are their ASCII selves after NFKC.
_QUOTES = str.maketrans(
    dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f\u301d\u301e", '"')
)
# Words that cite a paragraph in the six languages' usage (folded): before a number they are left
# out, as the texts hold the number without them ("116.4. Ratify..."). Chinese cites 第116段, whose
# characters a phrase then requires; not handled.
_PARAGRAPH_WORDS = frozenset(
    fold(
        "para paras paragraph paragraphs paragraphe paragraphes par parr parrafo parrafos "
        "пункт пункты п пп абзац الفقرة الفقرات فقرة"
    )
)


@dataclass(frozen=True)
class Term:
    """A word (one token: its other ``forms`` are its stems) or a phrase (several tokens, adjacent)."""

    tokens: tuple[str, ...]
    prefix: bool = False
    forms: tuple[str, ...] = ()
    marked: bool = True  # its words are marked in snippets (not a symbol's)

    @property
    def phrase(self) -> bool:
        return len(self.tokens) > 1


@dataclass(frozen=True)
class Query:
    """``required``: each group must match one of its terms; ``excluded``: none of these may match."""

    required: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    marks: frozenset[str] = field(default_factory=frozenset)  # forms a snippet marks
    prefixes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.required and not self.excluded


def _term(tokens: list[str], *, prefix: bool, literal: bool, symbol: bool = False) -> Term:
    if len(tokens) > 1 or CJK.match(tokens[0]):
        return Term(tuple(tokens), marked=not symbol)
    word = tokens[0]
    forms = () if literal else tuple(form for form in word_forms(word) if form != word)
    return Term((word,), prefix=prefix and len(word) >= MIN_PREFIX, forms=forms)


@dataclass
class _Chunk:
    term: Term
    negated: bool
    plain: bool  # an unquoted word: the last one of the query may become a prefix


def _symbol(word: str) -> bool:
    """A document symbol: a ``/`` and a digit (``A/HRC/22/15``; not ``HIV/AIDS``)."""
    return "/" in word and any(char.isdigit() for char in word)


def _chunks(query: str) -> list[_Chunk | str]:
    """The query's terms in order, and the string "OR" where an OR operator stands."""
    found: list[_Chunk | str] = []
    budget = MAX_QUERY_TOKENS
    for match in _CHUNK.finditer(query):
        minus, quoted, bare = match.groups()
        if bare == "OR":
            found.append("OR")
            continue
        negated = bool(minus)
        if bare is not None:
            negated = bare.startswith("-") and len(bare) > 1
            text = _POSSESSIVE.sub("", _ELISION.sub(r"\1", bare[1:] if negated else bare))
            prefix = text.endswith("*")
            tokens = fold(text)
        else:
            prefix, tokens = False, fold(quoted)
        tokens = tokens[:budget]
        if not tokens:
            continue
        budget -= len(tokens)
        symbol = bare is not None and _symbol(bare)
        if bare is not None and not negated and not symbol:
            # Chinese is typed without spaces, also around a Latin word or number ("CRC受教育"): each
            # run of one script is a term of its own, as if the spaces were there.
            *runs, tokens = _script_runs(tokens)
            found += [_Chunk(_term(run, prefix=False, literal=False), False, plain=False) for run in runs]
        term = _term(tokens, prefix=prefix, literal=bare is None, symbol=symbol)
        found.append(_Chunk(term, negated, plain=bare is not None and not prefix and not negated))
        if budget <= 0:
            break
    return found


def _script_runs(tokens: list[str]) -> list[list[str]]:
    """``tokens`` cut where the script changes between CJK characters and other words; a number
    goes with the words around it ("第116段" stays one phrase, "HIV/AIDS" another)."""
    runs: list[list[str]] = []
    scripts: list[bool | None] = []  # CJK or not; None while a run holds numbers only
    for token in tokens:
        cjk = None if token.isdigit() else bool(CJK.match(token))
        if runs and (cjk is None or scripts[-1] in (None, cjk)):
            runs[-1].append(token)
            scripts[-1] = cjk if scripts[-1] is None else scripts[-1]
        else:
            runs.append([token])
            scripts.append(cjk)
    return runs


def _cites_paragraph(chunk: _Chunk | str, following: _Chunk | str | None) -> bool:
    """``chunk`` is a word like "para." before a paragraph number."""
    return (
        isinstance(chunk, _Chunk)
        and chunk.plain
        and chunk.term.tokens[0] in _PARAGRAPH_WORDS
        and isinstance(following, _Chunk)
        and not following.negated
        and following.term.tokens[0].isdigit()
    )


def parse(query: str | None) -> Query:
    chunks = _chunks(unicodedata.normalize("NFKC", query or "").translate(_QUOTES))
    chunks = [
        chunk
        for chunk, following in zip(chunks, [*chunks[1:], None], strict=False)
        if not _cites_paragraph(chunk, following)
    ]
    last = chunks[-1] if chunks else None
    if (
        isinstance(last, _Chunk)
        and last.plain
        and not last.term.phrase
        and len(last.term.tokens[0]) >= MIN_PREFIX
    ):
        last.term = Term(last.term.tokens, prefix=True, forms=last.term.forms)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    previous: _Chunk | str | None = None
    for chunk in chunks:
        if chunk == "OR":
            # An operator between two terms joins them; anywhere else it is the word "or".
            joining = isinstance(previous, _Chunk) and not previous.negated
            if not joining:
                groups.append([Term(("or",))])
            previous = chunk
            continue
        assert isinstance(chunk, _Chunk)
        if chunk.negated:
            if joining:
                groups.append([Term(("or",))])
            excluded.append(chunk.term)
        elif joining and groups:
            groups[-1].append(chunk.term)
        else:
            groups.append([chunk.term])
        joining = False
        previous = chunk
    if joining:  # a trailing OR
        groups.append([Term(("or",))])
    marks = {
        form for group in groups for term in group if term.marked for form in (*term.tokens, *term.forms)
    }
    prefixes = tuple(term.tokens[0] for group in groups for term in group if term.prefix)
    return Query(tuple(tuple(group) for group in groups), tuple(excluded), frozenset(marks), prefixes)
