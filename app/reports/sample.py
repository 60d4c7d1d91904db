"""A small report with every kind of value (Arabic, Russian and Chinese texts, internal detail, an
action with and without progress, a group without actions): a template is tried on it at upload."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.reports.schemas import (
    Report,
    ReportAction,
    ReportEntity,
    ReportGroup,
    ReportGroupAction,
    ReportProgress,
    ReportRecommendation,
    StaffAction,
    StaffGroupAction,
    StaffProgress,
    StaffRecommendation,
)

_JUSTICE = ReportEntity(id=1, name="Ministry of Justice", acronym="MOJ")
_SOCIAL = ReportEntity(id=2, name="Ministry of Social Affairs", acronym=None)
_TEXTS = (
    ("en", "Guarantee access to justice for children.\nIn particular, train judges."),
    ("ar", "جمع البيانات المصنفة حسب السن والجنس."),
    ("ru", "Обеспечить доступ детей к правосудию."),
    ("zh", "确保儿童诉诸司法。"),
)


def _progress() -> ReportProgress:
    return ReportProgress(
        id=1,
        action_title="Train judges",
        reported_on=date(2026, 1, 1),
        narrative="Two hundred judges were trained.",
        new_status="in_progress",
        evidence_url="https://example.org/evidence",
    )


def _recommendation(number: int, lang: str, text: str, staff: bool) -> ReportRecommendation:
    action = {
        "id": 1,
        "title": "Train judges",
        "status": "in_progress",
        "start_date": date(2025, 1, 1),
        "due_date": date(2026, 12, 31),
        "lead_entity": _JUSTICE,
    }
    fields = {
        "id": number,
        "symbol": "CRC/C/XYZ/CO/5",
        "paragraph": f"{10 + number}",
        "mechanism_code": "CRC",
        "mechanism_name": "Committee on the Rights of the Child",
        "type": "recommendation",
        "text": text,
        "text_lang": lang,
        "publication_date": date(2024, 3, 1),
        "position": "none",
        "upr_cycle": None,
        "upr_session": None,
        "themes": ["Right to justice"],
        "clusters": ["Access to justice"],
        "sdg_goals": ["16"],
        "status": "in_progress",
        "priority": "high",
        "lead_entity": _JUSTICE,
        "supporting_entities": [_SOCIAL],
    }
    if not staff:
        return ReportRecommendation(**fields, actions=[ReportAction(**action)])
    return StaffRecommendation(
        **fields,
        actions=[StaffAction(**action, published=True)],
        priority_rationale="Internal: why it comes first.",
        internal_notes="Internal: notes.",
    )


def _action(staff: bool) -> ReportGroupAction:
    fields = {
        "id": 1,
        "title": "Train judges",
        "status": "in_progress",
        "start_date": date(2025, 1, 1),
        "due_date": date(2026, 12, 31),
        "lead_entity": _JUSTICE,
        "latest_progress": _progress(),
    }
    if not staff:
        return ReportGroupAction(**fields)
    draft = StaffProgress(**_progress().model_dump(), state="draft", published=False)
    return StaffGroupAction(**fields, published=False, latest_progress_internal=draft)


def sample_report(*, staff: bool, lang: str = "en") -> Report:
    recommendations = [
        _recommendation(number, text_lang, text, staff) for number, (text_lang, text) in enumerate(_TEXTS, 1)
    ]
    return Report(
        staff=staff,
        group_by="cluster",
        lang=lang,
        generated_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        filters=[("Mechanism", "Committee on the Rights of the Child")],
        total=len(recommendations),
        groups=[
            ReportGroup(title="Access to justice", recommendations=recommendations, actions=[_action(staff)]),
            ReportGroup(title="No cluster", ungrouped=True, recommendations=recommendations[:1], actions=[]),
        ],
    )
