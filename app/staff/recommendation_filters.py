"""The recommendation list's query string: the API's filters as a GET form, its keyset pages with a way
back, and the bulk form's values as the API's bulk body.

The filters are the fields of ``RecommendationFilter`` (the API's list and bulk-by-filter take the
same), so a filter added to the API needs only its form field here. "Previous" works with keyset
pages because each link carries the cursors of the pages before it (``prev``, newest last; ``-``
stands for the first page), up to ``MAX_PREVIOUS`` of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from app.core.pagination import same_list
from app.recommendations.schemas import DEFAULT_PAGE_SIZE, RecommendationFilter
from app.recommendations.write_schemas import BulkSet

FILTERS = tuple(RecommendationFilter.model_fields)
# The filters the form lets one choose several values of (checkboxes, codes separated by commas); the
# API takes several values of more of them, which the form sends one at a time.
REPEATED = frozenset({"mechanism", "priority", "status"})
# The other filters the API takes several values of. A label, goal or cycle field holds them separated by
# ";" (labels hold commas: "Economic, social & cultural rights"), as a link giving the filter twice
# (?theme=Water&theme=Education) shows them; a list of choices keeps each of them chosen.
SEVERAL_TYPED = frozenset(
    {
        "theme",
        "affected_person",
        "country",
        "region",
        "recommending_state",
        "recommending_region",
        "issue",
        "sdg",
        "cycle",
    }
)
SEVERAL_CHOSEN = frozenset({"family", "type", "position", "source"})
_LABEL_SEPARATOR = re.compile(r"\s*;\s*")
PAGE_SIZES = (25, 50, 100, 200)
MAX_PREVIOUS = 50
FIRST_PAGE = "-"
# A form left empty sends every field as "": that is "no filter", not a value.
_SEPARATORS = re.compile(r"[,;\s]+")


def typed_filters(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """What the user typed in the filter form, as typed: one string per field, a list for the
    repeatable ones (several mechanism codes may be typed in one field, separated by commas)."""
    typed: dict[str, Any] = {}
    for key, value in items:
        if key not in FILTERS and key not in ("limit", "sort"):
            continue
        if key in REPEATED:
            typed.setdefault(key, []).append(value)
        elif key in SEVERAL_TYPED and typed.get(key, "").strip() and value.strip():
            typed[key] = f"{typed[key]}; {value}"
        elif key in SEVERAL_CHOSEN and key in typed:
            before = typed[key] if isinstance(typed[key], list) else [typed[key]]
            typed[key] = [*before, value]
        elif not (key in SEVERAL_TYPED and key in typed and not value.strip()):
            typed[key] = value
    return typed


def filter_values(typed: dict[str, Any]) -> dict[str, Any]:
    """The typed filters as the API's parameters: empty fields left out, mechanism codes split."""
    values: dict[str, Any] = {}
    for name, value in typed.items():
        if name not in FILTERS:
            continue
        if name == "mechanism":
            codes = [code for text in value for code in _SEPARATORS.split(text) if code]
            if codes:
                values[name] = codes
        elif name in REPEATED or (name in SEVERAL_CHOSEN and isinstance(value, list)):
            chosen = [item for item in value if item.strip()]
            if chosen:
                values[name] = chosen
        elif name in SEVERAL_TYPED and ";" in value:
            several = [item for item in _LABEL_SEPARATOR.split(value.strip()) if item]
            if several:
                values[name] = several
        elif isinstance(value, str) and value.strip():
            values[name] = value.strip()
    return values


def reports_query(typed: dict[str, Any]) -> str:
    """The filters as the reports and exports of the list take them: each value of a filter given
    on its own ("Water; Education" typed in one box is theme=Water&theme=Education)."""
    items = [
        (name, str(item))
        for name, value in filter_values(typed).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return "?" + urlencode(items) if items else ""


def shown_mechanisms(typed: dict[str, Any]) -> str:
    return ", ".join(text.strip() for text in typed.get("mechanism", []) if text.strip())


def page_size(typed: dict[str, Any]) -> Any:
    return typed.get("limit") or DEFAULT_PAGE_SIZE


class Pages:
    """Where this page sits among the keyset pages: its cursor and the cursors before it."""

    def __init__(self, cursor: str | None, previous: Sequence[str]) -> None:
        self.cursor = cursor or None
        self.previous = [value for value in previous if value][-MAX_PREVIOUS:]
        if self.cursor and not all(
            value == FIRST_PAGE or same_list(value, self.cursor) for value in self.previous
        ):
            # One edited or cut short: the way back is not known; the first page is (not a refusal).
            self.previous = []

    def next_params(self, next_cursor: str) -> dict[str, Any]:
        stack = [*self.previous, self.cursor or FIRST_PAGE][-MAX_PREVIOUS:]
        return {"cursor": next_cursor, "prev": stack}

    def previous_params(self) -> dict[str, Any] | None:
        if not self.previous:
            return None if self.cursor is None else {"cursor": None, "prev": None}
        before = self.previous[-1]
        return {"cursor": None if before == FIRST_PAGE else before, "prev": self.previous[:-1]}

    def first_row(self, limit: int) -> int | None:
        """The number of this page's first row, when the way back is known from the first page."""
        if self.cursor is None:
            return 1
        if self.previous and self.previous[0] == FIRST_PAGE:
            return len(self.previous) * limit + 1
        return None


# The bulk form: "" keeps a field as it is; CLEAR empties it. Its fields are the API's ``set`` with a
# prefix, so that they differ from the filters of the same name on the page (priority, status).
CLEAR = "clear"
KEEP = ""
SET = "set_"
SET_FIELDS = tuple(BulkSet.model_fields)


def bulk_changes(values: dict[str, Any]) -> dict[str, Any]:
    """The bulk form's choices as the API's ``set``: only the fields the user chose to change."""
    changes: dict[str, Any] = {}
    priority = _one(values, SET + "priority")
    if priority != KEEP:
        changes["priority"] = None if priority == CLEAR else priority
    for name in ("priority_rationale", "status", "status_note"):
        if _one(values, SET + name).strip():
            changes[name] = _one(values, SET + name)
    lead = _one(values, SET + "lead_entity_id")
    if lead != KEEP:
        changes["lead_entity_id"] = None if lead == CLEAR else lead
    if _one(values, "supporting_change") == "replace":
        chosen = values.get(SET + "supporting_entity_ids", [])
        changes["supporting_entity_ids"] = [chosen] if isinstance(chosen, str) else list(chosen)
    return changes


def bulk_errors(errors: dict[str, str]) -> dict[str, str]:
    """Refusals naming the API's fields, renamed to the page's: ``priority`` to the bulk form's
    ``set_priority``, a filter's own field (``filter.sdg``) to the filter form's, and the whole filter
    (it matches too many) to the choice of which recommendations, where the page shows it, and an
    archived cluster to the choice of the cluster."""
    renamed: dict[str, str] = {}
    for name, reason in errors.items():
        if name in SET_FIELDS:
            name = SET + name
        elif name == "filter":
            name = "ids"
        elif name == "archived":  # the cluster chosen was archived since the page was shown
            name = "cluster_id"
        renamed.setdefault(name.removeprefix("filter."), reason)
    return renamed


def selected_ids(values: dict[str, Any]) -> list[str]:
    chosen = values.get("ids", [])
    return [chosen] if isinstance(chosen, str) else list(chosen)


def _one(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value)
