"""A filled report's own file properties, not its template's.

A State's template is a Word file someone wrote and reviewed: Word records who (the last editor's
name or e-mail address), what they noted (description, keywords, custom properties) and their
review comments and tracked changes with the reviewers' names (a deletion keeps the deleted text).
None of that is the report's, and the public report is published as it is filled: the report keeps
the template's layout and final text only. Its properties are its own (title, language, the
publisher as author, the time it was made), without the template's preview picture; the template's
comments, with their anchors in the text and the list of reviewers, are left out; its tracked changes
are accepted (insertions kept as text, deletions and the former formatting dropped), as Word's
"Accept All Changes" does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

# The parts of a template's review: its comments, Word's extra data on them, and its reviewers.
_REVIEW_PARTS = frozenset(
    {
        RT.COMMENTS,
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
        "http://schemas.microsoft.com/office/2011/relationships/people",
    }
)
_ANCHORS = ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference")
# Tracked changes: what was inserted (kept, unwrapped), what was deleted or moved away, the former
# properties, and the marks of a move (dropped).
_INSERTED = ("w:ins", "w:moveTo")
_DROPPED = (
    *_ANCHORS,
    "w:del",
    "w:moveFrom",
    "w:moveFromRangeStart",
    "w:moveFromRangeEnd",
    "w:moveToRangeStart",
    "w:moveToRangeEnd",
    "w:rPrChange",
    "w:pPrChange",
    "w:sectPrChange",
    "w:tblPrChange",
    "w:tblPrExChange",
    "w:tblGridChange",
    "w:trPrChange",
    "w:tcPrChange",
    "w:numberingChange",
    "w:cellIns",
    "w:cellDel",
)
_APP_PROPERTIES = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# The parts holding text: the body, headers, footers, footnotes and endnotes.
_TEXT_PARTS = tuple(
    f"application/vnd.openxmlformats-officedocument.wordprocessingml.{name}+xml"
    for name in ("document.main", "header", "footer", "footnotes", "endnotes")
)


def strip_template_authorship(docx: Any, *, title: str, language: str, author: str, made: datetime) -> None:
    """Replace every property the template's file carried; drop its comments and reviewers."""
    properties = docx.core_properties
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(properties, name, "")
    properties.title = title
    properties.language = language
    properties.author = author
    properties.last_modified_by = author
    properties.revision = 1
    properties.created = properties.modified = made.astimezone(UTC).replace(tzinfo=None)
    # The template's preview picture (its first page as Word last saved it) is not the report's either.
    package_parts = {RT.CUSTOM_PROPERTIES, RT.THUMBNAIL}
    for rels, dropped in ((docx.part.package.rels, package_parts), (docx.part.rels, _REVIEW_PARTS)):
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype in dropped]:
            del rels[rel_id]
    for part in docx.part.package.iter_parts():
        if part.content_type in _TEXT_PARTS:
            _edit(part, _accept_changes)
        elif part.content_type == _APP_PROPERTIES:
            _edit(part, _without_people)


def _edit(part: Any, change: Callable[[Any], None]) -> None:
    """``change`` the part's XML: python-docx's tree where it reads the part, else its bytes."""
    element = getattr(part, "element", None)
    if element is not None:
        change(element)
        return
    root = etree.fromstring(part.blob)
    change(root)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _accept_changes(root: Any) -> None:
    for element in list(root.iter(*(qn(tag) for tag in _DROPPED))):
        element.getparent().remove(element)
    for element in list(root.iter(*(qn(tag) for tag in _INSERTED))):
        parent = element.getparent()
        at = parent.index(element)
        parent[at : at + 1] = list(element)


def _without_people(root: Any) -> None:
    """The application properties name the template's company and manager (the report has the
    publisher instead), and its title and headings as Word last saved it (the report's title is in its
    own properties; Word writes these again when it saves the report)."""
    tags = ("Company", "Manager", "HeadingPairs", "TitlesOfParts")
    for element in list(root.iter(*(f"{{{_EXTENDED}}}{tag}" for tag in tags))):
        element.getparent().remove(element)
