"""Forms: what the user typed, and the reasons a value was refused, field by field.

A page that refuses input shows it again with an error summary at the top (each entry linking to its
field) and the reason beside each field, keeping everything that was typed (the GOV.UK pattern). The
reasons come from the same pydantic schemas and services as the API's problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from anyio import from_thread
from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.core.catalogue import Quantity, Reason
from app.core.catalogue import marked as _
from app.core.dates import not_in_future
from app.core.errors import DomainError, InvalidInput
from app.core.ids import MAX_ID
from app.web.number_locale import box_number

Model = TypeVar("Model", bound=BaseModel)


class FormInvalid(Exception):
    """The form's values were refused: field name -> reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


# Pydantic's refusals a person meets in a form, in the words of the workspace: the page shows them in
# its language. The others keep pydantic's words.
_PLAIN = {
    "missing": _("This is required."),
    "literal_error": _("Choose one of the options."),
    "enum": _("Choose one of the options."),
    "date_from_datetime_parsing": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "date_parsing": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "date_type": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "datetime_parsing": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "datetime_from_date_parsing": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "datetime_type": _("Enter a date as year-month-day, e.g. 2026-03-31."),
    "int_parsing": _("Enter a whole number."),
    "decimal_parsing": _("Enter a number, e.g. 1500.5."),
    "float_parsing": _("Enter a number, e.g. 1500.5."),
    "finite_number": _("Enter a number, e.g. 1500.5."),  # NaN, Infinity: Decimal reads them
    "bool_parsing": _("Choose yes or no."),
    # A code written otherwise than its box's hint shows (a currency, a language): not a regular expression.
    "string_pattern_mismatch": _("Write it as the hint beside the box shows."),
    # A title in two lines (app.plans.schemas.Title): pasted from Word, whose line break a text box keeps.
    "one_line": _("Write it on one line, without a line break."),
    # A range's end before its start (app.core.dates.ends_range): the API names the start's parameter.
    "date_range": _("must be on or after the first date"),
}
# The refusals of a value that could not be read as a number or a date.
_READ_AS_VALUE = frozenset(kind for kind in _PLAIN if kind.endswith("_parsing") and kind != "bool_parsing")
# Those that name a limit: the message names it by the key of pydantic's ``ctx`` that holds it.
_LIMITS = {
    "string_too_long": _("Write at most %(max_length)s characters."),
    "string_too_short": _("Write at least %(min_length)s characters."),
    "too_long": _("Choose at most %(max_length)s."),
    "too_short": _("Choose at least %(min_length)s."),
    "decimal_max_digits": _("Write at most %(max_digits)s digits."),
    "decimal_max_places": _("Write at most %(decimal_places)s digits after the decimal point."),
    "decimal_whole_digits": _("Write at most %(whole_digits)s digits before the decimal point."),
    "less_than_equal": _("Enter a number no greater than %(le)s."),
    "less_than": _("Enter a number less than %(lt)s."),
    "greater_than_equal": _("Enter a number no less than %(ge)s."),
    "greater_than": _("Enter a number greater than %(gt)s."),
    # A recorded date outside the years a plan can speak of (app.core.dates.EnteredDate): a typed year.
    "date_out_of_range": _("Enter a date between %(earliest)s and %(latest)s."),
}
# A date written as asked whose day or month no calendar has (2027-02-30, 2026-13-01): pydantic's
# "outside expected range", which the page told as a date not written year-month-day.
_NO_SUCH_DAY = _("There is no such day in the calendar: check the day and the month.")
_DATE_PARSING = frozenset(
    {"date_from_datetime_parsing", "datetime_from_date_parsing", "date_parsing", "datetime_parsing"}
)
_AS_ASKED = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*")
# email-validator's refusal of an address (a ValueError, so pydantic's type is only "value_error").
_NOT_AN_EMAIL = "value is not a valid email address"


def _quantity(value: object) -> object:
    return Quantity(value) if isinstance(value, int) and not isinstance(value, bool) else value


