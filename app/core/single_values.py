"""A query parameter that takes one value, given several times, is a 422 naming it (API routes).

Left alone, the framework keeps the last of the values and drops the others without a word:
`feed.atom?entity=3&entity=9` would answer for entity 9 as if 3 had never been asked. A filter that
takes several values says so in its schema (an array); every other query parameter of an API route
takes one, and each route knows which of its parameters those are once the routes are built.
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

_SEQUENCES = (list, set, frozenset, tuple, Sequence)


async def one_value_each(request: Request) -> None:
    """A dependency of every API route: 422 when a query parameter that takes one value came twice."""
    query = request.scope.get("query_string", b"")
    if b"&" not in query:
        return
    route = request.scope.get("route")
    names = _single_valued(route) if isinstance(route, APIRoute) else frozenset()
    counts = Counter(name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    repeated = sorted(name for name, count in counts.items() if count > 1 and name in names)
    if repeated:
        raise RequestValidationError(
            [
                {
                    "type": "too_many_values",
                    "loc": ("query", name),
                    "msg": f"given {counts[name]} times; this parameter takes one value",
                    "input": None,
                }
                for name in repeated
            ]
        )


# Per route (by identity: a route is not hashable), the names, worked out on its first request.
_NAMES: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _single_valued(route: APIRoute) -> frozenset[str]:
    known = _NAMES.get(id(route))
    if known is not None and known[0] is route:
        return known[1]
    names = frozenset(name for name, annotation in _query_fields(route) if not _takes_several(annotation))
    _NAMES[id(route)] = (route, names)
    return names


def query_names(route: object) -> list[str]:
    """Every query parameter a route takes (none for what is not an API route)."""
    return [name for name, _ in _query_fields(route)] if isinstance(route, APIRoute) else []


def _query_fields(route: APIRoute) -> Iterator[tuple[str, Any]]:
    """(name, annotation) of each query parameter of the route and of its dependencies, a parameter
    model's fields one by one (by their aliases)."""
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for field in dependant.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a model of them
                for name, inner in annotation.model_fields.items():
                    yield inner.alias or name, inner.annotation
            else:
                yield field.alias, annotation


def _takes_several(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_several(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(_takes_several(arg) for arg in get_args(annotation))
    candidate = origin or annotation
    return isinstance(candidate, type) and issubclass(candidate, _SEQUENCES) and candidate not in (str, bytes)
