"""Arabic, Russian and Chinese in the office files: fonts that cover each script, and right-to-left
paragraphs for texts written right to left.

Word picks a run's font by the kind of its characters: ``ascii``/``hAnsi`` for Latin and Cyrillic,
``cs`` ("complex script") for Arabic, ``eastAsia`` for Chinese. A document whose styles name only a
Latin font leaves the reader's machine to guess the others, which often ends in boxes; the reports
name one Noto font per script (free, in every Linux distribution, downloadable for Windows and
macOS). Where a font is missing, Word and LibreOffice substitute one covering the script: the
font table offers Arial / Microsoft YaHei / SimSun as the alternates.
"""

from __future__ import annotations

import re
import unicodedata

LATIN_FONT = "Noto Sans"  # Latin, Cyrillic (Russian), Greek
ARABIC_FONT = "Noto Naskh Arabic"
CHINESE_FONT = "Noto Sans CJK SC"
# w:rFonts attributes -> font (the DOCX); an XLSX cell names one font, chosen by its text's script.
RUN_FONTS = {"ascii": LATIN_FONT, "hAnsi": LATIN_FONT, "cs": ARABIC_FONT, "eastAsia": CHINESE_FONT}
# w:lang: how Word spells-checks and shapes each kind of character.
RUN_LANGUAGES = {"bidi": "ar-SA", "eastAsia": "zh-CN"}
# w:lang w:val: the language Word checks the spelling of (and LibreOffice hyphenates) Latin text in.
PROOFING_LANGUAGES = {"en": "en-US", "fr": "fr-FR", "es": "es-ES", "ru": "ru-RU"}
_STRONG_RTL = frozenset({"R", "AL"})
_STRONG_LTR = "L"


def right_to_left(text: str) -> bool:
    """Is the text's first strong character right to left (Unicode bidi rule P2)? Arabic, Hebrew..."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _STRONG_RTL:
            return True
        if kind == _STRONG_LTR:
            return False
    return False


# Han ideographs, kana, Hangul: the characters Word draws with the eastAsia font.
_EAST_ASIAN = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")


def east_asian(text: str) -> bool:
    """Does the text hold Chinese (or Japanese, Korean) characters?"""
    return _EAST_ASIAN.search(text) is not None


def strong_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in _STRONG_RTL
