"""The follow-up procedure read from the texts of concluding observations: pure functions, no database.

Two things are read from a paragraph of a concluding-observations document (docs/follow-up.md lists
the phrasings):

- the follow-up request: the State party is asked to give information, within a period (``within 24
  months``, ``within two years``, ``within one year``) or by a date (``by 28 November 2019``), on the
  recommendations of named paragraphs (``paragraphs 10 (b), 20 and 32``, ``(see paras. 9, 13 and 17
  above)``); sub-paragraph letters are kept;
- the next periodic report's date: ``submit its next periodic report by 12 March 2029``, ``its
  combined fifth and sixth periodic reports ... by 2 August 2028``.

Only English is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
    "thirty-six": 36,
}
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_NUMBER = r"\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_DATE = r"(?P<day>\d{1,2})\s+(?P<month>" + "|".join(MONTHS) + r")\s+(?P<year>\d{4})"

# "within 24 months", "within a period of two years", "within one year of the adoption ..."
_WITHIN = re.compile(
    r"\bwithin\s+(?:a\s+period\s+of\s+)?(?P<n>" + _NUMBER + r")\s+(?P<unit>months?|years?)\b", re.I
)
_BY_DATE = re.compile(r"\bby\s+" + _DATE, re.I)
# The request itself: someone asks the State party for information.
_REQUEST = re.compile(r"\b(?:requests?|requested|should\s+provide|invites?|invited)\b", re.I)
_INFORMATION = re.compile(r"\binformation\b", re.I)
# Where a list of paragraph numbers starts: "paragraphs 10 (b)", "para. 9", "paras. 9, 13".
_REFS_START = re.compile(r"\b(?:paragraphs?|paras?\.)\s*(?=\d)", re.I)
# One item of the list: a number, then sub-paragraph letters and labels in parentheses.
_REF_NUMBER = re.compile(r"\s*(\d{1,3})(?!\d)(?![.,]\d)")
_PARENS = re.compile(r"\s*\(([^()]{1,80})\)")
_LETTER = re.compile(r"^(?:[a-z]|[ivx]{1,5})$")
# "9 (a)-(c)" (a hyphen or an en dash), "(b) to (e)": the letters from the first to the last.
_LETTER_RANGE_END = re.compile(r"\s*(?:to|-|\u2013)\s*\(([a-z])\)")
# "paragraphs 10 to 12", "paras. 10-12": a range of at most MAX_RANGE paragraphs.
_RANGE_END = re.compile(r"\s*(?:to|-|\u2013)\s*(\d{1,3})(?!\d)(?![.,]\d)", re.I)
MAX_RANGE = 20
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|;\s*)", re.I)
# A sentence ends at a full stop that is not an abbreviation's ("paras.") nor inside a number.
# The full stop first: the engine then looks for it alone, and tries the abbreviations only there
# (six times faster than the same lookbehinds tried at every character).
_SENTENCE_END = re.compile(r"\.(?<!para\.)(?<!paras\.)(?<!\bp\.)(?<!\bpp\.)(?=\s|$)", re.I)

_REPORT = re.compile(
    r"\b(?:submit|present)\s+its\s+(?P<what>(?:[a-z-]+\s+){0,8}?periodic\s+reports?)\b", re.I
)


@dataclass(frozen=True, slots=True)
class ParagraphRef:
    """A paragraph a follow-up request names: its number and the sub-paragraph letters, if any."""

    number: str
    letters: tuple[str, ...] = ()

    def label(self) -> str:
        return self.number + "".join(f" ({letter})" for letter in self.letters)


@dataclass(frozen=True, slots=True)
class FollowUpRequest:
    """``months`` after the document's date, or by ``by`` (a date the text names), information on ``refs``."""

    refs: tuple[ParagraphRef, ...]
    months: int | None = None
    by: date | None = None

    def due(self, published: date | None) -> date | None:
        if self.by is not None:
            return self.by
        if published is None or self.months is None:
            return None
        return add_months(published, self.months)


@dataclass(frozen=True, slots=True)
class NextReport:
    due: date
    what: str  # "next periodic report", "combined fifth and sixth periodic reports"


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months; the 31st of a shorter month becomes its last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
    except ValueError:
        return None


