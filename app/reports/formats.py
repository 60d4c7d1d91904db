"""One report, four file formats: the bytes, their media type and a file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.core.downloads import content_disposition
from app.core.time_zone import local_day
from app.reports.file_names import report_filename
from app.reports.html import content_security_policy, page_policy, render_html
from app.reports.schemas import GroupBy, Report, ReportFormat
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


def report_headers(filename: str, policy: Callable[[], str]) -> dict[str, str]:
    """Content-Disposition, and for the page the policy that lets its own style apply."""
    # The page opens in the browser; the office files download.
    kind = "inline" if filename.endswith(".html") else "attachment"
    # The name is in the report's language: its accents travel in filename*, an ASCII one beside it.
    headers = {"Content-Disposition": content_disposition(filename, "implementation-report", kind)}
    if filename.endswith(".html"):
        headers["Content-Security-Policy"] = policy()
    return headers


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str

    @property
    def headers(self) -> dict[str, str]:
        return report_headers(self.filename, lambda: content_security_policy(self.body))


@dataclass(frozen=True)
class UnbuiltReport:
    """What a HEAD answers of a report, without building it: its media type and headers."""

    media_type: str
    headers: dict[str, str]


def unbuilt(
    *, staff: bool, group_by: GroupBy, lang: str, fmt: ReportFormat, day: date, subject: str
) -> UnbuiltReport:
    filename = report_filename(staff=staff, group_by=group_by, lang=lang, fmt=fmt, day=day, subject=subject)
    return UnbuiltReport(MEDIA_TYPES[fmt], report_headers(filename, page_policy))


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
    filename = report_filename(
        staff=report.staff,
        group_by=report.group_by,
        lang=report.lang,
        fmt=fmt,
        day=local_day(report.generated_at),  # the instance's day, as the report's ETag counts it
        subject=report.subject,
    )
    return RenderedReport(body, MEDIA_TYPES[fmt], filename)
