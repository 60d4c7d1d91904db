"""The Word template the project ships (app/reports/templates/implementation.docx), written here so
it can be made again the same way: ``python -m app.reports.default_template``. A test checks the
committed file is what this makes.

It is a docxtpl (Jinja) template: the variables are those of ``template_context`` (docs/reports.md
lists them). A State copies it, restyles it in Word and uploads it as its own.
Layout: landscape A4, a title, the summary, the notice and the filters, then per group a heading,
a table of recommendations (six columns, the header row repeated on every page) and a table of the
group's actions with their latest progress.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.reports.wordml import document_script_fonts

PATH = Path(__file__).resolve().parent / "templates" / "implementation.docx"
# (heading variable, width in cm) on a landscape A4 page with 1.5 cm margins (26.7 cm of text).
COLUMNS = (
    ("recommendation", 8.9),
    ("source", 3.6),
    ("position", 2.0),
    ("status", 2.6),
    ("responsible", 4.0),
    ("actions", 5.6),
)
ACTION_COLUMNS = (
    ("action", 6.0),
    ("status", 2.6),
    ("due", 2.6),
    ("lead_entity", 4.0),
    ("latest_progress", 11.5),
)
# A cell's paragraphs: (text, bold, italic, small) runs per paragraph.
_Para = list[tuple[str, bool, bool, bool]]


def _plain(text: str) -> list[_Para]:
    return [[(text, False, False, False)]]


def _optional(condition: str, runs: _Para) -> list[_Para]:
    """A paragraph shown only when ``condition`` holds (docxtpl's ``{%p %}`` tags are paragraphs)."""
    return [
        [(f"{{%p if {condition} %}}", False, False, False)],
        runs,
        [("{%p endif %}", False, False, False)],
    ]


def _internal(label: str, value: str) -> list[_Para]:
    return _optional(
        value,
        [(f"{{{{ headings.{label} }}}} ", True, False, False), (f"{{{{ {value} }}}}", False, True, False)],
    )


RECOMMENDATION_CELLS: tuple[list[_Para], ...] = (
    _plain("{{ rec.text }}")
    + _optional("rec.themes_line", [("{{ rec.themes_line }}", False, False, True)])
    + _optional("rec.sdg_line", [("{{ rec.sdg_line }}", False, False, True)])
    + _internal("rationale_label", "rec.priority_rationale")
    + _internal("notes_label", "rec.internal_notes"),
    _plain("{{ rec.source }}"),
    _plain("{{ rec.position }}"),
    _plain("{{ rec.status_and_priority }}"),
    _plain("{{ rec.responsible }}"),
    _plain("{{ rec.actions }}"),
)
ACTION_CELLS: tuple[list[_Para], ...] = (
    _plain("{{ action.title }}")
    + _optional("action.unpublished", [("{{ action.unpublished }}", False, True, True)]),
    _plain("{{ action.status }}"),
    _plain("{{ action.due }}"),
    _plain("{{ action.lead_entity }}"),
    _plain("{{ action.progress }}")
    + _optional("action.internal_progress", [("{{ action.internal_progress }}", False, True, False)]),
)


def _fill(cell: Any, paragraphs: list[_Para]) -> None:
    for number, runs in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        for text, bold, italic, small in runs:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if small:
                run.font.size = Pt(8)


def _table(
    document: Any, columns: tuple[tuple[str, float], ...], loop: str, cells: tuple[list[_Para], ...]
) -> None:
    """Header row, then docxtpl's row loop: ``{%tr for ... %}``, the row, ``{%tr endfor %}``."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for cell, (key, _width) in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(f"{{{{ headings.{key} }}}}").bold = True
    # Word's "repeat as header row": the column titles on every page of a long table.
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, paragraphs in zip(table.rows[2].cells, cells, strict=True):
        _fill(cell, paragraphs)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for column, (_key, width) in zip(table.columns, columns, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def build() -> bytes:
    """The template's bytes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document_script_fonts(document)
    properties = document.core_properties
    properties.author = "NRTD"
    properties.title = "Implementation report"
    document.add_heading("{{ title }}", level=0)
    document.add_paragraph("{{ summary }}")
    document.add_paragraph("{%p if staff %}")
    document.add_paragraph().add_run("{{ notice }}").bold = True
    document.add_paragraph("{%p else %}")
    document.add_paragraph("{{ notice }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for line in publisher %}")
    document.add_paragraph("{{ line.text }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ filters }}")
    document.add_paragraph("{%p for group in groups %}")
    document.add_heading("{{ group.heading }}", level=1)
    _table(document, COLUMNS, "rec in group.recommendations", RECOMMENDATION_CELLS)
    document.add_paragraph("{%p if group.actions %}")
    document.add_heading("{{ headings.actions_heading }}", level=2)
    _table(document, ACTION_COLUMNS, "action in group.actions", ACTION_CELLS)
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if not groups %}")
    document.add_paragraph("{{ headings.no_matches }}")
    document.add_paragraph("{%p endif %}")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else PATH
    target.write_bytes(build())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
