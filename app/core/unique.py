"""A value a unique column already holds is refused one way, however the duplicate is found.

A service checks for a duplicate before it writes (a cluster's name, an entity's, a user's email) and
refuses it naming the field. Two requests creating the same value at once both pass that check on
PostgreSQL (neither sees the other's uncommitted row); the second's INSERT then fails on the column's
unique constraint, and its client got a bare 409 that named no field. Each such column's refusal is
registered here by its service, once (``refuse_duplicates``), and the engine (``app.core.db``) raises
that same refusal in place of the constraint's error: the API answers the same problem+json, a staff
form shows the same message beside the same field, whichever check found the duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import IntegrityError

from app.core.errors import DomainError


@dataclass(frozen=True, slots=True)
class _Rule:
    column: str
    refuse: Callable[[str], DomainError]


# By constraint name: ``uq_<table>_<column>``, app.models.base's naming convention.
_RULES: dict[str, _Rule] = {}
# SQLite names the columns, not the constraint: a unique index on several columns (an admin's API
# key names: created_by_id, name) is known by its last one, the column its refusal names.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:\w+\.\w+, )*(\w+)\.(\w+)$")


def refuse_duplicates(table: str, column: str, refuse: Callable[[str], DomainError]) -> None:
    """``refuse(value)`` is the refusal of a ``value`` that ``table.column`` (unique) already holds: the
    service's own check raises it, and so does the engine when the constraint finds the duplicate."""
    _RULES[f"uq_{table}_{column}"] = _Rule(column, refuse)


def _constraint(error: BaseException | None) -> str | None:
    diag = getattr(error, "diag", None)  # psycopg: the constraint's own name
    name = getattr(diag, "constraint_name", None)
    if isinstance(name, str):
        return name
    match = _SQLITE_UNIQUE.search(str(error))
    return f"uq_{match.group(1)}_{match.group(2)}" if match else None


def duplicate_refused(context: ExceptionContext) -> None:
    """The engine's ``handle_error`` hook: a registered column's unique violation raised as its refusal.
    The value is the one the statement wrote (``compiled_parameters``, by column name); any other
    error, or a value not found there, is left as it is."""
    if not isinstance(context.sqlalchemy_exception, IntegrityError):
        return
    rule = _RULES.get(_constraint(context.original_exception) or "")
    # DefaultExecutionContext's (the typed ExecutionContext does not declare it): one dict per row.
    written = getattr(context.execution_context, "compiled_parameters", None)
    if rule is None or not written:
        return
    value = written[0].get(rule.column)
    if isinstance(value, str):
        raise rule.refuse(value) from context.sqlalchemy_exception
