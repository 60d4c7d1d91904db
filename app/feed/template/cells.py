"""The template's cells, each read as the record stores it or rejected saying what to write: a
type and a language (also in French and Spanish), a date, a UPR position, SDG codes, and States
(one each, not several in one cell)."""

from __future__ import annotations

import re
from datetime import date

from app.core.dates import EARLIEST_DAY, LATEST_DAY
from app.feed import record_refusals as reasons
from app.feed import refusals
from app.feed.countries import iso2_for
from app.feed.dates import spreadsheet_date_advice
from app.feed.fields import plain_text
from app.feed.keys import label_key
from app.feed.records import RecordError
from app.feed.values import (
    LANGUAGE_CODE,
    MAX_LABEL_CHARS,
    MAX_SDG_LABEL_CHARS,
    MAX_TEXT_CHARS,
    check_text,
    language_code,
    sdg_codes,
    upr_position,
    without_accents,
)

_TYPES = {
    "recommendation": "recommendation",
    "recommendations": "recommendation",
    "observation": "observation",
    "observations": "observation",
    "concerns observations": "observation",
    # UHRI calls an observation a concern ("Concerns/Observations"): a row copied from it says so.
    "concern": "observation",
    "concerns": "observation",
    # In French and Spanish (keys without accents), as a template filled in those languages has them.
    "recommandation": "recommendation",
    "recommandations": "recommendation",
    "recomendacion": "recommendation",
    "recomendaciones": "recommendation",
    "observacion": "observation",
    "observaciones": "observation",
    "preoccupation": "observation",
    "preoccupations": "observation",
    "preocupacion": "observation",
    "preocupaciones": "observation",
}
# A date, or a date at midnight as a tool that took the column for date-times writes it (the UHRI
# export's dates read "2025-02-12T00:00:00"): the time says nothing more.
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$")


STATE_COLUMNS = ("countries", "recommending_states")


def one_state_each(labels: list[str], name: str) -> None:
    """States written with commas between them ("Peru, Chile") would become one State of that name,
    in the filters, on the portal and in the reports: rejected, saying how to separate them. A name
    that holds a comma itself ("Korea, Republic of") is a State's, and is kept."""
    for label in labels:
        if "," not in label or iso2_for(label) is not None:
            continue
        parts = [part.strip() for part in label.split(",")]
        if all(parts) and all(iso2_for(part) is not None for part in parts):
            states = "; ".join(parts)
            raise RecordError(
                refusals.refusal(reasons.SEVERAL_STATES, field=name, label=repr(label), states=states)
            )


def label_limit(name: str) -> int:
    # An SDG is stored as its code, so its label may be a target's long title.
    return MAX_SDG_LABEL_CHARS if name == "sdgs" else MAX_LABEL_CHARS


def text(value: str) -> str:
    if not plain_text(check_text(value, "text", MAX_TEXT_CHARS)):
        raise RecordError(refusals.refusal(reasons.EMPTY, field="text"))
    return value


def kind(value: str) -> str:
    if not value:
        return "recommendation"
    kind = _TYPES.get(without_accents(label_key(value)))
    if kind is None:
        raise RecordError(refusals.refusal(reasons.NEITHER_TEMPLATE_TYPE, value=repr(value[:40])))
    return kind


def language(value: str) -> str:
    if not value:
        return "en"
    if not LANGUAGE_CODE.match(value):
        raise RecordError(refusals.refusal(reasons.NOT_A_LANGUAGE, value=repr(value[:20])))
    return language_code(value)


def publication_date(value: str) -> date | None:
    """The date as written, within the years a recorded date may fall in (``EnteredDate``'s, the API's
    and the workspace's rule): a year typed wrong (0201, 9999) is rejected rather than stored."""
    if not value:
        return None
    try:
        written = _ISO_DATE.match(value)
        if not written:
            raise ValueError
        day = date.fromisoformat(written.group(1))
    except ValueError:
        advice = _time_of_day_advice(value) or spreadsheet_date_advice(value)
        typed = repr(value[:40])
        if advice:
            raise RecordError(
                refusals.refusal(refusals.NOT_YYYY_MM_DD_ADVICE, value=typed, advice=advice)
            ) from None
        raise RecordError(refusals.refusal(refusals.NOT_YYYY_MM_DD, value=typed)) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise RecordError(
            refusals.refusal(
                refusals.DATE_OUT_OF_RANGE,
                value=repr(value[:40]),
                earliest=EARLIEST_DAY.isoformat(),
                latest=LATEST_DAY.isoformat(),
            )
        )
    return day


# A day with a time after it (a workbook's date cell holding one, as importers/template_xlsx.py writes
# it, or a timestamp typed or pasted): _ISO_DATE takes midnight only.
_DATE_AND_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)Z?$")


def _time_of_day_advice(value: str) -> str:
    """What to type for a valid day that holds a time of day; "" for anything else."""
    match = _DATE_AND_TIME.match(value)
    if not match:
        return ""
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return ""
    return refusals.refusal(refusals.DATE_WITH_TIME, time=match.group(2), date=match.group(1))


def position(value: str) -> str:
    # "none" is what the template documents for "no response yet"; UHRI itself never spells it.
    return "none" if label_key(value) == "none" else upr_position([value] if value else [])


# What a spreadsheet saves of an SDG code it took for a date (5.2 typed in a French or German Excel is
# 5 February: "5-févr", "05-Feb", "5-Feb-2025"); read as a code with a title, it would be goal 5. In a
# workbook that date is a date cell, which importers.template_xlsx reads as "2026-02-05".
_DATE_OF_A_CODE = re.compile(r"^(?:\d{1,2}-[^\W\d_]+\.?(?:-\d{2,4})?|\d{4}-\d{2}-\d{2})$")


# A target typed with a decimal comma, as a French or Spanish spreadsheet writes numbers ("16,2"); or two
# codes separated by a comma: which one cannot be told, so the row is rejected saying how to write each.
_COMMA_IN_A_CODE = re.compile(r"^(\d{1,2})\s*,\s*(\d{1,2}|[a-z])$", re.IGNORECASE)


def _all_codes(parts: list[str]) -> bool:
    """Whether each of ``parts`` is an SDG code (a list typed with commas: "5.2, 16.3")."""
    try:
        sdg_codes(parts)
    except RecordError:
        return False
    return True


def sdgs(labels: list[str]) -> list[str]:
    for label in labels:
        if comma := _COMMA_IN_A_CODE.match(label):
            goal, rest = comma.groups()
            target = f"{goal}.{rest.lower()}"
            if rest.isdigit():
                raise RecordError(
                    refusals.refusal(
                        reasons.SDG_COMMA_TWO_GOALS, label=repr(label), target=target, goals=f"{goal}; {rest}"
                    )
                )
            raise RecordError(refusals.refusal(reasons.SDG_COMMA, label=repr(label), target=target))
        if _DATE_OF_A_CODE.match(label):
            raise RecordError(refusals.refusal(reasons.SDG_DATE, label=repr(label[:40])))
        if "," in label and _all_codes(parts := [part.strip() for part in label.split(",")]):
            raise RecordError(
                refusals.refusal(reasons.SDG_LIST_WITH_COMMAS, label=repr(label), codes="; ".join(parts))
            )
    try:
        return sdg_codes(labels)
    except RecordError as exc:
        problem = str(exc).removeprefix("Sdgs: ")
        raise RecordError(refusals.refusal(reasons.FIELD_PROBLEM, field="sdgs", problem=problem)) from None
