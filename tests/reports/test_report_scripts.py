"""Arabic, Russian and Chinese in the office files: script fonts, right-to-left Arabic paragraphs; and
the shipped Word template is the one its script writes."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.reports import default_template
from app.reports.docx import fill
from app.reports.formats import DOCX
from app.reports.sample import sample_report
from app.reports.scripts import ARABIC_FONT, CHINESE_FONT, LATIN_FONT
from tests.reports.conftest import ReportWorld
from tests.reports.word_templates import document_xml, state_template

PUBLIC = "/api/v1/public/reports/implementation"
ARABIC = "جمع البيانات المصنفة"


def _part(body: bytes, name: str) -> bytes:
    with zipfile.ZipFile(BytesIO(body)) as package:
        return package.read(name)


def _run_fonts(body: bytes) -> dict[str, str]:
    document = Document(BytesIO(body))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None
    return {name: fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "cs", "eastAsia")}


def test_the_docx_names_a_font_for_each_script_and_sets_arabic_right_to_left(
    client: TestClient, world: ReportWorld
) -> None:
    body = client.get(PUBLIC, params={"format": "docx", "lang": "ar", "mechanism": "UPR"}).content
    assert _run_fonts(body) == {
        "ascii": LATIN_FONT,
        "hAnsi": LATIN_FONT,
        "cs": ARABIC_FONT,
        "eastAsia": CHINESE_FONT,
    }
    document = Document(BytesIO(body))
    cell = document.tables[0].rows[1].cells[0]
    arabic = cell.paragraphs[0]
    assert arabic.text == f"111.5. {ARABIC}."
    assert arabic._p.pPr is not None and arabic._p.pPr.find(qn("w:bidi")) is not None
    assert all(run._r.rPr is not None and run._r.rPr.find(qn("w:rtl")) is not None for run in arabic.runs)
    # English paragraphs stay left to right.
    xml = document_xml(body)
    assert xml.count("<w:bidi/>") == 1
    source = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert source._p.pPr is None or source._p.pPr.find(qn("w:bidi")) is None


def test_russian_and_chinese_texts_come_through_whole(world: ReportWorld) -> None:
    body = fill(None, sample_report(staff=False))
    xml = document_xml(body)
    assert "Обеспечить доступ детей к правосудию." in xml and "确保儿童诉诸司法。" in xml
    assert "جمع البيانات المصنفة حسب السن والجنس." in xml
    # Exactly the Arabic text's paragraph is right to left, its bidi before the other properties.
    assert len(re.findall(r"<w:pPr><w:bidi/>", xml)) == xml.count("<w:bidi/>") == 1


def test_a_state_template_keeps_its_fonts_and_gets_the_missing_scripts(world: ReportWorld) -> None:
    template = Document(BytesIO(state_template(cell="{{ rec.text }}")))
    template.styles["Normal"].font.name = "Georgia"  # the State's Latin font, in its Normal style
    out = BytesIO()
    template.save(out)
    body = fill(out.getvalue(), sample_report(staff=False))
    fonts = _run_fonts(body)
    assert fonts["cs"] == ARABIC_FONT and fonts["eastAsia"] == CHINESE_FONT
    normal = Document(BytesIO(body)).styles["Normal"].font.name
    assert normal == "Georgia"
    assert "<w:bidi/>" in document_xml(body)


def test_the_xlsx_cells_use_the_font_of_their_script(client: TestClient, world: ReportWorld) -> None:
    workbook = load_workbook(BytesIO(client.get(PUBLIC, params={"format": "xlsx", "lang": "ar"}).content))
    sheet = workbook["Recommendations"]
    cells = {str(cell.value): cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value}
    arabic = cells[f"111.5. {ARABIC}."]
    assert arabic.font.name == ARABIC_FONT
    assert arabic.alignment.readingOrder == 2 and arabic.alignment.horizontal == "right"
    english = next(cell for text, cell in cells.items() if text.startswith("12. Guarantee"))
    assert english.font.name == LATIN_FONT and english.alignment.readingOrder in (0, None)
    assert sheet["A1"].font.name == LATIN_FONT and sheet["A1"].font.bold
    # And in the file itself: the three fonts are declared in its styles.
    styles = _part(client.get(PUBLIC, params={"format": "xlsx", "lang": "ar"}).content, "xl/styles.xml")
    assert f'<name val="{ARABIC_FONT}"'.encode() in styles and f'<name val="{LATIN_FONT}"'.encode() in styles


def test_chinese_cells_use_the_cjk_font(world: ReportWorld) -> None:
    from app.reports.xlsx import render_xlsx

    workbook = load_workbook(BytesIO(render_xlsx(sample_report(staff=False))))
    fonts = {
        str(cell.value): cell.font.name
        for row in workbook["Recommendations"].iter_rows(min_row=2)
        for cell in row
        if cell.value
    }
    assert fonts["确保儿童诉诸司法。"] == CHINESE_FONT
    assert fonts["Обеспечить доступ детей к правосудию."] == LATIN_FONT


def test_the_shipped_template_is_what_its_script_writes() -> None:
    built = default_template.build()
    shipped = default_template.PATH.read_bytes()
    for part in ("word/document.xml", "word/styles.xml"):
        assert _part(built, part) == _part(shipped, part), (
            f"run python -m app.reports.default_template ({part})"
        )


def test_the_shipped_template_fonts_are_not_overridden_by_its_theme(world: ReportWorld) -> None:
    # A w:rFonts theme attribute (asciiTheme...) wins over the font named beside it: left in the
    # defaults, Word and LibreOffice set the report in the theme's Cambria, not in Noto Sans.
    body = fill(None, sample_report(staff=False))
    defaults = Document(BytesIO(body)).styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None
    themes = ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme")
    assert [name for name in themes if fonts.get(qn(f"w:{name}"))] == []


def test_the_word_document_is_proofed_in_the_reports_language(world: ReportWorld) -> None:
    # Word checks spelling (and LibreOffice hyphenates) in the document's default language: left in
    # English, every word of a Spanish report was underlined as a misspelling.
    for lang, tag in (("es", "es-ES"), ("fr", "fr-FR"), ("en", "en-US")):
        body = fill(None, sample_report(staff=False, lang=lang))
        defaults = Document(BytesIO(body)).styles.element.find(qn("w:docDefaults"))
        assert defaults is not None
        language = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert language is not None and language.get(qn("w:val")) == tag


def _proofing(paragraph: Paragraph) -> set[str | None]:
    """The spelling languages of a paragraph's runs (None: the document's own)."""
    languages = set()
    for run in paragraph.runs:
        language = run._r.rPr.find(qn("w:lang")) if run._r.rPr is not None else None
        languages.add(language.get(qn("w:val")) if language is not None else None)
    return languages


def _paragraph(document: DocumentObject, start: str) -> Paragraph:
    cells = (cell for table in document.tables for row in table.rows for cell in row.cells)
    found: Paragraph = next(p for cell in cells for p in cell.paragraphs if p.text.startswith(start))
    return found


def test_a_text_in_another_language_is_proofed_in_its_own(client: TestClient, world: ReportWorld) -> None:
    # A French report of a recommendation UHRI has in English only: Word checked its English as
    # French, underlining every word of it, in the shipped template as in a State's.
    shipped = client.get(PUBLIC, params={"format": "docx", "lang": "fr", "group_by": "mechanism"}).content
    template = "/api/v1/reports/template"
    assert client.put(
        template,
        files={"file": ("t.docx", state_template(cell="{{ rec.text }}"), DOCX)},
        headers={"If-Match": client.get(template).headers["etag"]},
    ).is_success
    own = client.get(PUBLIC, params={"format": "docx", "lang": "fr", "group_by": "mechanism"}).content
    for body in (shipped, own):
        document = Document(BytesIO(body))
        assert _proofing(_paragraph(document, "111.5. Collect disaggregated data.")) == {"en-US"}
        # The French text is the document's language: nothing of its own.
        assert _proofing(_paragraph(document, "12. Garantir l'accès des enfants")) == {None}
        assert not re.search("[\ue000-\ue0ff]", document_xml(body))
