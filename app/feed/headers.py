"""How the file imports match a header cell to a column: by its words, whatever their case and
whatever separates them.

A header retyped or tidied in a spreadsheet ("External ID" for external_id, "UPR Recommending  states"
for "UPR Reccomending States", "To Rgrp" for "To-Rgrp", a non-breaking space, a byte-order mark or
a zero-width space pasted in with it) names the same column as the original.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces of any kind, underscores and hyphens (ASCII or typographic) between the words.
_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015]+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


def header_key(value: str) -> str:
    """The words of a header cell, case-folded, joined by single spaces: "External_ID " -> "external id"."""
    words = unicodedata.normalize("NFKC", value.translate(_INVISIBLE))
    return _SEPARATORS.sub(" ", words).strip().casefold()
