"""The orders a report reads in: its sections' titles and their order (alphabetical, goals by
number), and its recommendations' (newest document first, then the document's paragraphs)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from app.feed.fields import alphabetical
from app.reports.schemas import GroupBy, ReportRecommendation


def cluster_order(cluster: tuple[str, int]) -> tuple[tuple[str, str, str], int]:
    return alphabetical(cluster[0]), cluster[1]


def paragraph_key(paragraph: str | None) -> tuple[tuple[int, str], ...]:
    """Numbers compare as numbers: paragraph 142.10 comes after 142.9."""
    parts = re.findall(r"\d+|\D+", paragraph or "")
    return tuple((int(part), "") if part.isdigit() else (1 << 30, part) for part in parts)


def reading_order(line: ReportRecommendation) -> tuple[Any, ...]:
    """Newest document first, then the document's own paragraph order."""
    published = line.publication_date or date.min
    return (-published.toordinal(), line.symbol or "", paragraph_key(line.paragraph), line.id)


def goal_order(goal: str) -> tuple[int, str]:
    return (int(goal), goal) if goal.isdigit() else (1 << 30, goal)


def section_titles(line: ReportRecommendation, group_by: GroupBy, goals: dict[str, str]) -> list[str]:
    if group_by == "mechanism":
        return [f"{line.mechanism_name} ({line.mechanism_code})"]
    if group_by == "cluster":
        return line.clusters
    if group_by == "theme":
        return line.themes
    if group_by == "sdg":
        return [f"{goal}. {goals.get(goal, goal)}" for goal in line.sdg_goals]
    entities = [line.lead_entity] if line.lead_entity else []
    return [
        f"{ref.name} ({ref.acronym})" if ref.acronym else ref.name
        for ref in entities + line.supporting_entities
    ]


def section_order(group_by: GroupBy, title: str) -> tuple[Any, ...]:
    if group_by == "sdg":  # goal 2 before goal 10
        number = title.split(".", 1)[0]
        return (goal_order(number), title)
    return alphabetical(title)
