"""One report, four file formats: the bytes, their media type and a file name."""

from __future__ import annotations

from dataclasses import dataclass

from app.reports.html import content_security_policy, render_html
from app.reports.schemas import Report, ReportFormat
from app.reports.xlsx import render_xlsx

HTML = "text/html; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MEDIA_TYPES = {"html": HTML, "docx": DOCX, "xlsx": XLSX, "pdf": PDF}


class TemplateFailed(Exception):
    """A Word template cannot be filled; ``reason`` says why (and where) in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def render_docx(report: Report, template: bytes | None = None) -> bytes:
    """The report in a Word template (None: the shipped one). docxtpl and python-docx are imported
    when a Word file is first asked for: importing them at start-up cost every process a sixth of a
    second."""
    from app.reports.docx import fill

    return fill(template, report)


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

    @property
    def headers(self) -> dict[str, str]:
        """Content-Disposition, and for the page the policy that lets its own style apply."""
        headers = {"Content-Disposition": self.disposition}
        if self.filename.endswith(".html"):
            headers["Content-Security-Policy"] = content_security_policy(self.body)
        return headers


def render(report: Report, fmt: ReportFormat, template: bytes | None = None) -> RenderedReport:
    """``template``: the Word template of the DOCX and PDF formats (None: the shipped one)."""
    if fmt == "html":
        body = render_html(report)
    elif fmt == "xlsx":
        body = render_xlsx(report)
    elif fmt == "docx":
        body = render_docx(report, template)
    else:
        from app.reports.pdf import convert

        body = convert(render_docx(report, template))
    audience = "internal" if report.staff else "public"
    day = report.generated_at.date().isoformat()
    filename = f"implementation-report-{audience}-by-{report.group_by}-{day}.{fmt}"
    return RenderedReport(body, MEDIA_TYPES[fmt], filename)