def _sentences(text: str) -> list[str]:
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        parts.append(text[start : end.end()])
        start = end.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def read_refs(text: str) -> tuple[ParagraphRef, ...]:
    """Every paragraph a list names, in order, once each: "paragraphs 13 (a) and (b), 27 (a) and 33"."""
    refs: dict[str, list[str]] = {}
    for start in _REFS_START.finditer(text):
        for ref in _read_list(text, start.end()):
            letters = refs.setdefault(ref.number, [])
            letters.extend(letter for letter in ref.letters if letter not in letters)
    return tuple(ParagraphRef(number, tuple(letters)) for number, letters in refs.items())


def _read_list(text: str, at: int) -> list[ParagraphRef]:
    refs: list[ParagraphRef] = []
    while True:
        number = _REF_NUMBER.match(text, at)
        if number is None:
            return refs
        at = number.end()
        last = _RANGE_END.match(text, at)
        first = int(number.group(1))
        if last is not None and first < int(last.group(1)) <= first + MAX_RANGE:
            refs.extend(ParagraphRef(str(n)) for n in range(first, int(last.group(1)) + 1))
            at = last.end()
            step = _SEPARATOR.match(text, at)
            if step is None:
                return refs
            at = step.end()
            continue
        letters: list[str] = []
        while True:
            # "(a)", "(a) and (b)", "(a), (b)", and labels such as "(minimum wage)", which are skipped.
            step = _SEPARATOR.match(text, at)
            after = step.end() if step and letters else at
            parens = _PARENS.match(text, after)
            if parens is None:
                break
            inner = parens.group(1).strip()
            if _LETTER.match(inner):
                letters.append(inner)
                last_letter = _LETTER_RANGE_END.match(text, parens.end())
                if last_letter is not None and len(inner) == 1 and inner < last_letter.group(1) <= "z":
                    letters.extend(chr(c) for c in range(ord(inner) + 1, ord(last_letter.group(1)) + 1))
                    parens = last_letter
            elif after != at:
                break  # ", (label)" after letters: not this item's
            at = parens.end()
        refs.append(ParagraphRef(number.group(1), tuple(letters)))
        step = _SEPARATOR.match(text, at)
        if step is None:
            return refs
        at = step.end()


def read_follow_up(text: str) -> FollowUpRequest | None:
    """The follow-up request a paragraph makes, or None.

    A sentence is read when it asks for information, gives a period or a date and then names
    paragraphs; only the paragraphs named after the period or date count (so "rule 75, paragraph 1,
    of the rules of procedure" before it does not).
    """
    if not (_REQUEST.search(text) and _INFORMATION.search(text)):
        return None  # what every sentence read below needs, looked for once in the whole text
    for sentence in _sentences(" ".join(text.split())):
        if not (_REQUEST.search(sentence) and _INFORMATION.search(sentence)):
            continue
        within = _WITHIN.search(sentence)
        by = _BY_DATE.search(sentence)
        when = min((m for m in (within, by) if m is not None), key=lambda m: m.start(), default=None)
        if when is None:
            continue
        refs = read_refs(sentence[when.end() :])
        if not refs:
            continue
        if when is by and _REPORT.search(sentence[: when.start()]):
            continue  # "submit its next periodic report by ... and include information on ..."
        if when is within:
            assert within is not None
            n = _number(within["n"])
            months = n * 12 if within["unit"].lower().startswith("year") else n
            return FollowUpRequest(refs, months=months)
        due = _date(when)
        if due is not None:
            return FollowUpRequest(refs, by=due)
    return None


def read_next_report(text: str) -> NextReport | None:
    """The next periodic report's date a paragraph gives, or None."""
    if not _REPORT.search(text):
        return None
    for sentence in _sentences(" ".join(text.split())):
        report = _REPORT.search(sentence)
        if report is None:
            continue
        by = _BY_DATE.search(sentence, report.end())
        if by is None:
            continue
        due = _date(by)
        if due is not None:
            return NextReport(due, " ".join(report["what"].split()).lower())
    return None
