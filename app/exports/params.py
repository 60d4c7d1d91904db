"""Query parameters of the exports and statistics: the recommendation list's filters, no paging.

The models are built from ``RecommendationListParams`` field by field, so a filter added to the
list is a filter of every export and of the statistics too. The public variants also drop the
filters on internal or unpublished data (``needs_review``, ``issue``; ``withdrawn``: withdrawn
recommendations are never public).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.core.letter_case import any_case
from app.recommendations.schemas import STAFF_ONLY_FILTERS, RecommendationListParams

PAGING = frozenset({"cursor", "limit", "sort"})
INTERNAL_FILTERS = STAFF_ONLY_FILTERS

# `?format=template`: the staff CSV in the import template's columns only (app/exports/template_records.py).
CsvLayout = Literal["open-data", "template"]

# `?separator=semicolon`: Excel in locales that write decimals with a comma (French, Spanish, German...)
# splits a CSV it opens by double-click on ';' and showed a comma-separated file in column A alone.
CsvSeparator = Literal["comma", "semicolon"]
DELIMITERS: dict[str, str] = {"comma": ",", "semicolon": ";"}
# Read in any letter case, as the filters are (app.core.letter_case).
LayoutValue = Annotated[CsvLayout, any_case(CsvLayout)]
SeparatorValue = Annotated[CsvSeparator, any_case(CsvSeparator)]

_SEPARATOR = Field(
    "comma",
    description="`comma` (default) or `semicolon`: cells separated by `;`, for Excel set to a language "
    "that writes decimals with a comma (French, Spanish, Portuguese, German...), which opens a CSV file "
    "by double-click split on `;` and shows a comma-separated one with every row in column A. The "
    "XLSX export opens in columns in every Excel",
)

_FORMAT = Field(
    "open-data",
    description="`open-data` (default): every column, one row per recommendation; `template`: the "
    "CSV import template's columns only, one row per recommendation with a `text_<language>` column "
    "per language (as `nrtd export csv` writes it), so the file imports back with `nrtd import csv` "
    "(`lang` does not apply)",
)


def _without(name: str, excluded: frozenset[str], doc: str, **extra: Any) -> type[BaseModel]:
    fields: dict[str, Any] = {
        field_name: (info.annotation, info)
        for field_name, info in RecommendationListParams.model_fields.items()
        if field_name not in excluded
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields, **extra)


class _CsvFormat(RecommendationListParams):
    format: LayoutValue = "open-data"
    separator: SeparatorValue = "comma"


class _PublicCsv(RecommendationListParams):
    separator: SeparatorValue = "comma"


if TYPE_CHECKING:
    # For the type checker these are the list's parameters (a subset of their fields, all optional).
    ExportParams = RecommendationListParams
    CsvExportParams = _CsvFormat
    PublicExportParams = RecommendationListParams
    PublicCsvExportParams = _PublicCsv
else:
    _STAFF_DOC = "Filters of the recommendation list (all combine with AND), without paging."
    ExportParams = _without("RecommendationExportParams", PAGING, _STAFF_DOC)
    CsvExportParams = _without(
        "RecommendationCsvExportParams",
        PAGING,
        _STAFF_DOC,
        format=(LayoutValue, _FORMAT),
        separator=(SeparatorValue, _SEPARATOR),
    )
    _PUBLIC_DOC = (
        "Filters of the public recommendation list (all combine with AND): withdrawn "
        "recommendations are never included."
    )
    PublicExportParams = _without("PublicRecommendationExportParams", PAGING | INTERNAL_FILTERS, _PUBLIC_DOC)
    PublicCsvExportParams = _without(
        "PublicRecommendationCsvExportParams",
        PAGING | INTERNAL_FILTERS,
        _PUBLIC_DOC,
        separator=(SeparatorValue, _SEPARATOR),
    )


def list_params(params: BaseModel) -> RecommendationListParams:
    """The list's parameter object for ``filter_conditions`` (paging left at its defaults)."""
    return RecommendationListParams.model_validate(params.model_dump(exclude={"format", "separator"}))


def delimiter_of(params: BaseModel) -> str:
    """The CSV's cell separator the parameters ask for (a comma unless ``separator=semicolon``)."""
    return DELIMITERS[getattr(params, "separator", "comma")]
