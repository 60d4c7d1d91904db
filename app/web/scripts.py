"""Whether a label is written in the script of the language it is said to be in.

The pages mark labels with the language of the export they came from (the feed's first language:
``app.web.i18n``). A label a person typed (a manual recommendation's theme in Arabic) is in whatever
language they wrote it: marked ``lang="en"`` it was read out by an English voice. A label whose letters
are mostly of another script than its language's is marked as of no known language instead
(``lang=""``, HTML's "unknown"), its direction the text's own (``dir="auto"``).
"""

from __future__ import annotations

import unicodedata

# The script of each UN language a feed may publish in (the first word of a letter's Unicode name);
# a language not named here is never contradicted.
_SCRIPTS = {
    "en": "LATIN",
    "fr": "LATIN",
    "es": "LATIN",
    "ru": "CYRILLIC",
    "ar": "ARABIC",
    "zh": "CJK",
}
# The language a label is marked with when its letters contradict the one it was said to be in.
UNKNOWN_LANGUAGE = "und"


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def written_in(text: str, lang: str) -> bool:
    """False when most of ``text``'s letters are of another script than ``lang``'s ("حقوق" said to be
    English); True otherwise, a text without letters and a language of no known script included."""
    script = _SCRIPTS.get(lang.split("-")[0])
    letters = [char for char in text if unicodedata.category(char).startswith("L")]
    if script is None or not letters:
        return True
    own = sum(1 for char in letters if _script(char) == script)
    return own * 2 >= len(letters)


def claimed_language(text: str, text_lang: str | None, page_lang: str) -> str | None:
    """The language to mark ``text`` with, said to be in ``text_lang`` (None: the page's language,
    nothing to mark): as given, unless its letters say otherwise (``UNKNOWN_LANGUAGE``)."""
    return text_lang if written_in(text, text_lang or page_lang) else UNKNOWN_LANGUAGE
