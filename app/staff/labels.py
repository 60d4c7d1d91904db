"""How the workspace names the recommendations' fields and their values, in one place: the list's
filters, a recommendation's page, the review queue and the conflict page use the same words."""

from __future__ import annotations

from typing import Any

from app.auth.permissions import ROLE_NAMES
from app.core.catalogue import pgettext
from app.deadlines.labels import KIND_LABELS
from app.feed.fields import ROLE_FIELDS
from app.staff.pages import _
from app.web.filter_labels import POSITION_LABELS as POSITION_LABELS
from app.web.filter_labels import PRIORITY_LABELS as PRIORITY_LABELS
from app.web.filter_labels import SOURCE_LABELS as SOURCE_LABELS
from app.web.filter_labels import STATUS_LABELS as STATUS_LABELS
from app.web.i18n import language_name as language_name

TEXT_FIELD = "texts."

TYPE_LABELS = {"recommendation": _("Recommendation"), "observation": _("Observation or concern")}
PROGRESS_STATE_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Submitted"),
    "returned": pgettext("progress update", "Returned"),
    "approved": pgettext("progress update", "Approved"),
}
# Where recommendations come from (SOURCE_LABELS, app.web.filter_labels: the reports name them so too)
# and what an import run read: the mappings every page showing a source or a run's format to staff uses
# (a recommendation's page and badge, the list's filter, the import runs, a run's page, the dashboard's
# last import), never the stored code ("template-xlsx"). What a run read: the template's workbook told
# from the UHRI search export's (both XLSX files).
FORMAT_LABELS = {
    "json": _("JSON export"),
    "xlsx": _("XLSX search export"),
    "csv": _("CSV file"),
    "template-xlsx": _("Excel workbook"),
}
OUTCOME_LABELS = {
    "running": _("running"),
    "succeeded": _("succeeded"),
    "failed": _("failed"),
    "not_modified": _("not modified"),
}
# The kinds of work a record holds (app/recommendations/carry.py).
WORK_LABELS = {
    "clusters": _("Clusters"),
    "actions": _("Actions"),
    "status": _("Status, priority and notes, with their history"),
    "entities": _("Responsible ministries"),
    "follow_up": _("Follow-up selection"),
    "grades": _("Follow-up grades"),
}
# An action's fields as its forms and the conflict page name them (the API's names, budget split).
ACTION_FIELD_LABELS = {
    "title": _("Title"),
    "description": _("Description"),
    "start_date": _("Start date"),
    "due_date": _("Due date"),
    "status": _("Status"),
    "budget": _("Budget"),
    "budget_amount": _("Budget amount"),
    "budget_currency": _("Currency"),
    "budget_source": _("Source of the money"),
    "lead_entity_id": _("Lead entity"),
    "supporting_entity_ids": _("Supporting entities"),
    "recommendation_ids": _("Linked recommendations"),
    "cluster_ids": _("Linked clusters"),
    "sdg_targets": _("SDG targets"),
    "published": _("Publication"),
}
CLUSTER_FIELD_LABELS = {
    "name": _("Name"),
    "description": _("Description"),
    "lead_entity_id": _("Lead entity"),
    "recommendation_ids": _("Recommendations"),
    "recommendation_count": _("Recommendations"),
    "published": _("Publication"),
    "archived": _("Archive"),
}
DEADLINE_FIELD_LABELS = {
    "kind": _("Kind"),
    "title": _("Title"),
    "due_on": _("Date"),
    "mechanism": _("Mechanism"),
    "entity_id": _("Responsible entity"),
    "notes": _("Notes"),
    "published": pgettext("deadline", "Published"),
    "done": _("Done"),
    "last_review_on": _("Last review date"),
    "midterm_on": _("Mid-term report date"),
    "midterm_done": _("Mid-term report sent"),
}
PROGRESS_FIELD_LABELS = {
    "reported_on": _("Date of the report"),
    "narrative": _("What was done"),
    "new_status": _("Reported status of the action"),
    "evidence_url": _("Link to evidence"),
    "state": _("State"),
    "comment": _("Comment for the author"),
    "review_comment": _("Comment for the author"),
    "published": _("Publication"),
}
DEADLINE_KIND_LABELS = KIND_LABELS
ROLE_LABELS = ROLE_NAMES
USER_FIELD_LABELS = {
    "full_name": _("Full name"),
    "role": _("Role"),
    "entity_id": _("Entity"),
    "active": _("Status"),
    "password": _("Password"),
}
ENTITY_KIND_LABELS = {
    "ministry": _("Ministry"),
    "agency": _("Agency"),
    "parliament": _("Parliament"),
    "judiciary": _("Judiciary"),
    "nhri": _("National human rights institution"),
    "statistics_office": _("Statistics office"),
    "civil_society": _("Civil society"),
    "other": _("Other"),
}
ENTITY_FIELD_LABELS = {
    "name": _("Name"),
    "acronym": _("Acronym"),
    "kind": _("Kind"),
    "contact_name": _("Contact person"),
    "contact_email": _("Contact email"),
    "contact_phone": _("Contact phone"),
    "archived": _("Archived"),
}
FIELD_LABELS = {
    "priority": _("Priority"),
    "priority_rationale": _("Why this priority"),
    "status": _("Implementation status"),
    "status_note": _("Note on the status change"),
    "lead_entity_id": _("Lead entity"),
    "supporting_entity_ids": _("Supporting entities"),
    "internal_notes": _("Internal notes"),
    "document_id": _("Document id"),
    "symbol": _("Document symbol"),
    "type": _("Type"),
    "mechanism": _("Mechanism"),
    "paragraph": _("Paragraph"),
    "publication_date": _("Publication date"),
    "uhri_published_at": _("Published in UHRI"),
    "upr_cycle": _("UPR cycle"),
    "upr_session": _("UPR session"),
    "position": _("Position"),
    "upr_info_action": _("UPR Info action category"),
    "countries": _("Countries"),
    "regions": _("Regions"),
    "themes": _("Themes"),
    "affected_persons": _("Affected persons"),
    "sdgs": _("Sustainable Development Goals"),
    "recommending_states": _("Recommending States"),
    "recommending_regions": _("Recommending regions"),
    "issues": _("UPR Info issues"),
    "withdrawn": _("Withdrawn"),
    "text": _("Text"),
    "lang": _("Language of the text"),
    "other_id": _("Number of the copy"),
}


