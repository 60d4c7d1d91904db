"""The 2-letter stubs some UHRI records hold instead of a State's name.

UHRI names States as the UN does ("Pakistan"), but a few of its records carry an ISO 3166-1 alpha-2
stub ("PK") instead. The names, the codes and the other spellings people write (``iso2_for``,
``resolve_country_alias``, re-exported here) live in app/taxonomies/country_names.py and
app/taxonomies/countries.py, which the API uses too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.taxonomies.countries import iso2_for as iso2_for
from app.taxonomies.countries import resolve_country_alias as resolve_country_alias
from app.taxonomies.country_names import ISO2_NAMES
from app.taxonomies.keys import label_key
from importers.normalise import clean_label

_STUB = re.compile(r"^[A-Z]{2}$")


def resolve_country(label: str) -> str:
    """The State a UHRI ``Countries`` entry names: a 2-letter stub ("PK") becomes the UHRI name
    ("Pakistan"); a name is returned as given, trimmed, and so is a stub the table does not know."""
    text = label.strip()
    return ISO2_NAMES.get(text, text) if _STUB.match(text) else text


def country_key(label: str) -> str:
    """The key on which one State's records merge, whether UHRI gave its name or its stub."""
    return label_key(resolve_country(label))


class CountryMatcher:
    """Whether a record's ``Countries`` (labels as the source has them) name the tracked State.

    A plain object rather than a closure, so a reader running in a process of its own can filter too.
    """

    def __init__(self, country: str) -> None:
        self.key = label_key(resolve_country_alias(country))
        self._keys: dict[str, str] = {}

    def __call__(self, countries: Iterable[str]) -> bool:
        for raw in countries:
            key = self._keys.get(raw)
            if key is None:
                label = clean_label(raw)  # a label that is not text: RecordError, the mapping says why
                key = self._keys[raw] = label_key(resolve_country_alias(label)) if label else ""
            if key == self.key:
                return True
        return False
