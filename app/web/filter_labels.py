"""The recommendation list's filters as people read them: the staff list's form and the reports'
"Filters used" name them with these words (one catalogue, app/web/translations)."""

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
    "priority": _("Priority"),
    "status": _("Status"),
    "entity": _("Responsible entity"),
    "responsibility": _("Responsibility"),
    "cluster": _("Cluster"),
    "published_from": _("Published on or after"),
    "published_to": _("Published on or before"),
}
