"""The query string of an API route: a parameter the route does not take is a 422 naming it, and so
is one that takes one value given several times.

Left alone, the framework drops both without a word: `feed.atom?entity=3&entity=9` would answer for
entity 9 as if 3 had never been asked, and `/public/recommendations/6?language=fr` (the parameter is
`lang`) in English, `POST /progress/1/approve?publish=true` without publishing. A filter that takes
several values says so in its schema (an array); every other query parameter of an API route takes
one, and each route knows its parameters once the routes are built.
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
    """A dependency of every API route: 422 when the query names a parameter the route does not take,
    or gives one that takes one value several times."""
    query = request.scope.get("query_string", b"")
    if not query:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    counts = Counter(name for name, _ in pairs)
    single, known = _single_valued(route), set(query_names(route))
    errors: list[dict[str, Any]] = []
    for name in sorted(counts):
        if name and name not in known:
            # Worded by app.core.request_errors as a list's unknown parameter is (with the closest name).
            given = next(value for key, value in pairs if key == name)
            errors.append({"type": "extra_forbidden", "loc": ("query", name), "msg": "", "input": given})
        elif counts[name] > 1 and name in single:
            errors.append(
                {
                    "type": "too_many_values",
                    "loc": ("query", name),
                    "msg": f"given {counts[name]} times; this parameter takes one value",
                    "input": None,
                }
            )
    if errors:
        raise RequestValidationError(errors)


# Per route (by identity: a route is not hashable), the names, worked out on its first request.
_NAMES: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _single_valued(route: APIRoute) -> frozenset[str]:
    known = _NAMES.get(id(route))
    if known is not None and known[0] is route:
        return known[1]
    names = frozenset(name for name, annotation in _query_fields(route) if not _takes_several(annotation))
    _NAMES[id(route)] = (route, names)
    return names


def one_value_names(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a model of query parameters that take one value (by their aliases), as the API's
    check reads them: a page reading the same parameters refuses the same repeats."""
    return frozenset(
        field.alias or name
        for name, field in model.model_fields.items()
        if not _takes_several(field.annotation)
    )


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
