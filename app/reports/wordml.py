"""The WordprocessingML of the script support (app/reports/scripts.py says why): the script fonts in
a document's defaults, right-to-left paragraphs and runs, and the spelling language of a text written
in another language than the document's."""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.reports.scripts import (
    PROOFING_LANGUAGES,
    RUN_FONTS,
    RUN_LANGUAGES,
    east_asian,
    right_to_left,
    strong_rtl,
)


def _child(parent: Any, tag: str, first: bool = False, before: tuple[str, ...] = ()) -> Any:
    """``parent``'s ``tag`` child, added when missing: first, or before the first of ``before``
    (WordprocessingML orders the children of its property elements; Word refuses a file otherwise)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        later = next((child for child in parent if child.tag in {qn(name) for name in before}), None)
        if first:
            parent.insert(0, found)
        elif later is not None:
            later.addprevious(found)
        else:
            parent.append(found)
    return found


# The w:rPr children that come after w:rtl, and after w:lang.
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


# The theme attribute that names a script's font through the document theme; where present it wins
# over the font named beside it (python-docx's own defaults set all four, to the theme's Cambria).
_THEME_ATTRIBUTES = {
    "ascii": "asciiTheme",
    "hAnsi": "hAnsiTheme",
    "cs": "cstheme",
    "eastAsia": "eastAsiaTheme",
}


def set_script_fonts(run_properties: Any, *, keep: bool = False) -> None:
    """Name the script fonts (and languages) in a ``w:rPr``; ``keep``: only those not named yet."""
    fonts = _child(run_properties, "w:rFonts", first=True)
    for attribute, font in RUN_FONTS.items():
        if not (keep and fonts.get(qn(f"w:{attribute}"))):
            fonts.set(qn(f"w:{attribute}"), font)
            if not keep:
                fonts.attrib.pop(qn(f"w:{_THEME_ATTRIBUTES[attribute]}"), None)
    language = _child(run_properties, "w:lang", before=_AFTER_LANG)
    for attribute, value in RUN_LANGUAGES.items():
        if not (keep and language.get(qn(f"w:{attribute}"))):
            language.set(qn(f"w:{attribute}"), value)


def document_script_fonts(document: Any, *, keep: bool = False) -> None:
    """The script fonts in the document's defaults (``w:docDefaults``), which every style inherits."""
    styles = document.styles.element
    defaults = _child(styles, "w:docDefaults", first=True)
    run_defaults = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr")
    set_script_fonts(run_defaults, keep=keep)


def document_language(document: Any, lang: str) -> None:
    """The document's default language is the report's: Word would otherwise check a Spanish
    report's spelling as English, underlining every word."""
    tag = PROOFING_LANGUAGES.get(lang)
    if tag is None:
        return
    defaults = _child(document.styles.element, "w:docDefaults", first=True)
    run_defaults = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr")
    _child(run_defaults, "w:lang", before=_AFTER_LANG).set(qn("w:val"), tag)


