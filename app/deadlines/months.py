"""A calendar page's deadlines by month, with the mechanisms they name: the staff workspace's calendar
and the portal's show them by one rule (the months' headings: the ``month_heading`` filter; each
mechanism by its name in the reader's language: the ``mechanism`` filter on the mapping given here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from app.taxonomies.service import mechanism_names


class Dated(Protocol):
    @property
    def date(self) -> date: ...

    @property
    def mechanism(self) -> str | None: ...


D = TypeVar("D", bound=Dated)
Months = list[tuple[date, list[D]]]


def by_month(session: Session, items: Sequence[D]) -> tuple[Months[D], dict[str, dict[str, str]]]:
    """The items (in date order) grouped by their month's first day, and the mechanism each names
    (code -> its code and stored name, for the ``mechanism`` filter; a deadline holds the code alone)."""
    months: dict[date, list[D]] = {}
    for item in items:
        months.setdefault(item.date.replace(day=1), []).append(item)
    names = mechanism_names(session, {item.mechanism for item in items if item.mechanism})
    mechanisms = {code: {"code": code, "name": name} for code, name in names.items()}
    return list(months.items()), mechanisms
