"""The README says which filters of GET /api/v1/recommendations are repeatable ("Every filter but ...
is repeatable"): it named `needs_review` and `responsibility` among the repeatable ones, which take
one value (a second is a 422). The filters it leaves out are exactly those of one value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_origin

from fastapi.testclient import TestClient

from app.recommendations.schemas import RecommendationFilter

README = Path(__file__).resolve().parents[2] / "README.md"
# Not filters: the text's language and the order.
_NOT_FILTERS = {"lang", "sort"}
_DATES = {"published_from", "published_to"}


def _single_per_readme() -> set[str]:
    text = " ".join(README.read_text(encoding="utf-8").split())
    sentence = re.search(r"Every filter but (.*?) is repeatable", text)
    assert sentence, "the README no longer says which filters are repeatable"
    named = set(re.findall(r"`([a-z_]+)`", sentence.group(1)))
    return named | (_DATES if "the dates" in sentence.group(1) else set())


def _single_per_schema() -> set[str]:
    fields = RecommendationFilter.model_fields
    return {name for name, field in fields.items() if get_origin(field.annotation) is not list} - _NOT_FILTERS


def test_the_readme_names_the_filters_of_one_value() -> None:
    assert _single_per_readme() == _single_per_schema()


def test_a_filter_of_one_value_given_twice_is_a_422_naming_it(client: TestClient) -> None:
    for name, value in (("needs_review", "true"), ("responsibility", "lead")):
        response = client.get("/api/v1/recommendations", params=[(name, value), (name, value)])
        assert response.status_code == 422, response.text
        assert [error["field"] for error in response.json()["errors"]] == [name]
