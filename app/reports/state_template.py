"""The State's own Word template of the report: checked, stored (in the database, one row), replaced,
removed; each change audited in the request's transaction.

Its version (``version``, the ETag of ``GET /api/v1/reports/template``) is the one a replacement names
in ``If-Match``, as every write to an existing resource does: the State's file (its digest and upload
time) or, while there is none, the shipped one's. Replacing a template someone else replaced (or
removed, or uploaded first) since you read it is a 412, not a silent overwrite.

A template is accepted only when it is a real Word file (a zip holding ``word/document.xml``) of
at most ``MAX_BYTES``, whose parts unpacked stay under ``MAX_UNPACKED`` (no zip bomb), and which
fills without error with the sample report, public and internal (``sample``): a syntax error or an
unknown variable is refused with its reason and place, at upload rather than in a report.
"""

from __future__ import annotations

import hashlib
import zipfile
from functools import cache
from io import BytesIO
from typing import Any

from lxml import etree
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, NotFound
from app.core.etag import check_if_match, etag
from app.core.row_locks import lock_for_write
from app.core.timestamps import as_utc
from app.core.upload_names import sent_name
from app.models.base import utcnow
from app.models.report_template import STATE_TEMPLATE_ID, ReportTemplate
from app.reports.default_template import PATH as DEFAULT_TEMPLATE
from app.reports.formats import TemplateFailed

MAX_BYTES = 1_000_000
MAX_UNPACKED = 30_000_000
MAX_PARTS = 2000
_FIELDS = ("filename", "size", "sha256")


def _refuse(reason: str) -> InvalidInput:
    return InvalidInput(reason, errors=[{"field": "file", "reason": reason}])


def _check_package(content: bytes) -> None:
    if not content:
        raise _refuse(_("the file is empty"))
    if len(content) > MAX_BYTES:
        raise _refuse(f"the file has {len(content)} bytes; a template may have at most {MAX_BYTES}")
    try:
        with zipfile.ZipFile(BytesIO(content)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_("not a Word document (.docx): the file is not a zip package")) from None
    names = {part.filename for part in parts}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise _refuse(_("not a Word document (.docx): it has no word/document.xml"))
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED:
        raise _refuse(f"the document unpacks to more than {MAX_UNPACKED} bytes or {MAX_PARTS} parts")
    fetched = _fetched_from_outside(content, [part.filename for part in parts])
    if fetched is not None:
        raise _refuse(Reason(OUTSIDE_FILE, target=fetched))


# What Word fetches by itself when a report is opened: every relationship to an outside address but a
# link the reader follows by clicking it (a hyperlink). A remote template (``attachedTemplate``, the
# template injection phishing uses to bring in macros), a linked picture or object would be reached
# from the computer of everyone who opens a report, the public's first, or send their Windows
# credentials to a ``\\host\share`` path.
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CLICKED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
OUTSIDE_FILE = _(
    "the template makes Word fetch a file from outside the document when a report is opened "
    "(%(target)s: a remote template, a linked picture or object): remove that link and upload it again"
)


def _fetched_from_outside(content: bytes, names: list[str]) -> str | None:
    """The first outside address a part of the package makes Word fetch on opening, if any."""
    with zipfile.ZipFile(BytesIO(content)) as package:
        for name in names:
            if not name.endswith(".rels"):
                continue
            try:
                relationships = etree.fromstring(package.read(name), _SAFE_XML)
            except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError):
                raise _refuse(_("not a Word document (.docx): a part of it cannot be read")) from None
            for relationship in relationships.iter(_RELATIONSHIP):
                if relationship.get("TargetMode") == "External" and relationship.get("Type") != _CLICKED:
                    return relationship.get("Target") or "?"
    return None


def check(content: bytes) -> None:
    """Refuse (422, field ``file``) what is not a usable template. Fills it with the sample report."""
    from app.reports.docx import fill
    from app.reports.sample import sample_report

    _check_package(content)
    for staff in (False, True):
        try:
            fill(content, sample_report(staff=staff))
        except TemplateFailed as exc:
            raise _refuse(exc.reason) from None


def current(session: Session) -> ReportTemplate | None:
    return session.get(ReportTemplate, STATE_TEMPLATE_ID)


def current_content(session: Session) -> bytes | None:
    template = current(session)
    return template.content if template is not None else None


@cache
def _shipped_digest() -> str:
    return hashlib.sha256(DEFAULT_TEMPLATE.read_bytes()).hexdigest()[:16]


def version(template: ReportTemplate | None) -> str:
    """The ETag of the template reports follow: ``template`` (the State's, ``current``), or, for None,
    the shipped one (whose digest changes with a release that changes it)."""
    if template is None:
        return etag(f"shipped-{_shipped_digest()}")
    return etag(f"{template.sha256[:16]}-{as_utc(template.uploaded_at):%Y%m%dT%H%M%S%f}")


def _locked_current(session: Session) -> ReportTemplate | None:
    """``current``, locked until the request ends (PostgreSQL): a replacement saved meanwhile is
    read, so two replacements naming the same version do not both pass ``check_if_match``."""
    template = current(session)
    if template is None:
        return None
    try:
        lock_for_write(session, template)
    except NotFound:  # removed by the request it waited for: the shipped one is in use again
        session.expunge(template)
        return None
    return template


def _summary(template: ReportTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in _FIELDS}


def _insert_first(session: Session, template: ReportTemplate, if_match: str | None) -> None:
    """The first upload's row. Two first uploads at once (PostgreSQL) both saw none and both named the
    shipped template's version; the second's insert waits for the first's commit, then finds the row
    taken: it is answered as a second upload sent after the first is (412, the version it named has
    been replaced), not with the constraint's error."""
    try:
        with session.begin_nested():
            session.add(template)
            session.flush()
    except IntegrityError:
        check_if_match(if_match, version(_locked_current(session)))
        raise


def upload(
    session: Session, actor: Actor, filename: str, content: bytes, if_match: str | None
) -> ReportTemplate:
    """Store ``content`` as the State's template (replacing any), once it passes ``check``.
    ``if_match``: the ``version`` the caller read (428 when missing, 412 when another was stored or
    removed since), checked before the file is tried on the sample report."""
    template = _locked_current(session)
    check_if_match(if_match, version(template))
    check(content)
    name = (sent_name(filename).replace("\\", "/").rsplit("/", 1)[-1] or "template.docx")[:255]
    before = _summary(template) if template is not None else None
    first = template is None
    if template is None:
        template = ReportTemplate(id=STATE_TEMPLATE_ID)
    template.filename = name
    template.content = content
    template.size = len(content)
    template.sha256 = hashlib.sha256(content).hexdigest()
    template.uploaded_by_id = actor.user_id

    template.uploaded_at = utcnow()
    if first:
        _insert_first(session, template, if_match)
    session.flush()
    action = "report_template.replace" if before else "report_template.upload"
    record(session, actor, action, "report_template", template.id, before=before, after=_summary(template))
    return template


def remove(session: Session, actor: Actor, if_match: str | None) -> None:
    """Back to the shipped template. ``if_match``: the ``version`` the caller read (428 when missing,
    412 when another was uploaded since), so that a template uploaded after the caller read another
    is not removed unseen. None to remove (never uploaded, or removed meanwhile) is a 404 first."""
    template = _locked_current(session)
    if template is None:
        raise NotFound("no report template has been uploaded; reports use the shipped one")
    check_if_match(if_match, version(template))
    before = _summary(template)
    session.delete(template)
    session.flush()
    record(session, actor, "report_template.delete", "report_template", STATE_TEMPLATE_ID, before=before)
