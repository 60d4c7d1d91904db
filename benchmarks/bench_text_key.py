"""Time ``app.feed.values.text_key`` (the text normalisation behind the derived ids of UPR Info rows
and id-less template rows) on texts shaped like UPR Info's (mostly English, some with accents,
entities or markup, a few in other scripts), beside the per-character definition it replaced.

As the UPR Info reader calls it: the text's plain form is already in ``html_to_text``'s cache (the
reader checked the text is not empty), so what is timed is the key itself.

    .venv/bin/python benchmarks/bench_text_key.py [--rows 20000] [--repeat 5]
"""

# Lookalike letters and typographic quotes are the point here: they are what NFKD changes.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections.abc import Callable

from app.feed.fields import html_to_text
from app.feed.values import text_key

_WORDS = [
    "Ratify",
    "the",
    "Optional",
    "Protocol",
    "to",
    "the",
    "Convention",
    "against",
    "Torture",
    "and",
    "establish",
    "a",
    "national",
    "preventive",
    "mechanism;",
    "adopt",
    "legislation",
    "criminalising",
    "domestic",
    "violence,",
    "including",
    "marital",
    "rape",
]
_EXTRAS = (
    "Côte d’Ivoire",
    "&#40;Unknown&#41;",
    "R&amp;D",
    "niños y niñas",
    "<p>118.12</p>",
    "Ставропольский",
    "الاتفاقية",
    "中华人民共和国",
    "ﬁnancial",  # a ligature NFKD splits
    "Straße",
    "x²",
    "  tab\there ",
)


def texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for number in range(count):
        words = rng.choices(_WORDS, k=rng.randint(15, 80))
        if number % 4 == 0:
            words.insert(rng.randrange(len(words)), rng.choice(_EXTRAS))
        out.append(f"{number % 150 + 1}.{rng.randint(1, 300)} " + " ".join(words) + ".")
    return out


def per_character(text: str) -> str:
    """The definition as first written (before December 2026)."""
    decomposed = unicodedata.normalize("NFKD", html_to_text(text)).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sample = texts(args.rows)
    for name, key in (("per character", per_character), ("text_key", text_key)):
        best = min(_timed(key, sample) for _ in range(args.repeat))
        print(f"{name}: {args.rows} texts in {best:.3f} s ({best / args.rows * 1e6:.1f} us each)")
    assert [text_key(text) for text in sample] == [per_character(text) for text in sample]


def _timed(key: Callable[[str], str], sample: list[str]) -> float:
    total = 0.0
    for text in sample:
        html_to_text(text)  # as the reader leaves it: cached
        start = time.perf_counter()
        key(text)
        total += time.perf_counter() - start
    return total


if __name__ == "__main__":
    main()