# A text in another language than the document's travels through the template between these
# private-use characters, its language tag after the first: the template puts it in runs of its own
# formatting, which only the filled document shows; ``mark_languages`` then gives those runs the
# language and removes the marks.
_OPEN, _TAG_END, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile("[\ue000-\ue002]")
_MARK = re.compile("\ue000([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)?\ue001?|[\ue000-\ue002]")
_LANGUAGE_CODE = re.compile("[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def in_language(text: str, text_lang: str | None, document_lang: str) -> str:
    """``text``, marked for ``mark_languages`` when it is in another language than the document's:
    Word would check its spelling as the document's language, underlining every word. Arabic and
    Chinese need no mark (Word proofs them by their script: ``RUN_LANGUAGES``)."""
    text = _MARKS.sub("", text)
    if not text_lang or not _LANGUAGE_CODE.fullmatch(text_lang) or right_to_left(text) or east_asian(text):
        return text
    tag = PROOFING_LANGUAGES.get(text_lang, text_lang)
    if tag == PROOFING_LANGUAGES.get(document_lang, document_lang):
        return text
    return f"{_OPEN}{tag}{_TAG_END}{text}{_CLOSE}"


def mark_languages(body: Any) -> int:
    """Each run of a text ``in_language`` marked gets that language (``w:lang w:val``), and the marks
    go (also a mark a template cut short). A run holding a marked text and words of the document's
    language ("Themes: Children: definition; Droit à la justice") is cut into runs of one language
    each, of the same formatting. Returns how many runs were given a language."""
    marked = 0
    for paragraph in list(body.iter(qn("w:p"))):
        tag: str | None = None  # a marked text runs on until its closing mark or its paragraph's end
        for run in list(paragraph.iter(qn("w:r"))):
            pieces, tag_after = _pieces(run, tag)
            if pieces is None:
                if tag is not None:
                    _set_language(run, tag)
                    marked += 1
                continue
            tag = tag_after
            for piece_tag, nodes in pieces:
                piece = _run_like(run, nodes)
                if piece_tag is not None:
                    _set_language(piece, piece_tag)
                    marked += 1
                run.addprevious(piece)
            run.getparent().remove(run)
    return marked


def _pieces(run: Any, tag: str | None) -> tuple[list[tuple[str | None, list[Any]]] | None, str | None]:
    """``run``'s content cut where its language marks are, each piece with its language (None: the
    document's), and the language a text marked but not closed here carries into the next runs.
    None when the run holds no mark."""
    if not any(node.text and _MARKS.search(node.text) for node in run.iter(qn("w:t"))):
        return None, tag
    pieces: list[tuple[str | None, list[Any]]] = []

    def add(node: Any) -> None:
        if pieces and pieces[-1][0] == tag:
            pieces[-1][1].append(node)
        else:
            pieces.append((tag, [node]))

    for child in list(run):
        if child.tag == qn("w:rPr"):
            continue
        text = child.text or "" if child.tag == qn("w:t") else ""
        if not _MARKS.search(text):
            add(child)
            continue
        start = 0
        for found in _MARK.finditer(text):
            if found.start() > start:
                add(_text_node(text[start : found.start()]))
            if found.group(0) == _CLOSE:
                tag = None
            elif found.group(0).startswith(_OPEN) and found.group(1):
                tag = found.group(1)
            start = found.end()
        if start < len(text):
            add(_text_node(text[start:]))
    return pieces, tag


def _text_node(text: str) -> Any:
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    return node


def _run_like(run: Any, nodes: list[Any]) -> Any:
    """A run of ``run``'s attributes and formatting (a copy of its ``w:rPr``) holding ``nodes``."""
    piece = OxmlElement("w:r")
    for name, value in run.attrib.items():
        piece.set(name, value)
    properties = run.find(qn("w:rPr"))
    if properties is not None:
        piece.append(deepcopy(properties))
    for node in nodes:
        piece.append(node)
    return piece


def _set_language(run: Any, tag: str) -> None:
    _child(_child(run, "w:rPr", first=True), "w:lang", before=_AFTER_LANG).set(qn("w:val"), tag)


def mark_right_to_left(body: Any) -> int:
    """Every paragraph whose text starts right to left gets ``w:bidi`` (right-to-left paragraph,
    aligned right), and each of its runs holding right-to-left text ``w:rtl``. Returns how many."""
    marked = 0
    for paragraph in body.iter(qn("w:p")):
        runs = list(paragraph.iter(qn("w:r")))
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        if not right_to_left(text):
            continue
        _child(_child(paragraph, "w:pPr", first=True), "w:bidi", before=_AFTER_BIDI)
        for run in runs:
            run_text = "".join(node.text or "" for node in run.iter(qn("w:t")))
            if any(strong_rtl(char) for char in run_text):
                _child(_child(run, "w:rPr", first=True), "w:rtl", before=_AFTER_RTL)
        marked += 1
    return marked


# w:pPr's children have a schema order: w:bidi comes before these (Word refuses a file otherwise).
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
