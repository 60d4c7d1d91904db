"""A report as the file asked for: the API's routes and the staff workspace's download call this."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.caching import data_etag
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.publisher import Publisher
from app.core.time_zone import local_today
from app.recommendations.reading import data_version
from app.reports import pdf, service, state_template
from app.reports.formats import RenderedReport, TemplateFailed, UnbuiltReport, render, unbuilt
from app.reports.schemas import ReportQuery


def public_report_tag(session: Session, publisher: Publisher, target: str) -> str:
    """The public report's ETag, known before it is built: the data version (a template uploaded or
    removed moves it too), the publisher named on it, today's date (what is overdue) and ``target``,
    the request's path and query."""
    return data_etag(data_version(session), str(publisher), local_today().isoformat(), target)


def report_head(session: Session, query: ReportQuery, *, viewer: Actor | None) -> UnbuiltReport:
    """What a HEAD answers of ``report_file``'s report, which it does not build (a PDF is a LibreOffice
    conversion): the GET's refusals, then its media type and headers."""
    if query.format == "pdf":
        pdf.require()
    staff = viewer is not None
    service.check_report(session, query, staff=staff)
    subject = service.report_subject(session, query, staff=staff)
    return unbuilt(
        staff=staff,
        group_by=query.group_by,
        lang=query.lang,
        fmt=query.format,
        day=local_today(),
        subject=subject,
    )


def report_file(
    session: Session,
    query: ReportQuery,
    *,
    viewer: Actor | None,
    publisher: Publisher | None = None,
    labels_lang: str = "en",
    address: str = "",
) -> RenderedReport:
    """The staff report for ``viewer`` (None: the public report) of ``query`` in its format; Word and
    PDF in the State's template unless ``template=default`` (or none was uploaded); ``publisher`` (the
    NRTD_SITE_NAME ... settings) is named on it; ``labels_lang``: the language the feed names themes in;
    ``address``: the site's (``Settings.site_address``), which the evidence files' links start with."""
    if query.format == "pdf":
        pdf.require()  # before the work: refused at once where LibreOffice is missing
    template = None
    if query.format in ("docx", "pdf") and query.template == "state":
        template = state_template.current_content(session)
    report = service.build_report(session, query, viewer=viewer, labels_lang=labels_lang, address=address)
    report = report.model_copy(update={"publisher": publisher})
    try:
        return render(report, query.format, template)
    except TemplateFailed as exc:
        reason = Reason(
            _(
                "the State's report template cannot be filled (%(why)s): ask with template=default, "
                "or upload a corrected template"
            ),
            why=exc.reason,
        )
        raise InvalidInput(reason, errors=[{"field": "template", "reason": reason}]) from None
