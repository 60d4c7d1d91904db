"""The leak test's own tools find what they are meant to find: a key outside a pydantic allowlist,
a key outside a route's OpenAPI schema, a secret inside a zipped document."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.public.leak_check import PREFIX, _searchable, schema_unknown_keys, unknown_keys


def test_the_walker_finds_a_key_outside_the_allowlist() -> None:
    class Inner(BaseModel):
        name: str

    class Outer(BaseModel):
        items: list[Inner]
        extra: dict[str, Inner]
        maybe: Inner | None
        loose: Any

    good = {"items": [{"name": "a"}], "extra": {"en": {"name": "b"}}, "maybe": None, "loose": 1}
    assert unknown_keys(good, Outer) == []
    assert unknown_keys({**good, "email": "x"}, Outer) == ["$.email"]
    assert unknown_keys({**good, "items": [{"name": "a", "notes": "x"}]}, Outer) == ["$.items[0].notes"]
    assert unknown_keys({**good, "extra": {"en": {"name": "b", "budget": 1}}}, Outer) == [
        "$.extra[en].budget"
    ]
    assert unknown_keys({**good, "maybe": {"name": "c", "hash": "h"}}, Outer) == ["$.maybe.hash"]
    assert unknown_keys({**good, "loose": {"anything": 1}}, Outer) == ["$.loose (a free-form object)"]


def test_searching_looks_inside_zipped_documents() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:t>qz-internal-notes</w:t>" * 20)
    assert b"qz-internal-notes" not in buffer.getvalue()
    assert b"qz-internal-notes" in _searchable(buffer.getvalue())


def test_the_schema_walker_finds_a_key_outside_the_schema(public: TestClient) -> None:
    document = public.get("/openapi.json").json()
    schema = document["paths"][f"{PREFIX}/actions"]["get"]["responses"]["200"]["content"]["application/json"]
    page = {
        "items": [{"id": 1, "lead_entity": {"id": 2, "name": "n", "acronym": None, "contact_email": "e"}}]
    }
    assert schema_unknown_keys(page, schema["schema"], document) == ["$.items[0].lead_entity.contact_email"]
    assert schema_unknown_keys({"items": [], "budget": 1}, schema["schema"], document) == ["$.budget"]
