"""One report, three file formats: the bytes, their media type and a file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.reports.html import render_html
from app.reports.schemas import Report, ReportFormat
from app.reports.xlsx import render_xlsx

HTML = "text/html; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_docx(report: Report) -> bytes:
    """python-docx is imported when a Word file is first asked for: importing it at start-up cost
    every server process and command a sixth of a second."""
    from app.reports.docx import render_docx as render

    return render(report)


_RENDERERS: dict[str, tuple[Callable[[Report], bytes], str]] = {
    "html": (render_html, HTML),
    "docx": (render_docx, DOCX),
    "xlsx": (render_xlsx, XLSX),
}


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str

    @property
    def disposition(self) -> str:
        # The page opens in the browser; the office files download.
        kind = "inline" if self.filename.endswith(".html") else "attachment"
        return f'{kind}; filename="{self.filename}"'


def render(report: Report, fmt: ReportFormat) -> RenderedReport:
    renderer, media_type = _RENDERERS[fmt]
    audience = "internal" if report.staff else "public"
    day = report.generated_at.date().isoformat()
    filename = f"implementation-report-{audience}-by-{report.group_by}-{day}.{fmt}"
    return RenderedReport(renderer(report), media_type, filename)
