"""The action form: what it shows (the stored action, or what was typed), and the API body it stands for.

The body is the actions API's own (``ActionCreate`` / ``ActionPatch``), checked by its schema and its
service; this module only turns form strings into that shape (empty boxes into nulls, a budget's three
boxes into one object, SDG codes and recommendations typed in one box into lists), names a refused
budget by the box that was wrong, and (``checked``) has the service check the boxes the schema took
when it refused others, so that every wrong box is named in one answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput
from app.core.ids import MAX_ID
from app.plans.actions.schemas import (
    ACTION_STATUS_LABELS,
    MAX_RECOMMENDATIONS,
    ActionDetail,
    ActionPatch,
    Budget,
)
from app.staff.choices import every_cluster, every_entity
from app.staff.cluster_members import paragraph_ids, symbol_count, symbol_ids
from app.staff.forms import FormInvalid, field_errors, parse, shown_number, typed_number, whole_number
from app.staff.labels import ACTION_FIELD_LABELS
from app.staff.pages import StaffPage

Model = TypeVar("Model", bound=BaseModel)

TEXTS = ("title", "description", "start_date", "due_date", "status", "lead_entity_id", "sdg_targets")
BUDGET = ("budget_amount", "budget_currency", "budget_source")
DATES = ("start_date", "due_date")
LISTS = ("supporting_entity_ids", "cluster_ids")
# Recommendations are typed (ids or document symbols) when creating, added and removed afterwards.
RECOMMENDATIONS = "recommendation_ids"
# A document with more recommendations than an action may be linked to is refused, saying so, not cut.
SYMBOL_LIMIT = MAX_RECOMMENDATIONS
_SEPARATORS = re.compile(r"[,;\s]+")
# One recommendation as the workspace names it: its document and paragraph ("CRC/C/PER/CO/6-7 ¶ 44",
# spaces around the pilcrow or not), or its number ("#44", as the action and cluster pages show it).
_REFERENCES = re.compile(r"([^,;\s¶]+)\s*¶\s*([^,;\s¶]+)|[^,;\s]+")


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value if isinstance(value, str) else ""


def listed(values: dict[str, Any], name: str) -> list[str]:
    value = values.get(name)
    if value is None:
        return []
    return [item for item in ([value] if isinstance(value, str) else value) if isinstance(item, str) and item]


def stored(detail: ActionDetail, lang: str) -> dict[str, Any]:
    """The form's values as the action is stored: what the page shows before anyone types."""
    budget = detail.budget
    return {
        "title": detail.title,
        "description": detail.description or "",
        "start_date": detail.start_date.isoformat() if detail.start_date else "",
        "due_date": detail.due_date.isoformat() if detail.due_date else "",
        "status": detail.status,
        "lead_entity_id": str(detail.lead_entity_id or ""),
        "sdg_targets": ", ".join(detail.sdg_targets),
        "budget_amount": shown_number(budget.amount, lang) if budget and budget.amount is not None else "",
        "budget_currency": (budget.currency or "") if budget else "",
        "budget_source": (budget.source or "") if budget else "",
        "supporting_entity_ids": [str(i) for i in detail.supporting_entity_ids],
        "cluster_ids": [str(i) for i in detail.cluster_ids],
    }


def typed(values: dict[str, Any]) -> dict[str, Any]:
    """What the user sent, shaped like ``stored`` so the form shows it again as typed."""
    shown: dict[str, Any] = {name: _text(values, name) for name in (*TEXTS, *BUDGET, RECOMMENDATIONS)}
    shown.update({name: listed(values, name) for name in LISTS})
    return shown


def _budget(values: dict[str, Any], lang: str) -> dict[str, Any] | None:
    amount, currency, source = (_text(values, name).strip() for name in BUDGET)
    if not (amount or currency or source):
        return None
    return {
        "amount": typed_number(amount, lang) or None,
        "currency": currency.upper() or None,
        "source": source or None,
    }


def _recommendations(db: Session, typed_ids: str, gettext: Any) -> list[int]:
    """Ids, document symbols and paragraphs typed in one box, as ids (the service checks that the
    ids exist)."""
    ids: list[int] = []
    for reference in _REFERENCES.finditer(typed_ids):
        symbol, paragraph = reference.groups()
        if symbol and paragraph:
            # The current recommendation(s) of that paragraph; one withdrawn is linked when named alone.
            found = paragraph_ids(db, symbol, paragraph, current=True) or paragraph_ids(db, symbol, paragraph)
            if not found:
                reason = gettext("%(symbol)s has no paragraph %(paragraph)s")
                raise FormInvalid({RECOMMENDATIONS: reason % {"symbol": symbol, "paragraph": paragraph}})
            ids.extend(found)
            continue
        token = reference.group(0)
        number = token.removeprefix("#")
        if whole_number(number) and int(number) <= MAX_ID:
            ids.append(int(number))
            continue
        # A document's current recommendations, as its list shows them: not those an import withdrew
        # (the action's page would mark them and ask to replace them), nor copies listed under their
        # record; its withdrawn ones only when it has no other.
        current = symbol_ids(db, token, SYMBOL_LIMIT + 1, current=True)
        found = current or symbol_ids(db, token, SYMBOL_LIMIT + 1)
        if not found:
            reason = gettext("no recommendation has the document symbol %(symbol)s") % {"symbol": token}
            raise FormInvalid({RECOMMENDATIONS: reason})
        if len(found) > SYMBOL_LIMIT:
            reason = gettext(
                "The document %(symbol)s has %(count)s recommendations, more than the %(most)s an action "
                "may be linked to: type the numbers of those it implements, or link a cluster of them."
            ) % {
                "symbol": token,
                "count": symbol_count(db, token, current=bool(current)),
                "most": SYMBOL_LIMIT,
            }
            raise FormInvalid({RECOMMENDATIONS: reason})
        ids.extend(found)
    return ids


