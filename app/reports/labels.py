"""The words and cell texts of a report, the same in every format (HTML, DOCX, XLSX)."""

from __future__ import annotations

import re

from app.reports.schemas import (
    GroupBy,
    Report,
    ReportAction,
    ReportEntity,
    ReportProgress,
    ReportRecommendation,
    StaffAction,
    StaffProgress,
    StaffRecommendation,
)

TITLE = "Implementation of the recommendations of the human-rights mechanisms"
INTERNAL_WARNING = (
    "Internal report: it contains unpublished information (internal notes, priority rationales, "
    "unpublished actions and progress not yet approved or published). Do not publish it as is."
)
PUBLIC_NOTE = "Public report: published information only."
GROUP_LABELS: dict[GroupBy, str] = {"cluster": "Cluster", "mechanism": "Mechanism", "theme": "Theme"}
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "partially_implemented": "Partially implemented",
    "implemented": "Implemented",
    "not_applicable": "Not applicable",
}
ACTION_STATUS_LABELS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "completed": "Completed",
    "delayed": "Delayed",
    "cancelled": "Cancelled",
}
POSITION_LABELS = {"supported": "Supported", "noted": "Noted", "none": "—"}
PRIORITY_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
PROGRESS_STATE_LABELS = {
    "draft": "draft",
    "submitted": "submitted, awaiting review",
    "approved": "approved",
    "returned": "returned for changes",
}
NONE = "—"
# Characters XML 1.0 cannot hold (DOCX and XLSX are XML): control characters and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def subtitle(report: Report) -> str:
    return f"Grouped by {GROUP_LABELS[report.group_by].lower()}"


def generated(report: Report) -> str:
    return report.generated_at.strftime("%Y-%m-%d %H:%M UTC")


def label(mapping: dict[str, str], value: str | None) -> str:
    if value is None:
        return NONE
    return mapping.get(value, value.replace("_", " ").capitalize())


def source(rec: ReportRecommendation) -> str:
    """Mechanism, document symbol and paragraph, as a citation: "CRC, CRC/C/PER/CO/5, para. 12"."""
    mechanism = rec.mechanism_name if rec.mechanism_code == rec.mechanism_name else rec.mechanism_code
    if rec.upr_cycle is not None or rec.upr_session is not None:
        detail = ", ".join(
            part
            for part in (
                f"cycle {rec.upr_cycle}" if rec.upr_cycle is not None else "",
                f"session {rec.upr_session}" if rec.upr_session is not None else "",
            )
            if part
        )
        mechanism = f"{mechanism} ({detail})"
    parts = [mechanism, rec.symbol or "", f"para. {rec.paragraph}" if rec.paragraph else ""]
    return ", ".join(part for part in parts if part)


def entity(ref: ReportEntity | None) -> str:
    if ref is None:
        return NONE
    return f"{ref.name} ({ref.acronym})" if ref.acronym else ref.name


def responsible(rec: ReportRecommendation) -> str:
    lines = []
    if rec.lead_entity is not None:
        lines.append(f"Lead: {entity(rec.lead_entity)}")
    if rec.supporting_entities:
        lines.append("Supporting: " + "; ".join(entity(ref) for ref in rec.supporting_entities))
    return "\n".join(lines) or NONE


def action(item: ReportAction) -> str:
    parts = [item.title, label(ACTION_STATUS_LABELS, item.status)]
    if item.due_date is not None:
        parts.append(f"due {item.due_date.isoformat()}")
    if item.lead_entity is not None:
        parts.append(f"lead: {entity(item.lead_entity)}")
    text = " — ".join(parts)
    if isinstance(item, StaffAction) and not item.published:
        text += " [internal: not published]"
    return text


def actions(rec: ReportRecommendation) -> str:
    return "\n".join(f"• {action(item)}" for item in rec.actions) or NONE


def progress(update: ReportProgress | None) -> str:
    if update is None:
        return NONE
    text = f"{update.reported_on.isoformat()} ({update.action_title}): {update.narrative}"
    if update.new_status:
        text += f" [action status: {label(ACTION_STATUS_LABELS, update.new_status)}]"
    if update.evidence_url:
        text += f" Evidence: {update.evidence_url}"
    return text


def internal_progress(update: StaffProgress) -> str:
    state = label(PROGRESS_STATE_LABELS, update.state)
    published = "published" if update.published else "not published"
    return f"[Internal: latest update, {state}, {published}] {progress(update)}"


def full_progress(rec: ReportRecommendation) -> str:
    """The latest published update, then (staff) a newer one not yet published, marked as such."""
    text = progress(rec.latest_progress)
    if isinstance(rec, StaffRecommendation) and rec.latest_progress_internal is not None:
        text += "\n" + internal_progress(rec.latest_progress_internal)
    return text


def position(rec: ReportRecommendation) -> str:
    return label(POSITION_LABELS, rec.position)


def status(rec: ReportRecommendation) -> str:
    return label(STATUS_LABELS, rec.status)


def priority(rec: ReportRecommendation) -> str:
    return label(PRIORITY_LABELS, rec.priority)
