"""What a refused request is told, where FastAPI's own words say too little: each validation error as
the field and a reason naming what was sent (an unknown query parameter with the name it is close
to), and every method a path takes, for a 405's Allow."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request, params
from fastapi.routing import APIRoute
from starlette.routing import Match

from app.core.ids import NOT_ITS_ADDRESS
from app.core.single_values import query_names


def _field(loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("query",):
        # A repeated query parameter (`cycle=2&cycle=0`) is named by its name, not a position.
        loc = tuple(part for part in loc if not isinstance(part, int))
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _unknown_parameter(err: Mapping[str, Any], known: list[str]) -> str:
    name, value = str(err["loc"][-1]), err.get("input")
    given = f" (given {value!r})" if isinstance(value, str) and len(value) <= _NAMED_UP_TO else ""
    close = difflib.get_close_matches(name, known, n=1)
    return f"unknown parameter{given}" + (f"; did you mean {close[0]!r}?" if close else "")


def field_error(err: Mapping[str, Any], json_sent: bool, request: Request) -> dict[str, str]:
    """One validation error as (field, reason). A body that is not JSON, or not a JSON object, is
    named ``body`` (FastAPI places a JSON syntax error at the character it stopped at), with what
    the parser said and, when the request did not say it sent JSON, how to send it."""
    loc = tuple(err["loc"])
    if loc[:1] == ("body",) and err.get("type") == "json_invalid":
        at = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
        cause = _json_cause(str((err.get("ctx") or {}).get("error") or ""))
        return {"field": "body", "reason": f"not valid JSON{at}" + (f": {cause}" if cause else "")}
    if loc == ("body",):
        hint = "" if json_sent else "; send a JSON object with Content-Type: application/json"
        return {"field": "body", "reason": f"{err['msg']}{hint}"}
    if loc[:1] == ("body",) and len(loc) == 2 and err.get("type") == "missing":
        hint = _form_hint(request)
        return {"field": _field(loc), "reason": f"{err['msg']}; {hint}" if hint else str(err["msg"])}
    if loc[:1] == ("query",) and err.get("type") == "extra_forbidden":
        return {
            "field": _field(loc),
            "reason": _unknown_parameter(err, query_names(request.scope.get("route"))),
        }
    # A path's id is named as a query parameter's value is: `/recommendations/abc` as `?limit=abc`.
    return {"field": _field(loc), "reason": _named(err) if loc[:1] in (("query",), ("path",)) else err["msg"]}


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _form_hint(request: Request) -> str:
    """How to send a form route's fields, when the request did not send a form (the login's fields
    as JSON, as most APIs take them, were told only "Field required"); "" otherwise."""
    route = request.scope.get("route")
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not isinstance(route, APIRoute) or media_type in _FORMS:
        return ""
    fields = [field.field_info for field in route.dependant.body_params]
    if any(isinstance(info, params.File) for info in fields):
        return "send it as a field of a multipart/form-data form"
    if any(isinstance(info, params.Form) for info in fields):
        return "send it as a form field (Content-Type: application/x-www-form-urlencoded)"
    return ""


def _json_cause(cause: str) -> str:
    """The parser's words, without the " at" it leaves for a position the reason gives before them
    ("Invalid control character at"); a raw line break or tab in a string (a narrative pasted into a
    hand-built body) is told how to write it."""
    cause = cause.removesuffix(" at").removesuffix(" starting")  # "Unterminated string starting at"
    if cause == "Invalid control character":
        cause += (
            ": a line break, a tab or another control character in a string is written escaped "
            "(\\n, \\t, \\u0001)"
        )
    return cause


def missing_from_path(request: Request, detail: str) -> list[dict[str, str]]:
    """A 404's error naming the path parameter whose value named nothing stored (``recommendation
    99999 does not exist`` on `/recommendations/99999` is ``recommendation_id``'s), as a refused query
    parameter is named; none when the detail names no value of the path (the service refused
    something else)."""
    words = set(re.findall(r"\w+", detail))
    named = [name for name, value in request.path_params.items() if str(value) in words]
    return [{"field": named[0], "reason": detail}] if named else []


def misread_path_id(errors: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    """The error of a path's id written otherwise than its address writes it (``/actions/01``), when
    it is the request's only refusal: answered as an id that does not exist (a 404 naming the
    parameter), since no row's address is that one. None otherwise (a 422 lists it with the rest)."""
    if not errors or any(err.get("type") != NOT_ITS_ADDRESS for err in errors):
        return None
    sent = errors[0].get("input")
    reason = (
        f"{sent!r} does not exist: an id is written in its decimal digits "
        "(no sign, leading zero, point or space)"
    )
    return {"field": _field(tuple(errors[0]["loc"])), "reason": reason}


_NAMED_UP_TO = 100  # characters of a refused query value repeated in the reason


def _named(err: Mapping[str, Any]) -> str:
    """A query parameter's reason naming the value refused, as the filters checked against stored
    values do ("'XYZ' is not a known mechanism code"): pydantic's "Input should be 'upr', ..."
    does not say which of ``family=upr&family=TB`` it refused."""
    value, message = err.get("input"), str(err["msg"])
    too_long = _too_long(err)
    if too_long:
        return too_long
    if not isinstance(value, str) or len(value) > _NAMED_UP_TO or repr(value) in message:
        return message
    return f"{value!r} is not accepted: {message[:1].lower()}{message[1:]}"


def _too_long(err: Mapping[str, Any]) -> str:
    """A value longer than its parameter takes, said with the limit and the length sent (pydantic's
    "String should have at most 200 characters" said neither which of the values nor how long it was;
    one too long to repeat was refused in those words alone); "" for another error."""
    context, value = err.get("ctx") or {}, err.get("input")
    limit = context.get("max_length")
    if limit is None:
        return ""
    if err.get("type") == "string_too_long" and isinstance(value, str):
        return f"must be at most {limit} characters ({len(value)} sent)"
    if err.get("type") == "too_long":
        sent = context.get("actual_length")
        return f"may be given at most {limit} times" + (f" ({sent} sent)" if sent is not None else "")
    return ""


# The methods a path may take, in the order Allow lists them (reads first, as RFC 9110's examples).
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Every method the request's path takes, for a 405's Allow. FastAPI makes a route of each
    method, and the router's 405 names the methods of the first route on the path alone (``Allow:
    GET`` where POST and PATCH are taken too), so each method is tried against the app's routes.
    HEAD is answered wherever GET is (``head.py``)."""
    routes = request.app.router.routes
    methods = [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(1, "HEAD")
    return ", ".join(methods)