def reason(error: Any) -> str:
    """One pydantic refusal in the workspace's words where it has them (``_PLAIN``, ``_LIMITS``), else
    the schema's own reason (marked in its validator) or pydantic's."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        kind = "missing"  # a required text left empty (or blank: the schemas strip it)
    elif "input" in error and error["input"] is None:
        kind = "missing"  # a box left empty (sent as null) where a value is required: a date, a symbol
    elif kind in _READ_AS_VALUE and isinstance(error.get("input"), str) and not error["input"].strip():
        kind = "missing"  # a number or date box left empty: nothing was typed wrong, nothing was typed
    elif kind == "value_error" and str(error.get("msg", "")).startswith(_NOT_AN_EMAIL):
        return _("This is not an email address.")
    if (
        kind in _DATE_PARSING
        and "outside expected range" in str(context.get("error", ""))
        and _AS_ASKED.fullmatch(str(error.get("input", "")))
    ):
        return _NO_SUCH_DAY
    plain = _PLAIN.get(kind)
    if plain:
        return plain
    limit = _LIMITS.get(kind)
    if limit:
        try:
            # The limit written the page's way (10 000 in French).
            return Reason(limit, **{name: _quantity(value) for name, value in context.items()})
        except (KeyError, TypeError, ValueError):  # not the limit expected: pydantic's words
            pass
    cause = context.get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Reason):
        return cause.args[0]  # a reason with values, kept whole for the page to translate
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def field_errors(exc: ValidationError | RequestValidationError | DomainError) -> dict[str, str]:
    """Field name -> reason, from a pydantic error, a refused request or a service's refusal."""
    errors: dict[str, str] = {}
    if isinstance(exc, DomainError):
        for refusal in exc.errors:
            why = refusal.get("reason") or exc.detail
            # A Reason is kept as it is: the page translates its message, then fills in its values.
            errors.setdefault(str(refusal.get("field") or "form"), why if isinstance(why, str) else str(why))
        if not errors:
            errors["form"] = exc.detail
        return errors
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        name = location[0] if location else "form"
        errors.setdefault(name, reason(error))
    return errors


def form_values(request: Request) -> dict[str, Any]:
    """The submitted form: one string per field, or a list where a field came more than once.

    For a page's route, which is a plain function that runs on a worker thread: its database work
    must never run in the event loop. There a statement waiting for a row lock (two coordinators
    saving one action at once on PostgreSQL) stopped the loop, so the request holding the lock could
    not reach its commit: both waited out the lock timeout, the second was answered 503, and the
    server answered nobody meanwhile. Only the body is read in the loop, where Starlette reads it."""
    return _values(from_thread.run(_read_form, request))


async def read_form_values(request: Request) -> dict[str, Any]:
    """``form_values`` for a route that runs in the event loop (the sign-in page, whose database
    work runs on threads of its own)."""
    return _values(await request.form())


async def _read_form(request: Request) -> FormData:
    return await request.form()


