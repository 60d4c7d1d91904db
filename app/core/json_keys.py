"""A key given twice in one JSON object: which value counts is up to each parser (Python's json keeps
the last, others the first, a proxy or an audit tool may read the other), so a write holding one is
refused, naming the key, as a query parameter given twice is (single_values.py). NulGuardMiddleware,
which reads every JSON body before the routes do, asks this module."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from app.core.catalogue import Reason
from app.core.catalogue import marked as _


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers how often each of its keys came."""

    repeated: Counter[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    parsed = _Object(pairs)
    counts = Counter(key for key, _ in pairs)
    parsed.repeated = Counter({key: count for key, count in counts.items() if count > 1})
    return parsed


def _repeated(value: Any, where: str) -> Iterator[tuple[str, int]]:
    if isinstance(value, _Object):
        for key, count in value.repeated.items():
            yield (f"{where}.{key}" if where else key), count
        for key, item in value.items():
            yield from _repeated(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _repeated(item, f"{where}.{n}" if where else str(n))


def repeated_keys(body: bytes) -> list[dict[str, str]]:
    """A field error for each key given more than once in an object of the JSON ``body``, by its
    dotted path (``budget.amount``); [] when there is none or the body does not parse (the route's
    own validation answers that)."""
    try:
        parsed = json.loads(body, object_pairs_hook=_object)
    except (ValueError, RecursionError):
        return []
    return [
        {
            "field": field,
            "reason": Reason(_("given %(count)s times; a JSON object names each field once"), count=count),
        }
        for field, count in sorted(_repeated(parsed, ""))
    ]
