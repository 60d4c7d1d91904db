"""The recommendation list's filters and their values as people read them: the staff list's form, the
reports' "Filters used" and the statistics name them with these words (one catalogue,
app/web/translations)."""

from __future__ import annotations

from app.core.catalogue import marked as _

FILTER_LABELS = {
    "q": _("Search the text"),
    "mechanism": _("Mechanism"),
    "family": _("Mechanism family"),
    "type": _("Type"),
    "theme": _("Theme"),
    "affected_person": _("Affected persons"),
    "country": _("Country"),
    "region": _("Region"),
    "recommending_state": _("Recommending State"),
    "recommending_region": _("Recommending region"),
    "issue": _("UPR Info issue"),
    "sdg": _("SDG goal or target"),
    "cycle": _("UPR cycle"),
    "session": _("UPR session"),
    "position": _("Position"),
    "source": _("Source"),
    "needs_review": _("Changed by an import"),
    "withdrawn": _("Current or withdrawn"),
    "priority": _("Priority"),
    "status": _("Status"),
    "entity": _("Responsible entity"),
    "responsibility": _("Responsibility"),
    "cluster": _("Cluster"),
    "published_from": _("Published on or after"),
    "published_to": _("Published on or before"),
}

# The values of the status, priority and position, wherever they are shown.
STATUS_LABELS = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "partially_implemented": _("Partially implemented"),
    "implemented": _("Implemented"),
    "not_applicable": _("Not applicable"),
}
PRIORITY_LABELS = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}
POSITION_LABELS = {"supported": _("Supported"), "noted": _("Noted"), "none": _("No position")}
# Where recommendations come from: the one mapping every page, report and filter naming a source uses
# (the staff workspace's badge, list filter and import runs, the reports' "Filters used").
SOURCE_LABELS = {"uhri": _("UHRI"), "upr-info": _("UPR Info"), "manual": _("Manual")}
