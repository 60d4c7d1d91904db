"""A number in a filter is written in ASCII digits, for every filter alike: ``cycle=٣`` (an Arabic-Indic
3) listed the third cycle where ``session=٣``, ``limit=٣`` and ``entity=٣`` were 422s."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.public.schemas import PublicRecommendationParams
from app.recommendations.schemas import RecommendationListParams


@pytest.mark.parametrize("model", [RecommendationListParams, PublicRecommendationParams])
# A 3 in Arabic-Indic digits, full-width, and 03 in Devanagari digits.
@pytest.mark.parametrize("digits", ["\u0663", "\uff13", "\u0966\u0969"])
def test_a_number_in_other_digits_is_refused_by_every_numeric_filter(
    model: type[RecommendationListParams] | type[PublicRecommendationParams], digits: str
) -> None:
    for name in ("cycle", "session", "limit", "entity", "cluster"):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({name: [digits] if name == "cycle" else digits})
        assert refused.value.errors()[0]["loc"][0] == name, name
    # ASCII digits, a leading zero and surrounding spaces aside, are read alike.
    assert model.model_validate({"cycle": [" 03 "], "session": "028"}).cycle == [3]
