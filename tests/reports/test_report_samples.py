"""Reports built from the sample report, without a database: numbers written the language's way, a
theme in a Word template's footer marked with its language, a report of nothing yet."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from app.reports.docx import fill
from app.reports.formats import render
from app.reports.sample import sample_report
from app.web.i18n import format_number
from tests.reports.conftest import docx_text


@pytest.mark.parametrize("lang", ["fr", "es", "en"])
def test_counts_are_written_the_languages_way_as_the_portal_writes_them(lang: str) -> None:
    """A report of over a thousand recommendations: its counts read "1 004" in French, "1.004" in
    Spanish, "1,004" in English, as the portal's pages write their numbers."""
    sample = sample_report(staff=False, lang=lang)
    rows = sample.groups[0].recommendations
    many = rows * (1000 // len(rows) + 1)
    written = format_number(len(many), lang)  # the portal's |number filter
    assert written != str(len(many))
    # The Word and Excel files only give the total: a report of the sample's rows says it.
    counted = sample.model_copy(update={"total": len(many)})
    assert written in docx_text(render(counted, "docx").body)
    # Excel's is a number (it sums, sorts and filters as one), shown with the separators of the
    # reader's own Excel: text "1 004" would be neither.
    workbook = load_workbook(BytesIO(render(counted, "xlsx").body))
    count = workbook.worksheets[-1]["B4"]  # title, grouping, generated, then the count
    assert count.value == len(many) and count.data_type == "n" and count.number_format == "#,##0"
    # The page also counts each group's rows, in its contents and its table's caption.
    group = sample.groups[0].model_copy(update={"recommendations": many})
    page = render(counted.model_copy(update={"groups": [group]}), "html").body.decode()
    assert f"{written}." in page  # the summary
    assert f"({written})" in page  # the contents
    assert page.count(written) == 3  # and the caption


def test_a_theme_in_a_word_templates_footer_is_marked_too() -> None:
    """A State's template may name the filters in its footer, which docxtpl fills as the body."""
    template = Document()
    template.add_paragraph("{{ filters }}")
    template.sections[0].footer.paragraphs[0].text = "{{ filters }}"
    source = BytesIO()
    template.save(source)
    report = sample_report(staff=False, lang="fr").model_copy(
        update={
            "filters": [("Thème", "Children: definition")],
            "theme_filter": ["Children: definition"],
            "theme_filter_at": 0,
            "untranslated_themes": ["Children: definition"],
            "labels_lang": "en",
        }
    )
    filled = Document(BytesIO(fill(source.getvalue(), report)))
    for element in (filled.element.body, filled.sections[0].footer._element):
        runs = [
            (run, "".join(node.text or "" for node in run.iter(qn("w:t")))) for run in element.iter(qn("w:r"))
        ]
        marked = [
            run.find(f"{qn('w:rPr')}/{qn('w:lang')}") for run, text in runs if text == "Children: definition"
        ]
        assert len(marked) == 1 and marked[0] is not None and marked[0].get(qn("w:val")) == "en-US"


def test_a_report_of_nothing_without_filters_does_not_blame_them() -> None:
    """An instance with no recommendation yet: the report said "Filters used: none (every current
    recommendation)." and then "No recommendation matches these filters.". It says there is none yet;
    a filtered report of nothing still blames its filters."""
    empty = sample_report(staff=False).model_copy(update={"groups": [], "total": 0, "filters": []})
    for fmt in ("html", "docx"):
        body = render(empty, fmt).body
        text = body.decode() if fmt == "html" else docx_text(body)
        assert "No recommendation is tracked yet." in text and "matches these filters" not in text, fmt
        filtered = render(empty.model_copy(update={"filters": [("Mechanism", "CRC")]}), fmt).body
        text = filtered.decode() if fmt == "html" else docx_text(filtered)
        assert "No recommendation matches these filters." in text, fmt
