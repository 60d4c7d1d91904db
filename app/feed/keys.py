"""The normalised key on which spelling variants of one taxonomy label merge.

The importers store every term under this key, and the API looks terms up by it, so a filter
``?theme=Women %26 girls`` finds the term UHRI spells " Women and girls ".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_KEY_DROP = re.compile(r"[^\w]+")


def label_key(label: str) -> str:
    """Normalised key on which spelling variants of one label merge (case, spaces, '&'/'and')."""
    text = unicodedata.normalize("NFKC", label).casefold().replace("&", " and ")
    return _SPACES.sub(" ", _KEY_DROP.sub(" ", text)).strip()
