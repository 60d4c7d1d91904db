"""Word templates for the tests, written with python-docx as a State would in Word."""

from __future__ import annotations

import zipfile
from io import BytesIO

from docx import Document

HEADING = "Lesotho — implementation of the recommendations"


def state_template(*, body: tuple[str, ...] = (), cell: str = "{{ rec.symbol }}") -> bytes:
    """A template of its own layout: a title, then per group a heading and a table of two columns,
    the recommendations' source and status, with a row per recommendation."""
    document = Document()
    document.add_heading(HEADING, level=0)
    document.add_paragraph("{{ summary }}")
    for text in body:
        document.add_paragraph(text)
    document.add_paragraph("{%p for group in groups %}")
    document.add_heading("Section — {{ group.title }} ({{ group.count }})", level=1)
    table = document.add_table(rows=4, cols=2)
    table.rows[0].cells[0].text = "Where it comes from"
    table.rows[0].cells[1].text = "How far it is"
    table.rows[1].cells[0].text = "{%tr for rec in group.recommendations %}"
    table.rows[2].cells[0].text = cell
    table.rows[2].cells[1].text = "{{ rec.status }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endfor %}")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def document_xml(body: bytes) -> str:
    """The unzipped word/document.xml of a DOCX file."""
    with zipfile.ZipFile(BytesIO(body)) as package:
        return package.read("word/document.xml").decode("utf-8")
