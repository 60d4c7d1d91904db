"""A filled report's own file properties, not its template's.

A State's template is a Word file someone wrote and reviewed: Word records who (the last editor's
name or e-mail address), what they noted (description, keywords, custom properties) and their
review comments with the reviewers' names. None of that is the report's, and the public report is
published as it is filled: the report keeps the template's layout and text only. Its properties
are its own (title, language, the publisher as author, the time it was made), and the template's
comments, with their anchors in the text and the list of reviewers, are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

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
_ANCHORS = tuple(qn(tag) for tag in ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"))


def set_report_properties(docx: Any, *, title: str, language: str, author: str, made: datetime) -> None:
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
    for rels, dropped in ((docx.part.package.rels, {RT.CUSTOM_PROPERTIES}), (docx.part.rels, _REVIEW_PARTS)):
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype in dropped]:
            del rels[rel_id]
    for anchor in list(docx.element.body.iter(*_ANCHORS)):
        anchor.getparent().remove(anchor)
