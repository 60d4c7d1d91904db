"""The report as one printable, self-contained HTML page (no external resources)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.reports import labels
from app.reports.publisher import publisher_lines
from app.reports.schemas import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Environment:
    # Every value is escaped: recommendation texts and narratives come from outside (UHRI, staff).
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> bytes:
    template = _environment().get_template("implementation.html")
    page = template.render(
        report=report,
        labels=labels,
        title=labels.TITLE,
        group_label=labels.GROUP_LABELS[report.group_by],
        publisher_lines=publisher_lines(report),
    )
    return page.encode("utf-8")
