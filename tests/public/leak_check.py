"""The leak test's tools: the walkers that find a key outside a response's allowlist (its pydantic
model, or its schema in the OpenAPI document), the search inside zipped documents, and the public
GETs a world can fill (tests/public/test_public_leaks.py, test_public_unpublished.py)."""

from __future__ import annotations

import io
import json
import types
import zipfile
from collections.abc import Iterator
from itertools import product
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from app.public import schemas
from tests.public.world import SECRETS, World

PREFIX = "/api/v1/public"
# Routes this suite builds; the leak test must reach every one of them.
OWN_MODELS: dict[str, type[BaseModel]] = {
    f"{PREFIX}/recommendations": schemas.PublicRecommendationPage,
    f"{PREFIX}/recommendations/{{recommendation_id}}": schemas.PublicRecommendationDetail,
    f"{PREFIX}/clusters": schemas.PublicClusterPage,
    f"{PREFIX}/clusters/{{cluster_id}}": schemas.PublicCluster,
    f"{PREFIX}/actions": schemas.PublicActionPage,
    f"{PREFIX}/actions/{{action_id}}": schemas.PublicAction,
}
OWN_ROUTES = {*OWN_MODELS, f"{PREFIX}/feed.atom", f"{PREFIX}/evidence/{{evidence_id}}"}


def unknown_keys(value: Any, annotation: Any, where: str = "$") -> list[str]:
    """The places in ``value`` holding a key its declared type does not have (or a free-form object)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return unknown_keys(value, get_args(annotation)[0], where)
    if origin in (Union, types.UnionType):
        if value is None:
            return []
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return min((unknown_keys(value, option, where) for option in options), key=len)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            return []
        fields = {(info.alias or name): info for name, info in annotation.model_fields.items()}
        found = [f"{where}.{key}" for key in value if key not in fields]
        for key, info in fields.items():
            if key in value:
                found += unknown_keys(value[key], info.annotation, f"{where}.{key}")
        return found
    if origin in (list, tuple, set, frozenset) and isinstance(value, list):
        item = get_args(annotation)[0] if get_args(annotation) else Any
        return [
            problem
            for n, element in enumerate(value)
            for problem in unknown_keys(element, item, f"{where}[{n}]")
        ]
    if origin is dict and isinstance(value, dict):
        item = get_args(annotation)[1] if get_args(annotation) else Any
        # The keys of a declared mapping are data (language codes...); its values are checked.
        return [
            problem
            for key, element in value.items()
            for problem in unknown_keys(element, item, f"{where}[{key}]")
        ]
    if isinstance(value, dict):
        # An object where a scalar, or Any, is declared: nothing bounds its keys.
        return [f"{where} (a free-form object)"]
    return []


def _searchable(body: bytes) -> bytes:
    """The body, or every member of a zipped document (DOCX, XLSX) one after the other."""
    if not body.startswith(b"PK"):
        return body
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def _query_variants(operation: dict[str, Any]) -> Iterator[dict[str, str]] | None:
    """Each combination of a `format` parameter's values and required enums; None if a required
    parameter cannot be filled."""
    choices: dict[str, list[str]] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        schema = parameter.get("schema", {})
        enum = schema.get("enum") or next(
            (option["enum"] for option in schema.get("anyOf", []) if "enum" in option), None
        )
        if parameter["name"] == "format" and enum:
            # A PDF is the DOCX variant converted by LibreOffice (absent here: 422), its text compressed
            # past searching: the DOCX is the one checked.
            choices[parameter["name"]] = [str(value) for value in enum if value != "pdf"]
        elif parameter.get("required"):
            if not enum:
                return None
            choices[parameter["name"]] = [str(enum[0])]
    names = list(choices)
    return (dict(zip(names, values, strict=True)) for values in product(*(choices[n] for n in names)))


Request = tuple[str, str, dict[str, str]]


def _requests(document: dict[str, Any], world: World) -> tuple[list[Request], list[str]]:
    """(route, url, query) for every public GET the world can fill, and the routes left out."""
    ids = {"recommendation_id": world.rec["P1"], "cluster_id": world.cluster, "action_id": world.action}
    ids["evidence_id"] = world.evidence["published"]
    wanted: list[Request] = []
    skipped: list[str] = []
    for path, item in document["paths"].items():
        if not path.startswith(PREFIX) or "get" not in item:
            continue
        operation = item["get"]
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        variants = _query_variants(operation)
        if any(name not in ids for name in names) or variants is None:
            skipped.append(path)
            continue
        url = path.format(**{name: ids[name] for name in names})
        wanted += [(path, url, query) for query in variants]
    return wanted, skipped


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def schema_unknown_keys(
    value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "$"
) -> list[str]:
    """The same walk against the OpenAPI document's schema of a response: any route, anyone's."""
    schema = _resolve(schema, document)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        if value is None:
            return []
        return min((schema_unknown_keys(value, option, document, where) for option in options), key=len)
    if "allOf" in schema:
        properties: dict[str, Any] = {}
        for part in schema["allOf"]:
            properties.update(_resolve(part, document).get("properties", {}))
        schema = {"properties": properties}
    if isinstance(value, list):
        item = schema.get("items", {})
        return [
            p for n, v in enumerate(value) for p in schema_unknown_keys(v, item, document, f"{where}[{n}]")
        ]
    if not isinstance(value, dict):
        return []
    if "properties" in schema:
        properties = schema["properties"]
        found = [f"{where}.{key}" for key in value if key not in properties]
        for key, element in value.items():
            if key in properties:
                found += schema_unknown_keys(element, properties[key], document, f"{where}.{key}")
        return found
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        return [p for k, v in value.items() for p in schema_unknown_keys(v, extra, document, f"{where}[{k}]")]
    return [f"{where} (a free-form object)"]


def _check(route: str, url: str, response: Any, document: dict[str, Any]) -> list[str]:
    """Secrets anywhere in the body; for JSON, every key against the route's documented schema
    and, for this suite's own routes, against the allowlist model itself."""
    body: bytes = response.content
    problems = [f"{url}: {SECRETS[s]} ({s!r})" for s in SECRETS if s.encode() in _searchable(body)]
    if not response.headers["content-type"].startswith("application/json"):
        return problems
    data = json.loads(body)
    content = document["paths"][route]["get"]["responses"]["200"].get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if not schema:
        return problems  # reported by test_every_public_json_route_documents_its_allowlist
    problems += [f"{url}: key outside its schema at {p}" for p in schema_unknown_keys(data, schema, document)]
    if route in OWN_MODELS:
        model = OWN_MODELS[route]
        problems += [f"{url}: key outside {model.__name__} at {p}" for p in unknown_keys(data, model)]
    return problems
