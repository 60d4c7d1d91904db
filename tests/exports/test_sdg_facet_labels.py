"""An SDG facet's label when a title is missing in the language asked (or in every language): the
English title, then the code in a readable form ("SDG 16"), never an empty or raw internal label."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from app.feed.sdg import SdgEntry, sdg_entries
from app.taxonomies import service as taxonomies
from tests.exports.test_facets import PUBLIC, STAFF, world

__all__ = ["world"]  # the fixture


@pytest.fixture
def titles_missing(monkeypatch: pytest.MonkeyPatch) -> dict[str, SdgEntry]:
    """Goal 4 with its English title alone, goal 16 with none (a data file that lacks them)."""
    entries = dict(sdg_entries())
    entries["4"] = replace(entries["4"], titles={"en": entries["4"].titles["en"]})
    entries["16"] = replace(entries["16"], titles={})
    monkeypatch.setattr(taxonomies, "sdg_entries", lambda: entries)
    return entries


@pytest.mark.parametrize("url", [STAFF, PUBLIC])
def test_a_missing_title_falls_back_to_english_then_to_the_code(
    client: TestClient, world: None, titles_missing: dict[str, SdgEntry], url: str
) -> None:
    for lang in ("en", "fr", "es", "ar"):
        body = client.get(url, params={"lang": lang}).json()
        labels = {bucket["value"]: bucket["label"] for bucket in body["sdg"]}
        assert labels["4"] == titles_missing["4"].titles["en"], lang
        assert labels["16"] in ("SDG 16", "ODD 16", "ODS 16"), (lang, labels["16"])
        assert all(label and label != value for value, label in labels.items()), labels