def choices(labels: dict[str, str], gettext: Any = str) -> list[tuple[str, str]]:
    """A select's (value, label) options, in the page's language when given its ``gettext``."""
    return [(value, str(gettext(label))) for value, label in labels.items()]


def run_labels(gettext: Any) -> dict[str, Any]:
    """An import run's source, format and outcome named in the page's language, and ``run_source``
    (source, format) -> "Manual, Excel workbook": the imports pages' and the
    dashboard's words. A code no mapping has yet is shown as stored rather than dropped."""
    sources = dict(choices(SOURCE_LABELS, gettext))
    formats = dict(choices(FORMAT_LABELS, gettext))

    def run_source(source: str, format: str) -> str:
        return f"{sources.get(source, source)}, {formats.get(format, format)}"

    return {
        "sources": sources,
        "formats": formats,
        "outcomes": dict(choices(OUTCOME_LABELS, gettext)),
        "run_source": run_source,
    }


def field_label(name: str, gettext: Any, lang: str) -> str:
    if name.startswith(TEXT_FIELD):
        language = language_name(name.removeprefix(TEXT_FIELD), lang)
        return str(gettext("Text (%(language)s)")) % {"language": language}
    # Revisions name the taxonomy lists by role ("theme"), the API by list ("themes").
    label = FIELD_LABELS.get(ROLE_FIELDS.get(name, name))
    return str(gettext(label)) if label else name


# The review states of indicator values; "superseded": an approved value a correction replaced.
# One value's state, not the title of the list of them ("Waiting for approval",
# app/staff/indicator_values.py): Spanish words the two apart ("Pendiente" / "Pendientes").
# French writes "Returned" and "Approved" in agreement with a value (« Renvoyée »), and a progress
# update's state (PROGRESS_STATE_LABELS) with a report (« Renvoyé »): each has its own context.
REVIEW_STATE_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Awaiting approval"),
    "approved": pgettext("indicator value", "Approved"),
    "returned": pgettext("indicator value", "Returned"),
    "superseded": _("Replaced by a correction"),
}
