"""What the generic 422 page (``app.portal.pages.render_error``) says about a request the page's own
checks refused (a value of the address too long or not of its kind: ``?lang=`` past 16 characters,
``?page=`` past 16): each value's name and reason, in the reader's language.

The search and the action list name a refused filter next to its field, their form kept
(``app.portal.search_errors``); this is the page for what no form holds. It said "Invalid search" on
every page (a recommendation's, a cluster's, the statistics), naming nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.catalogue import translated
from app.portal.pages import PageContext
from app.portal.search_errors import search_labels

_TOO_LONG = {"string_too_long", "too_long"}
_NOT_A_CHOICE = {"int_parsing", "int_type", "literal_error", "enum", "greater_than", "less_than"}


def address_labels(page: PageContext) -> dict[str, str]:
    """Each value an address may hold, by the name the pages give it."""
    _ = page.gettext
    page_label = _("Page")
    return {**search_labels(page), "lang": _("Language"), "page": page_label, "back": page_label}


def refused_values(
    page: PageContext, errors: Sequence[Mapping[str, Any]], *, in_query: bool
) -> dict[str, str]:
    """name -> "label: reason" for each value ``errors`` (pydantic's) refuses: a request's
    (``in_query``: their location starts with "query") or a model's (it starts with the field)."""
    _ = page.gettext
    labels = address_labels(page)
    found: dict[str, str] = {}
    for error in errors:
        location = tuple(error.get("loc") or ())
        if in_query:
            if location[:1] != ("query",) or len(location) < 2:
                continue
            location = location[1:]
        if not location:
            continue
        name = str(location[0])
        kind = str(error.get("type", ""))
        value = error.get("input")
        shown = value if isinstance(value, str) else ""
        if kind in _TOO_LONG:
            number = (error.get("ctx") or {}).get("max_length", "")
            reason = _("Enter at most %(number)s characters") % {"number": number}
        elif kind in _NOT_A_CHOICE:
            reason = _('"%(value)s" is not one of the choices') % {"value": shown}
        else:
            reason = _('"%(value)s" is not a valid value') % {"value": shown}
        found.setdefault(
            name, _("%(field)s: %(reason)s") % {"field": labels.get(name, name), "reason": reason}
        )
    return found


def refused_fields(page: PageContext, errors: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """name -> "label: reason" for the values a middleware refused before the page ran (each error a
    "field" and its "reason", as in problem+json: a value not percent-encoded UTF-8, a NUL)."""
    _ = page.gettext
    labels = address_labels(page)
    refused: dict[str, str] = {}
    for error in errors:
        name = str(error["field"])
        label = labels.get(name, name)
        reason = translated(error["reason"], _)
        refused[name] = _("%(field)s: %(reason)s") % {"field": label, "reason": reason}
    return refused
