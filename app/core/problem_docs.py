"""How the OpenAPI document describes the problem responses (``app.core.problems``): each route's
error responses as references to the one Problem schema, added to the document once, and the API's
429 and 503 with their ``Retry-After``."""

from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.constants import REF_PREFIX, REF_TEMPLATE

from app.core.problems import PROBLEM_JSON, Problem


def problem_doc(description: str) -> dict[str, Any]:
    """A problem response in the OpenAPI document: a reference to the Problem schema, which
    ``document_problem_media_type`` adds to the document once. Not a response ``model``: FastAPI
    builds a validator for each model of each route of an app when it first routes a request (some
    1,500 for the problem responses, two thirds of the second each app took to set up its routes)."""
    return {
        "content": {PROBLEM_JSON: {"schema": {"$ref": f"{REF_PREFIX}Problem"}}},
        "description": description,
    }


@cache
def _problem_schemas() -> dict[str, Any]:
    """The Problem schema and those it refers to (FieldError), as FastAPI writes a model's: in
    serialization mode, without the null defaults (its document leaves out every null)."""
    schema = Problem.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
    schemas = {**schema.pop("$defs", {}), "Problem": schema}
    encoded: dict[str, Any] = jsonable_encoder(schemas, exclude_none=True)
    return encoded


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: problem_doc(description)
    for status, description in (
        (400, "Bad request: the body could not be parsed (not JSON, not UTF-8)"),
        (415, "The body came compressed (Content-Encoding): send it uncompressed"),
        (404, "Not found"),
        (422, "Invalid input (the `errors` list names each field and the reason)"),
        (
            503,
            "Busy: no database lock, connection or write turn came in time, an import is running, or "
            "the database does not answer; retry after the Retry-After header's seconds",
        ),
    )
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give beyond 404 and 422."""
    return {status: problem_doc(_DESCRIPTIONS[status]) for status in statuses}


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated: no token, or an expired, revoked or unknown one",
    403: "Authenticated, but this role or entity may not do this",
    409: "Conflicts with existing data",
    412: "If-Match names a version that is no longer current; nothing was written",
    413: "The request body (an uploaded file) is larger than this route accepts",
    428: "If-Match is required for this write",
    429: "Too many requests: retry after the Retry-After header's seconds",
    503: "Busy or unavailable for now: retry after the Retry-After header's seconds",
    507: "The server could not store the uploaded file (its storage is full or cannot be written); "
    "nothing was stored",
}


# Every API answer asking the client to come back later says when (TooManyRequests, ServiceBusy).
RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
}


def document_problem_media_type(app: FastAPI, api_prefix: str = "/api/") -> None:
    """The Problem schema that the error responses (``problem_doc``: ``application/problem+json``,
    the media type the handlers send) refer to, and the API's 429 and 503 with their ``Retry-After``:
    added to the generated document once, when first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in _problem_schemas().items():
                schemas.setdefault(name, deepcopy(schema))
            document["components"]["schemas"] = dict(sorted(schemas.items()))  # in FastAPI's order
            for path, path_item in document.get("paths", {}).items():
                for operation in path_item.values():
                    for status, response in operation.get("responses", {}).items():
                        if status in ("429", "503") and path.startswith(api_prefix):
                            response["headers"] = {**response.get("headers", {}), **RETRY_AFTER}
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]
