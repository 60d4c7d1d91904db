"""What the recommendation page shows of the treaty-body follow-up: the selection (detected and
corrected), the due date, the grades, and the values of the two forms a manager fills in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.followup import service
from app.followup.schemas import FollowUpStatus
from app.models.followup import GRADES
from app.staff.pages import StaffPage, _

# The forms' field names on the page (the recommendation's own form uses "status_note", "note"...).
CORRECTION_FIELDS = {"selected": "follow_up_selected", "due": "follow_up_due", "note": "follow_up_note"}
GRADE_FIELDS = {
    "grade": "grade",
    "assessed_on": "assessed_on",
    "source_symbol": "source_symbol",
    "note": "grade_note",
}
LABELS = {
    "follow_up_selected": _("Selected for follow-up"),
    "follow_up_due": _("Follow-up due date"),
    "follow_up_note": _("Reason for the correction"),
    "grade": _("Grade"),
    "assessed_on": _("Assessed on"),
    "source_symbol": _("Document of the assessment"),
    "grade_note": _("Note on the grade"),
}
# The conflict page's names: the form's boxes, and the fields of the correction's audit event.
CONFLICT_LABELS = {
    **LABELS,
    "selected": LABELS["follow_up_selected"],
    "due": LABELS["follow_up_due"],
    "note": LABELS["follow_up_note"],
}
GRADE_MEANINGS = {
    "A": _("A: largely satisfactory"),
    "B": _("B: partially satisfactory"),
    "B1": _("B1: substantive action taken"),
    "B2": _("B2: initial action taken"),
    "C": _("C: not satisfactory"),
    "C1": _("C1: action not implementing the recommendation"),
    "C2": _("C2: reply not relevant"),
    "D": _("D: no cooperation"),
    "D1": _("D1: no reply within the deadline"),
    "D2": _("D2: no reply after reminders"),
    "E": _("E: contrary to the recommendation"),
}


@dataclass
class FollowUpView:
    status: FollowUpStatus
    correction: dict[str, str]  # the correction form's values
    grade: dict[str, str]  # the grade form's values
    errors: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    selected_choices: list[tuple[str, str]] = field(default_factory=list)
    grade_choices: list[tuple[str, str]] = field(default_factory=list)
    grade_labels: dict[str, str] = field(default_factory=dict)
    etag: str = ""  # the correction's version the page shows (``service.correction_tag``)


def labels(page: StaffPage) -> dict[str, str]:
    return {name: page.gettext(text) for name, text in LABELS.items()}


def gather(
    db: Session,
    page: StaffPage,
    recommendation_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> FollowUpView:
    status = service.get_follow_up(db, recommendation_id)
    correction = status.correction
    chosen = "" if correction.selected is None else "yes" if correction.selected else "no"
    values = {
        "follow_up_selected": chosen,
        "follow_up_due": correction.due.isoformat() if correction.due else "",
        "follow_up_note": correction.note or "",
        "grade": "",
        "assessed_on": "",
        "source_symbol": "",
        "grade_note": "",
    }
    values.update(typed or {})
    grade_labels = {code: page.gettext(text) for code, text in GRADE_MEANINGS.items()}
    return FollowUpView(
        status=status,
        correction={name: values[name] for name in CORRECTION_FIELDS.values()},
        grade={name: values[name] for name in GRADE_FIELDS.values()},
        errors=errors or {},
        labels=labels(page),
        selected_choices=[("yes", page.gettext(_("Selected"))), ("no", page.gettext(_("Not selected")))],
        grade_choices=[(code, grade_labels[code]) for code in GRADES],
        grade_labels=grade_labels,
        etag=(typed or {}).get("etag") or service.correction_tag(correction.corrected_at),
    )


def for_conflict(typed: dict[str, str], page: StaffPage) -> dict[str, str]:
    """What was typed in the correction form, for the conflict page: the choice by its name."""
    choices = {"yes": page.gettext(_("Selected")), "no": page.gettext(_("Not selected"))}
    shown = {name: value for name, value in typed.items() if value}
    if shown.get("follow_up_selected") in choices:
        shown["follow_up_selected"] = str(choices[shown["follow_up_selected"]])
    return shown


def form_data(values: dict[str, Any], names: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The schema's data (empty fields as null) and what was typed, from the page's field names."""
    typed = {form_name: str(values.get(form_name) or "") for form_name in names.values()}
    data = {name: typed[form_name].strip() or None for name, form_name in names.items()}
    return data, typed


def on_page(errors: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """The schema's or service's reasons under the page's field names."""
    return {names.get(name, name): reason for name, reason in errors.items()}
