"""The web addresses of a filled Word report made hyperlinks a reader clicks (as its HTML page does),
rather than text to copy into a browser: an evidence file's address, an update's evidence link.

The template puts them into runs as plain text (``{{ action.progress }}``), in the template's own
formatting; each address is cut out of its run into a ``w:hyperlink`` to an external relationship,
its run keeping that formatting under the document's Hyperlink character style (added, blue and
underlined as Word's own, where the template has none).
"""

from __future__ import annotations

import copy
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_UNDERLINE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

from app.reports.addresses import web_addresses

HYPERLINK_STYLE = "Hyperlink"
REPORT_STYLE = "Report link"  # where a template gave Word's name to a style of another kind
_LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)  # Word's own


def link_addresses(document: Any) -> int:
    """Every web address in the body's text becomes a hyperlink. Returns how many."""
    # The texts holding an address, found by lxml (a 5,000-recommendation report has 150,000 texts).
    texts = document.element.body.xpath('.//w:t[contains(., "://")]')
    runs = [
        run
        for run in dict.fromkeys(node.getparent() for node in texts if _has_address(node.text))
        if run.tag == qn("w:r") and run.getparent().tag != qn("w:hyperlink")
    ]
    if not runs:
        return 0
    style = _hyperlink_style(document)
    linked = 0
    for run in runs:
        linked += _split(run, document.part, style)
    return linked


def _has_address(text: str | None) -> bool:
    return next(web_addresses(text or ""), None) is not None


def _hyperlink_style(document: Any) -> str:
    """The style id of the document's Hyperlink character style (Word's own, by its name or id; a
    State's template may have restyled it), added when the template has none. A style of another
    kind that took the name leaves it to one of the report's own."""
    styles = document.styles
    taken = set()
    for style in styles:
        if style.type == WD_STYLE_TYPE.CHARACTER and HYPERLINK_STYLE in (style.name, style.style_id):
            return str(style.style_id)
        taken |= {style.name, style.style_id}
    name = HYPERLINK_STYLE if HYPERLINK_STYLE not in taken else REPORT_STYLE
    style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = _LINK_BLUE
    style.font.underline = WD_UNDERLINE.SINGLE
    style.unhide_when_used = True
    if name == HYPERLINK_STYLE:
        style.element.attrib.pop(qn("w:customStyle"), None)  # Word's built-in style, by its name
    return str(style.style_id)


def _split(run: Any, part: Any, style: str) -> int:
    """``run`` cut in pieces: its content before an address, a hyperlink holding the address, and so on."""
    properties = run.find(qn("w:rPr"))
    pieces: list[Any] = []  # runs and hyperlinks, in order
    current: Any = None

    def add(node: Any) -> None:
        nonlocal current
        if current is None:
            current = _new_run(properties)
            pieces.append(current)
        current.append(node)

    linked = 0
    for child in list(run):
        if child is properties:
            continue
        text = child.text or "" if child.tag == qn("w:t") else ""
        spans = list(web_addresses(text))
        if not spans:
            add(child)
            continue
        done = 0
        for start, end in spans:
            if start > done:
                add(_text(text[done:start]))
            current = None
            pieces.append(_hyperlink(part, text[start:end], properties, style))
            linked += 1
            done = end
        if done < len(text):
            add(_text(text[done:]))
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)
    return linked


def _new_run(properties: Any) -> Any:
    run = OxmlElement("w:r")
    if properties is not None:
        run.append(copy.deepcopy(properties))
    return run


def _text(value: str) -> Any:
    node = OxmlElement("w:t")
    node.text = value
    node.set(qn("xml:space"), "preserve")
    return node


def _hyperlink(part: Any, address: str, properties: Any, style: str) -> Any:
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    link.set(qn("w:history"), "1")
    run = _new_run(properties)
    run_properties = run.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        run.insert(0, run_properties)
    existing = run_properties.find(qn("w:rStyle"))
    if existing is not None:
        run_properties.remove(existing)
    style_element = OxmlElement("w:rStyle")
    style_element.set(qn("w:val"), style)
    run_properties.insert(0, style_element)
    run.append(_text(address))
    link.append(run)
    return link
