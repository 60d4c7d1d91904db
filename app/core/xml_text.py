"""Text that XML 1.0 can hold: what DOCX, XLSX and Atom documents are written of."""

from __future__ import annotations

import re

# Control characters (but tab and line breaks), lone surrogates and the noncharacters U+FFFE and
# U+FFFF. openpyxl's own ILLEGAL_CHARACTERS_RE leaves the last two in, and lxml then refuses the
# cell half-way through a streamed workbook.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)
