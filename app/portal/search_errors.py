"""What the search page says about a value the public list refused: the field's label and the reason,
in the reader's language (the GOV.UK error summary). The checks themselves are the public list's
(``PublicRecommendationParams`` and ``app.public.service``, ``PublicActionParams`` for the action
list); only their wording is here.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import ValidationError

from app.core.catalogue import translated
from app.core.errors import InvalidInput
from app.portal.pages import PageContext
from app.portal.search_filters import ADDRESS_ONLY
from app.web.filter_labels import FILTER_LABELS


class TypedFilters(Protocol):
    """A list page's filters as typed (``SearchFilters``, ``ActionFilters``)."""

    def query(self) -> dict[str, Any]: ...


# Errors of the model, by pydantic's error type.
_NOT_A_CHOICE = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "literal_error",
    "enum",
}
_TOO_LONG = {"string_too_long", "too_long"}


def search_labels(page: PageContext) -> dict[str, str]:
    """Each field of the search form by the label the form shows."""
    _ = page.gettext
    return {
        "q": _("Words to search for"),
        "mechanism": _("Mechanism"),
        "theme": _("Theme"),
        "sdg": _("Sustainable Development Goal"),
        "status": _("Implementation status"),
        "cycle": _("UPR cycle"),
        "family": _("Mechanism family"),
        "position": _("Position"),
        "affected_person": _("Affected persons"),
        "cluster": _("Cluster"),
        "sort": _("Order"),
        "cursor": _("Page"),
        # The public filters the form has no field for, named as the staff list and the reports name them.
        **{name: _(FILTER_LABELS[name]) for name in ADDRESS_ONLY},
    }


def sort_labels(page: PageContext) -> dict[str, str]:
    """The orders of the results, as the form names them."""
    _ = page.gettext
    return {
        "relevance": _("Most relevant first (newest without words)"),
        "newest": _("Newest first"),
        "oldest": _("Oldest first"),
    }


def search_errors(
    page: PageContext, filters: TypedFilters, cursor: str | None, exc: ValidationError | InvalidInput
) -> dict[str, str]:
    """field -> reason, for each field ``exc`` names (the first of a field's values it refuses)."""
    _ = page.gettext
    typed = {**filters.query(), "cursor": cursor}

    def value_of(field: str, index: object) -> str:
        """The value typed: the field's, or the one at ``index`` of a field given several."""
        value = typed.get(field)
        if isinstance(value, list | tuple):
            return str(value[index]) if isinstance(index, int) and index < len(value) else ", ".join(value)
        return str(value or "")

    def reason(field: str, kind: str, context: dict[str, Any], value: str) -> str:
        if field == "cursor":
            return _("This page of results no longer exists. Start the search again.")
        if field == "sdg" and kind == "service":
            return _('"%(value)s" is not a goal (1 to 17) or a target (such as 5.2)') % {"value": value}
        if kind == "date_range":  # an end before its start (app.core.dates.ends_range)
            return _("must be on or after the first date")
        if kind in _TOO_LONG:
            return _("Enter at most %(number)s characters") % {"number": context.get("max_length", "")}
        if kind in _NOT_A_CHOICE:
            return _('"%(value)s" is not one of the choices') % {"value": value}
        return _('"%(value)s" is not a valid value') % {"value": value}

    found: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            if error["loc"]:
                field, index = str(error["loc"][0]), (error["loc"][1:] or [None])[0]
                context = error.get("ctx") or {}
                found.setdefault(field, reason(field, error["type"], context, value_of(field, index)))
        return found
    for refused in exc.errors:
        if "field" not in refused:
            continue
        field = refused["field"]
        if "value" in refused or field == "cursor":
            found.setdefault(field, reason(field, "service", {}, str(refused.get("value", ""))))
        else:
            # Not a value that names nothing but the service's own reason (``responsibility``: needs
            # ``entity``), said as the API says it, in the reader's language.
            found.setdefault(field, translated(refused["reason"], _))
    return found
