"""The variables a Word template of the report can use (docs/reports.md lists them), made from a
report: every value a ready-to-print text in the report's language, the same as the built-in formats
show, so a State's template needs no logic of its own beyond loops and conditions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.catalogue import marked as _
from app.reports.labels import NONE, RTL_LANGUAGES, Words, xml_safe
from app.reports.schemas import (
    Report,
    ReportGroup,
    ReportGroupAction,
    ReportRecommendation,
    StaffGroupAction,
    StaffRecommendation,
)
from app.reports.wordml import in_language

HEADINGS = {
    "recommendation": _("Recommendation"),
    "source": _("Source / symbol"),
    "position": _("Position"),
    "status": _("Status"),
    "responsible": _("Responsible entity"),
    "actions": _("Actions"),
    "action": _("Action"),
    "due": _("Due"),
    "lead_entity": _("Lead entity"),
    "latest_progress": _("Latest progress"),
    "actions_heading": _("Actions and their latest progress"),
    "rationale_label": _("Priority rationale (internal):"),
    "notes_label": _("Internal notes:"),
    "no_matches": _("No recommendation matches these filters."),
}
# ``no_matches`` of a report without filters: nothing was filtered out, there is nothing yet.
NOTHING_YET = _("No recommendation is tracked yet.")


def _headings(report: Report) -> dict[str, str]:
    """The headings' messages, untranslated: without filters, ``no_matches`` says there is nothing yet
    (kept out of a translation call, which the catalogue's extraction would read as a message)."""
    if report.filters:
        return HEADINGS
    return {**HEADINGS, "no_matches": NOTHING_YET}


# A theme's name as the report shows it: marked ``in_language`` when the feed gave it no name in the
# report's language (the HTML report's ``lang="en"``), so that Word proofs it, and a screen reader
# reads it, in its own language.
_Theme = Callable[[str], str]


def _theme_marker(report: Report, words: Words) -> _Theme:
    untranslated = set(report.untranslated_themes)

    def theme(label: str) -> str:
        return in_language(label, report.labels_lang, words.lang) if label in untranslated else label

    return theme


def _filters(report: Report, theme: _Theme) -> list[tuple[str, str]]:
    """The filters used, the theme filter's values marked as the rows' themes are."""
    filters = list(report.filters)
    if report.theme_filter_at is not None:
        name = filters[report.theme_filter_at][0]
        filters[report.theme_filter_at] = (name, ", ".join(theme(label) for label in report.theme_filter))
    return filters


def _group(report: Report, group: ReportGroup, words: Words, theme: _Theme) -> dict[str, Any]:
    if report.group_by == "theme" and not group.ungrouped:
        group = group.model_copy(update={"title": theme(group.title)})
    return {
        "title": group.title,
        "heading": words.group_heading(report, group),
        "count": len(group.recommendations),
        "recommendations": [_recommendation(rec, words, theme) for rec in group.recommendations],
        "actions": [_action(action, words) for action in group.actions],
    }


def _recommendation(rec: ReportRecommendation, words: Words, theme: _Theme) -> dict[str, Any]:
    status = words.status(rec)
    if rec.priority:
        status += "\n" + words._("Priority: %(priority)s", priority=words.priority(rec))
    staff = rec if isinstance(rec, StaffRecommendation) else None
    themes = "; ".join(theme(label) for label in rec.themes)
    return {
        "text": in_language(rec.text, rec.text_lang, words.lang) if rec.text else NONE,
        "text_lang": rec.text_lang or "",
        "rtl": rec.text_lang in RTL_LANGUAGES,
        "source": words.source(rec),
        "mechanism": rec.mechanism_name,
        "mechanism_code": rec.mechanism_code,
        "symbol": rec.symbol or "",
        "paragraph": rec.paragraph or "",
        "publication_date": words.day(rec.publication_date) if rec.publication_date else "",
        "position": words.position(rec),
        "status": words.status(rec),
        "priority": words.priority(rec),
        "status_and_priority": status,
        "themes": themes,
        "themes_line": words._("Themes: %(themes)s", themes=themes) if themes else "",
        "sdg_goals": ", ".join(rec.sdg_goals),
        "sdg_line": words._("SDG goals: %(goals)s", goals=", ".join(rec.sdg_goals)) if rec.sdg_goals else "",
        "clusters": "; ".join(rec.clusters),
        "responsible": words.responsible(rec),
        "lead_entity": words.entity(rec.lead_entity),
        "supporting_entities": "; ".join(words.entity(ref) for ref in rec.supporting_entities),
        "actions": words.actions(rec),
        "priority_rationale": (staff.priority_rationale or "") if staff else "",
        "internal_notes": (staff.internal_notes or "") if staff else "",
    }


def _action(action: ReportGroupAction, words: Words) -> dict[str, Any]:
    internal = action.latest_progress_internal if isinstance(action, StaffGroupAction) else None
    return {
        "title": action.title,
        "status": words.action_status(action),
        "due": words.day(action.due_date) if action.due_date else NONE,
        "lead_entity": words.entity(action.lead_entity),
        "progress": words.progress(action.latest_progress),
        "internal_progress": words.internal_progress(internal) if internal is not None else "",
        "unpublished": (
            words._("[internal: not published]")
            if isinstance(action, StaffGroupAction) and not action.published
            else ""
        ),
    }


def template_context(report: Report) -> dict[str, Any]:
    """Every variable of a report template (strings, numbers, booleans and lists of mappings)."""
    words = Words.of(report)
    grouping = words.group_label(report)
    theme = _theme_marker(report, words)
    filters = _filters(report, theme)
    context: dict[str, Any] = {
        "title": words.title,
        "subtitle": words.subtitle(report),
        "summary": words.summary(report),
        "notice": words.notice(report),
        "filters": words.filters(report, filters),
        "filter_list": [{"name": name, "value": value} for name, value in filters],
        # Who publishes it (NRTD_SITE_NAME, NRTD_PUBLISHER, the contact, the licence): label and value.
        # ``text``: the two joined this language's way ("Site : ..." in French).
        "publisher": [
            {"name": name, "value": value, "text": words.labelled(name, value)}
            for name, value in words.publisher_lines(report)
        ],
        "generated": words.generated(report),
        "total": report.total,
        "lang": words.lang,
        "text_lang": report.lang,
        "staff": report.staff,
        "grouping": grouping,
        "headings": {key: words._(message) for key, message in _headings(report).items()},
        "groups": [_group(report, group, words, theme) for group in report.groups],
    }
    safe: dict[str, Any] = _safe(context)
    return safe


def _safe(value: Any) -> Any:
    """Texts without the characters XML cannot hold (DOCX is XML)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value