def body(db: Session, values: dict[str, Any], fields: Collection[str], page: StaffPage) -> dict[str, Any]:
    """The API body of the form's ``fields`` (the API's names: ``budget`` for the three budget boxes)."""
    result: dict[str, Any] = {}
    gettext = page.gettext
    for name in fields:
        if name == "budget":
            result[name] = _budget(values, page.numbers)
        elif name == "supporting_entity_ids":
            # A supporting entity chosen as lead stops being supporting (it may still be ticked).
            lead = _text(values, "lead_entity_id").strip()
            result[name] = [item for item in listed(values, name) if item != lead]
        elif name in LISTS:
            result[name] = listed(values, name)
        elif name == "sdg_targets":
            result[name] = [code for code in _SEPARATORS.split(_text(values, name)) if code]
        elif name == RECOMMENDATIONS:
            result[name] = _recommendations(db, _text(values, name), gettext)
        elif name in ("title", "status"):
            result[name] = _text(values, name)
        elif name in TEXTS:
            result[name] = _text(values, name).strip() or None
    return result


def parse_action(model: type[Model], data: dict[str, Any]) -> Model:
    """``parse``, with a refused budget named by its box (amount, currency or source)."""
    try:
        return parse(model, data)
    except FormInvalid as exc:
        if "budget" not in exc.errors or not isinstance(data.get("budget"), dict):
            raise
        errors = {name: reason for name, reason in exc.errors.items() if name != "budget"}
        try:
            parse(Budget, data["budget"])
        except FormInvalid as budget:
            errors.update({f"budget_{name}": reason for name, reason in budget.errors.items()})
        raise FormInvalid(errors or exc.errors) from None


def _refused(name: str, errors: Collection[str]) -> bool:
    """Whether the schema refused the body's ``name`` (a budget by one of its boxes; a date pair's
    order is not checked against a stored date when one of them was refused)."""
    if name == "budget":
        return any(box in errors for box in ("budget", *BUDGET))
    if name in DATES:
        return any(date in errors for date in DATES)
    return name in errors


def checked(
    db: Session,
    values: dict[str, Any],
    fields: Collection[str],
    page: StaffPage,
    model: type[Model],
    check: Callable[[Model], None],
) -> Model:
    """The form's body as ``model``; FormInvalid naming every wrong box at once otherwise: those the
    schema (or a document symbol) refused, and those the service's own ``check`` refuses among the rest,
    so a user who got three boxes wrong learns of the three in one answer."""
    errors: dict[str, str] = {}
    try:
        data = body(db, values, fields, page)
    except FormInvalid as exc:
        errors.update(exc.errors)
        data = body(db, values, [name for name in fields if name not in exc.errors], page)
    try:
        parsed = parse_action(model, data)
        if not errors:
            return parsed
    except FormInvalid as exc:
        errors.update(exc.errors)
        # The boxes the schema took, checked as the service checks them (every box of a patch is optional).
        try:
            rest = ActionPatch.model_validate({k: v for k, v in data.items() if not _refused(k, errors)})
        except ValidationError:
            raise FormInvalid(errors) from None
        parsed = model.model_construct(**{name: getattr(rest, name) for name in rest.model_fields_set})
    try:
        check(parsed)
    except InvalidInput as exc:
        for name, why in field_errors(exc).items():
            errors.setdefault(name, why)
    # The summary lists them as the form lists its boxes, whichever check refused them.
    boxes = [box for name in fields for box in ((*BUDGET, "budget") if name == "budget" else (name,))]
    rank = {box: position for position, box in enumerate(boxes)}
    raise FormInvalid(dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank)))))


def _options(current: list[tuple[int, str]], keep: Iterable[tuple[int, str]]) -> list[tuple[str, str]]:
    known = {option[0] for option in current}
    return [(str(i), name) for i, name in [*current, *((i, n) for i, n in keep if i not in known)]]


def entity_options(db: Session, keep: Iterable[tuple[int, str]] = ()) -> list[tuple[str, str]]:
    """The current entities (and those already linked, even if archived since), ids as the form sends them."""
    return _options(every_entity(db), keep)


def cluster_options(db: Session, keep: Iterable[tuple[int, str]] = ()) -> list[tuple[str, str]]:
    """The current clusters (and those already linked, even if archived since)."""
    return _options(every_cluster(db), keep)


def for_conflict(
    values: dict[str, Any], entities: dict[str, str], clusters: dict[str, str], gettext: Any
) -> dict[str, Any]:
    """What the user typed, for the conflict page: labelled, the status, entities and clusters by name."""

    def named(value: str, names: dict[str, str]) -> str:
        return names.get(value, value)

    shown: dict[str, Any] = {}
    for name, value in typed(values).items():
        if not value:
            continue
        if name == "lead_entity_id":
            value = named(value, entities)
        elif name == "status" and value in ACTION_STATUS_LABELS:
            value = str(gettext(ACTION_STATUS_LABELS[value]))
        elif name in LISTS:
            value = [named(item, clusters if name == "cluster_ids" else entities) for item in value]
        shown[str(gettext(ACTION_FIELD_LABELS.get(name, name)))] = value
    return shown