def without_nul(typed: str) -> str:
    """A form's text without the NULs pasted with it from a PDF, left out as the door leaves them out
    of the other forms (app/core/nul_guard.py), which does not read a multipart one (attaching files)."""
    return typed.replace("\x00", "")


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            continue  # files are read by the pages that take them
        key, value = without_nul(key), without_nul(value)
        if key in values:
            previous = values[key]
            values[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[key] = value
    return values


def refused(session: Session, exc: DomainError) -> dict[str, str]:
    """A service refused the form: undo whatever the request wrote so far (the page is shown again,
    the request does not fail, so its unit of work would commit) but the rows the refusal asks to
    keep (a wrong current password's failure, counted by the login throttle), and say why, field by
    field."""
    session.rollback()
    if exc.persist:
        session.add_all(exc.persist)
    return field_errors(exc)


_API_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_NUMBER_SIGNS = re.compile(r"-?[\d.,'\u2019]+")  # digits and separators: no exponent, no currency
_APOSTROPHES = re.compile(r"['\u2019]")  # Switzerland's grouping (1'500), typed straight or curly
_APOSTROPHE_GROUPED = r"-?\d{{1,3}}(?:['\u2019]\d{{3}})+(?:{decimal}\d+)?"  # the locale's decimal symbol
_SPACES = re.compile(r"[\s\u00a0\u202f]+")  # the thousands of "1 500,5" however typed


def whole_number(typed: str) -> bool:
    """Whether a box holds a whole number int() reads: ASCII digits only. str.isdigit() also admits
    superscripts ("²", pasted with a footnote mark) and other marks, which int() refuses."""
    return typed.isascii() and typed.isdigit()


def row_id(sent: object) -> int | None:
    """A row's number as a form or an address carries it ("123"), or None for anything else (a number
    out of the ids' range included): where a page leads back to a row named by the request."""
    if not isinstance(sent, str) or not whole_number(sent) or not 0 < int(sent) <= MAX_ID:
        return None
    return int(sent)


def typed_number(typed: str, lang: str) -> str:
    """A number typed the reader's way (``lang``: the page's number locale, app.web.number_locale:
    "1 500,5" in France, "1.500,5" in Spain, "1,500.5" in Mexico and in English, "1'500,5" in French
    Switzerland) as the API writes it ("1500.5"); the API's own way ("1500.5", what the forms showed
    before) is read too where the reader's way does not. "1.500" is read as the region means it (1.5 in
    Mexico, 1500 in Spain), never the other way. Anything else is returned as typed, for the schema to
    refuse with its reason."""
    text = _SPACES.sub("", typed.strip())
    grouped = _APOSTROPHE_GROUPED.format(decimal=re.escape(get_decimal_symbol(lang)))
    if get_group_symbol(lang) in ("'", "\u2019") and re.fullmatch(grouped, text):
        # Babel's strict reading refuses "1'234'567" (it writes millions ungrouped there): the
        # grouping is checked here, by threes, and the number read without it.
        text = _APOSTROPHES.sub("", text)
    if not _NUMBER_SIGNS.fullmatch(text):
        return typed.strip()
    try:
        return format(parse_decimal(text, locale=lang, strict=True), "f")
    except NumberFormatError:
        return text if _API_NUMBER.fullmatch(text) else typed.strip()


def shown_number(number: Decimal, lang: str) -> str:
    """A stored number in a form's box, as the reader writes numbers (``lang``: the page's number
    locale) but without grouping, so that it reads back the same (app.web.number_locale.box_number)."""
    return box_number(number, lang)


def parse(model: type[Model], data: dict[str, Any], *, not_future: Sequence[str] = ()) -> Model:
    """The schema the API uses, built from form values; FormInvalid with the reasons otherwise.
    ``not_future``: date fields the service refuses in the future, named with the schema's refusals
    (the service sees the date only once the rest is right: a second refusal after the first)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
        for field in not_future:
            _also_not_in_future(errors, field, data.get(field))
        # Named in the form's order (its fields' order in ``data``), the date's refusal among the rest:
        # the box "There is a problem" is read top to bottom, as the form is.
        order = {name: index for index, name in enumerate(data)}
        ordered = sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
        raise FormInvalid(dict(ordered)) from None


def _also_not_in_future(errors: dict[str, str], field: str, typed: object) -> None:
    if field in errors or not isinstance(typed, str):
        return
    try:
        not_in_future(date.fromisoformat(typed.strip()), field)
    except ValueError:  # not a date: the schema named it already
        return
    except InvalidInput as refusal:
        errors[field] = refusal.errors[0]["reason"]


def as_read(params: BaseModel, typed: dict[str, Any]) -> dict[str, Any]:
    """The typed values the list read as one of its choices in another letter case (``ADMIN`` is
    ``admin``, app.core.letter_case), as read: the form then shows them chosen and sends them again."""
    return {
        name: read
        for name, value in typed.items()
        if isinstance(value, str)
        and isinstance(read := getattr(params, name, None), str)
        and read != value
        and read.casefold() == value.strip().casefold()
    }
