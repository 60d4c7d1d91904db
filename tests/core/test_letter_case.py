"""An enumerated filter reads its documented values in any letter case (``app.core.letter_case``), as a
mechanism code always did (``crc`` is CRC): ``position=SUPPORTED`` and ``status=NOT_STARTED`` were 422s.
A value that is none of them is still refused, naming the values the filter takes."""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from app.deadlines.public import PublicDeadlineParams
from app.deadlines.schemas import DeadlineListParams
from app.entities.schemas import EntityListParams
from app.exports.params import CsvExportParams, ExportParams, PublicCsvExportParams, PublicExportParams
from app.followup.schemas import FollowUpListParams
from app.import_runs.schemas import ImportRunListParams
from app.plans.actions.schemas import ActionListParams
from app.plans.indicators.schemas import ValueListParams
from app.plans.progress.queue_schemas import ProgressQueueParams
from app.public.schemas import PublicActionParams, PublicRecommendationParams
from app.recommendations.schemas import RecommendationFilter, RecommendationListParams
from app.reports.schemas import PublicReportQuery, ReportQuery
from app.users.schemas import UserListParams

# Every list's query parameters whose values are a vocabulary (filters, orders, export layouts).
MODELS: list[type[BaseModel]] = [
    RecommendationFilter,
    RecommendationListParams,
    PublicRecommendationParams,
    ExportParams,
    CsvExportParams,
    PublicExportParams,
    PublicCsvExportParams,
    ActionListParams,
    PublicActionParams,
    DeadlineListParams,
    PublicDeadlineParams,
    ImportRunListParams,
    UserListParams,
    EntityListParams,
    FollowUpListParams,
    ProgressQueueParams,
    ValueListParams,
    ReportQuery,
    PublicReportQuery,
]


def _choices(annotation: Any) -> list[str]:
    """The ``Literal`` values an annotation takes, in a list, an optional or an ``Annotated`` too."""
    origin = get_origin(annotation)
    if origin is Literal:
        return [value for value in get_args(annotation) if isinstance(value, str)]
    if origin is Annotated:
        return _choices(get_args(annotation)[0])
    if origin in (list, Union, types.UnionType):
        return [value for arg in get_args(annotation) for value in _choices(arg)]
    return []


def _enumerated(model: type[BaseModel]) -> list[tuple[str, str, bool]]:
    """(parameter, one of its values, whether it takes several) for each enumerated parameter;
    ``lang`` reads a language tag (its own rule, app.core.languages: case aside too)."""
    return [
        (name, choice, get_origin(field.annotation) is list)
        for name, field in model.model_fields.items()
        if name != "lang"
        for choice in _choices(field.annotation)
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_enumerated_value_is_read_in_any_case(model: type[BaseModel]) -> None:
    found = _enumerated(model)
    assert found, f"{model.__name__} has no enumerated parameter: the walk is wrong"
    for name, choice, several in found:
        for typed in (choice.upper(), choice.swapcase(), f" {choice.title()} "):
            read = model.model_validate({name: [typed] if several else typed})
            value = getattr(read, name)
            assert value == [choice] or value == choice, (model.__name__, name, typed, value)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_an_unknown_value_is_still_refused(model: type[BaseModel]) -> None:
    for name, _choice, several in _enumerated(model):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({name: ["Accepted"] if several else "Accepted"})
        (error,) = refused.value.errors()
        assert error["loc"][0] == name and error["type"] == "literal_error", error
