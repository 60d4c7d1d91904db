"""What a form's box is told when the schema refuses it (app.staff.forms.reason): a required number or
date left empty said "Enter a number, e.g. 1500.5." or "Enter a date...", as though what was typed
were wrong, where every other required box says "This is required."."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from app.staff.forms import FormInvalid, parse


class _Required(BaseModel):
    amount: Decimal
    share: float
    count: int
    on: date


def test_a_required_number_or_date_left_empty_is_required() -> None:
    with pytest.raises(FormInvalid) as refused:
        parse(_Required, {"amount": "", "share": " ", "count": "", "on": ""})
    assert refused.value.errors == dict.fromkeys(("amount", "share", "count", "on"), "This is required.")


def test_what_was_typed_wrong_is_still_named_so() -> None:
    with pytest.raises(FormInvalid) as refused:
        parse(_Required, {"amount": "lots", "share": "half", "count": "2.5", "on": "31/03/2026"})
    assert refused.value.errors == {
        "amount": "Enter a number, e.g. 1500.5.",
        "share": "Enter a number, e.g. 1500.5.",
        "count": "Enter a whole number.",
        "on": "Enter a date as year-month-day, e.g. 2026-03-31.",
    }


def test_a_day_the_calendar_has_not_is_named_so() -> None:
    # 30 February, a 13th month: written as asked, they were told to be written as year-month-day.
    for typed in ("2027-02-30", "2026-13-01", "2026-04-31"):
        with pytest.raises(FormInvalid) as refused:
            parse(_Required, {"amount": "1", "share": "1", "count": "1", "on": typed})
        assert refused.value.errors == {
            "on": "There is no such day in the calendar: check the day and the month."
        }
