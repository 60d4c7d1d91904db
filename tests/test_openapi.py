"""The committed OpenAPI document is the app's, and every error is documented as problem+json."""

from __future__ import annotations

from app.openapi import OPENAPI_PATH, openapi_document, render_openapi


def test_committed_document_matches_the_app() -> None:
    committed = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
    assert committed == render_openapi(), (
        "openapi/openapi.json is out of date with the app: run `make openapi` and commit the result"
    )


def test_errors_are_documented_as_problems() -> None:
    document = openapi_document()
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
