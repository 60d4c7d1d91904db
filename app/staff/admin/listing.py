"""What the administration lists share: filters read from the query string (an empty field is no
filter), and the entities a form offers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput, NotFound
from app.entities import service as entities_service
from app.staff.choices import every_entity
from app.staff.forms import FormInvalid, as_read, parse, refused

Params = TypeVar("Params", bound=BaseModel)
Result = TypeVar("Result")


def query_filters(request: Request, names: Iterable[str]) -> dict[str, Any]:
    """The query parameters among ``names`` that hold something (a form sends empty ones too)."""
    return {
        name: value.strip()
        for name in names
        if (value := request.query_params.get(name)) is not None and value.strip()
    }


def blank_to_none(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Form values for a schema: an empty optional field is no value (null), not an empty string."""
    return {
        name: (None if not isinstance(value, str) or not value.strip() else value)
        for name in names
        if (value := values.get(name, "")) is not None
    }


def entity_options(
    session: Session, keep: int | None = None, archived: str = "archived"
) -> list[tuple[int, str]]:
    """Current entities in name order, through the entities service (a few dozen in practice); ``keep``
    is added when archived, so a form showing it does not silently move a user out of it (or a list
    filtered on it drop the filter at the next Filter); an unknown ``keep`` adds nothing."""
    options = every_entity(session)
    if keep is not None and all(entity_id != keep for entity_id, _ in options):
        try:
            entity, _tag = entities_service.get_entity(session, keep)
        except NotFound:
            return options
        options.append((entity.id, f"{entity.name} ({archived})"))
    return options


def listed(
    request: Request,
    session: Session,
    model: type[Params],
    names: Iterable[str],
    run: Callable[[Params], Result],
) -> tuple[Result | None, dict[str, str], dict[str, Any]]:
    """One page of a list: (the service's page, or None with the filters' errors), and the filters."""
    filters = query_filters(request, names)
    try:
        params = parse(model, filters)
        return run(params), {}, {**filters, **as_read(params, filters)}
    except FormInvalid as exc:
        return None, exc.errors, filters
    except InvalidInput as exc:  # a cursor that is not one
        return None, refused(session, exc), filters
