"""The one rule for reading a language a reader asks for (the pages' ``?lang=`` and Accept-Language,
the API's ``lang``) as one of the languages we have.

A regional or script variant falls back to its base language when we have that: ``fr-CA`` is ``fr``,
``es-419`` ``es``, ``zh-Hans`` ``zh`` (BCP 47 tags, case aside; ``fr_CA``, as a locale is written,
too). ``fr-CA`` had given English on a page and a 422 from the API. A language we do not have, or
something that is not a language tag, is still not one of ours: each caller answers it as before
(the pages with English, the API with its 422).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

# A language, then its script, region and variants, as RFC 5646 shapes them (not its registry): "zh-hans",
# "es-419", "ca-es-valencia". Private-use and extension subtags are not read.
_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*")


def known_language(tag: str, known: Collection[str]) -> str | None:
    """``tag`` as one of ``known`` (lower-case codes): the tag itself, else its base language, else None."""
    wanted = tag.strip().lower().replace("_", "-")
    if wanted in known:
        return wanted
    if not _TAG.fullmatch(wanted):
        return None
    base = wanted.split("-", 1)[0]
    return base if base in known else None


def preferred_tags(accept_language: str | None) -> list[str]:
    """Accept-Language's tags, the most preferred first (RFC 9110 q-values, then their order; q=0 and
    an unreadable q-value left out; the first 20 tags read)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, tag.strip()))
    return [tag for *_, tag in sorted(ranked)]


def as_known_language(known: Collection[str]) -> Callable[[object], object]:
    """A pydantic ``BeforeValidator`` function for a field of the codes ``known``: a variant of one of
    them becomes it, anything else goes on unchanged to the field's own check (and its refusal)."""

    def read(value: object) -> object:
        if isinstance(value, str):
            return known_language(value, known) or value
        return value

    return read
