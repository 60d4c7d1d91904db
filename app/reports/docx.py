"""The report as a Word document: a docxtpl (Jinja) template filled with the report's variables.

The template is the State's own (uploaded, see ``templates``) or the one the project ships
(``default_template``). Templates come from users, so they run in Jinja's sandbox (no attribute
of Python internals reachable, ranges bounded), every value is escaped, and a variable the
template names but the report lacks is an error (a typo shows at upload, not as a blank).
After filling, paragraphs of Arabic text are made right to left, a recommendation's text in another
language than the report's is proofed in its own, the fonts covering Arabic and Chinese are named
wherever the template left them unset, and web addresses become hyperlinks to click (``docx_links``).
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from app.reports.default_template import PATH as DEFAULT_TEMPLATE
from app.reports.docx_links import link_addresses
from app.reports.docx_properties import strip_template_authorship
from app.reports.file_names import document_title
from app.reports.formats import TemplateFailed
from app.reports.labels import Words
from app.reports.schemas import Report
from app.reports.template_context import template_context
from app.reports.wordml import (
    document_language,
    document_script_fonts,
    mark_languages,
    mark_right_to_left,
)

_TAGS = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTING = re.compile("[\t\a\n\f]")


class _Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl, with the filled body parsed as part of its document instead of moved into it: lxml
    moves each node carrying ``xml:space`` slowly (2.5 s for a 5,000-recommendation report)."""

    def map_tree(self, tree: Any) -> None:
        root = self.docx._element
        marker = OxmlElement("w:body")
        root.replace(root.body, marker)
        head, tail = etree.tostring(root, encoding="unicode").split("<w:body/>", 1)
        new_root = parse_xml(head + etree.tostring(tree, encoding="unicode") + tail)
        self.docx._element = self.docx._part._element = new_root
        self.docx._Document__body = None

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's line breaks and tabs in texts, looked for only in the paragraphs that have any."""
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(
            lambda found: resolve(found.group(0)) if _LISTING.search(found.group(0)) else found.group(0), xml
        )


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with the arithmetic that can exhaust the server's memory bounded too:
    ``'x' * 10**9``, ``9 ** 9 ** 9``."""

    intercepted_binops = frozenset({"*", "**"})
    MAX_TIMES = 10_000
    MAX_POWER = 64

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > self.MAX_POWER:
                raise SecurityError(f"a power above {self.MAX_POWER} is not allowed in a template")
            return left**right
        for count, other in ((left, right), (right, left)):
            if isinstance(other, str | list | tuple) and isinstance(count, int) and count > self.MAX_TIMES:
                raise SecurityError(f"repeating a value more than {self.MAX_TIMES} times is not allowed")
        return left * right


def _environment() -> SandboxedEnvironment:
    return _Sandbox(undefined=StrictUndefined, autoescape=True)


def _reason(exc: TemplateError) -> str:
    message = exc.message or exc.__class__.__name__
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        # docxtpl puts each paragraph on a line of its own: the line is the paragraph's number,
        # and the text around it (tags stripped) says where it is in the document.
        around = " / ".join(
            _TAGS.sub(" ", line).strip() for line in getattr(exc, "docx_context", []) if line.strip()
        )
        where = f" near: {around[:300]}" if around else ""
        return f"template syntax error at line {exc.lineno}: {message}{where}"
    return f"the template cannot be filled: {message}"


def _headers_and_footers(docx: Any) -> list[Any]:
    """The header and footer parts, which docxtpl fills too (a State's template may name the filters
    in a footer): their marked texts get their language as the body's do."""
    rels = docx.part.rels.values()
    return [rel.target_part for rel in rels if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external]


def fill(template: bytes | None, report: Report) -> bytes:
    """The report in ``template`` (None: the shipped one). Raises ``TemplateFailed``."""
    source = BytesIO(template) if template is not None else DEFAULT_TEMPLATE
    try:
        document = _Template(source)
        document.render(template_context(report), jinja_env=_environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateFailed(_reason(exc)) from None
    except (ValueError, KeyError, OSError) as exc:
        # A part missing or malformed (docx's own errors are ValueError / KeyError kinds).
        raise TemplateFailed(f"the file is not a usable Word template: {exc}") from None
    except Exception as exc:  # the template's own expressions: 1 / 0, range(10**9), 1 + "a"...
        raise TemplateFailed(f"the template cannot be filled: {exc.__class__.__name__}: {exc}") from None
    docx: Any = document.docx
    mark_languages(docx.element.body)
    for part in _headers_and_footers(docx):
        mark_languages(part.element)
    mark_right_to_left(docx.element.body)
    link_addresses(docx)
    document_script_fonts(docx, keep=template is not None)
    words = Words.of(report)
    document_language(docx, words.lang)
    author = words.publishing_body(report.publisher) if report.publisher is not None else ""
    strip_template_authorship(
        docx,
        title=document_title(words.title, report.subject),
        language=words.lang,
        author=author,
        made=report.generated_at,
    )
    out = BytesIO()
    document.save(out)
    return out.getvalue()
