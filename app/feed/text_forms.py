"""What a record's texts (and symbol) give without any taxonomy: plain text, search document,
paragraph number.

Describing a record (``importers.pipeline.prepare.describe``) needs them; a reader process that
knows nothing stored (``importers.halves``) computes them next to the parsing and sends them on
the record (``SourceRecord.text_forms``), so the importing process does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.feed.fields import paragraph_number, readable_text
from app.feed.stemming import search_document


@dataclass(slots=True)
class TextForms:
    plain: dict[str, str]  # sanitised plain text by language
    search: str  # the search document (app.feed.stemming)
    paragraph: str | None  # the paragraph number the primary text starts with


def text_forms(texts: dict[str, str], symbol: str | None, source: str) -> TextForms:
    """The forms of a record's original texts (by language: HTML, or plain text for a manual one)
    and its document symbol; English is the primary text."""
    plain = {lang: readable_text(original, source) for lang, original in texts.items()}
    primary = plain.get("en") or next(iter(plain.values()), "")
    return TextForms(plain, search_document(plain, symbol), paragraph_number(primary))
