"""The committed OpenAPI document is the app's, and every error is documented as problem+json."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from app.openapi import OPENAPI_PATH, openapi_document, render_openapi


@cache
def _document() -> dict[str, Any]:
    """The app's document, built once for these tests (about a second and a half of a core)."""
    return openapi_document()


def test_committed_document_matches_the_app() -> None:
    committed = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
    assert committed == render_openapi(_document()), (
        "openapi/openapi.json is out of date with the app: run `make openapi` and commit the result"
    )


def test_errors_are_documented_as_problems() -> None:
    document = _document()
    assert "Problem" in document["components"]["schemas"]
    for path, item in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert {"404", "422"} <= set(errors), (method, path)
            for response in errors.values():
                assert response["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path)


# What a client generator (openapi-python-client, tests/test_generated_client.py) needs of the document.

PUBLIC = "/api/v1/public/"
# 201 answers without a resource of their own to point to: an API key's secret is shown once (its
# list is /api/v1/api-keys).
CREATED_WITHOUT_LOCATION = {("post", "/api/v1/api-keys")}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in _document()["paths"].items()
        for method, operation in item.items()
    ]


def test_schema_names_are_unique_model_names() -> None:
    """Two models of one name get module-qualified schema names (``app__..__SdgRef``), which a generator
    cannot resolve: it dropped every schema that referred to them."""
    names = _document()["components"]["schemas"]
    assert not [name for name in names if "__" in name]


def test_operation_ids_are_the_route_names_and_unique() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert len(ids) == len(set(ids)), sorted(name for name in ids if ids.count(name) > 1)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in ids), ids
    by_route = {(method, path): operation["operationId"] for method, path, operation in _operations()}
    assert by_route["get", "/api/v1/recommendations"] == "list_recommendations"
    assert by_route["get", "/api/v1/public/recommendations"] == "public_list_recommendations"
    assert by_route["get", "/api/v1/public/stats"] == "public_stats"  # not public_public_stats


def test_one_tag_per_operation_and_public_routes_tagged_public() -> None:
    for method, path, operation in _operations():
        assert len(operation["tags"]) == 1, (method, path, operation["tags"])
        assert (operation["tags"] == ["public"]) == path.startswith(PUBLIC), (method, path)
        assert operation["operationId"].startswith("public_") == path.startswith(PUBLIC), (method, path)


def test_version_is_the_package_version() -> None:
    """pyproject.toml is the one source; the installed metadata lags it until reinstalled."""
    declared = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert version("nrtd") == declared, (
        "the installed nrtd is not pyproject.toml's version: run `make install` (an editable install)"
    )
    assert _document()["info"]["version"] == declared


def test_created_and_versioned_answers_document_their_headers() -> None:
    for method, path, operation in _operations():
        created = operation["responses"].get("201")
        if created is not None and (method, path) not in CREATED_WITHOUT_LOCATION:
            assert {"ETag", "Location"} <= set(created.get("headers", {})), (method, path)
        # A resource written with If-Match sends its version as ETag when read and when written.
        if "patch" in _document()["paths"][path] and method in {"get", "patch"}:
            assert "ETag" in operation["responses"]["200"].get("headers", {}), (method, path)


def test_public_reads_document_their_cache_headers_304_and_429() -> None:
    """Every public GET sends an ETag and Cache-Control, answers 304 to a current If-None-Match and
    429 beyond the rate limit (docs/civil-society.md, "Rate limits, sizes and caching"): a generated
    client raises on a status its document does not name."""
    for method, path, operation in _operations():
        if method != "get" or not path.startswith(PUBLIC):
            continue
        responses = operation["responses"]
        assert {"200", "304", "429"} <= set(responses), (path, sorted(responses))
        for status in ("200", "304"):
            assert {"ETag", "Cache-Control"} <= set(responses[status].get("headers", {})), (path, status)


def test_public_exports_document_their_download_headers() -> None:
    for path in ("csv", "xlsx", "json"):
        operation = _document()["paths"][f"{PUBLIC}exports/recommendations.{path}"]["get"]
        assert {"Content-Disposition", "Link"} <= set(operation["responses"]["200"]["headers"]), path


def test_retry_after_and_rate_limit_headers_are_documented() -> None:
    """A script is told to wait by Retry-After (429, 503) and can pace itself by the RateLimit-*
    headers every public answer carries (docs/deployment.md, "Rate limit headers")."""
    rate_limit = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
    for method, path, operation in _operations():
        for status, response in operation["responses"].items():
            if status in ("429", "503") and path.startswith("/api/v1/"):
                assert "Retry-After" in response.get("headers", {}), (method, path, status)
            if path.startswith(PUBLIC) and status in ("200", "304", "429"):
                assert rate_limit <= set(response.get("headers", {})), (method, path, status)
