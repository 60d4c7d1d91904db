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


def record_key(source: str, external_id: str) -> str:
    """The upsert key of a record's id. A UHRI AnnotationId is a UUID, which is case-insensitive: the
    readers give it in lower case (its canonical spelling), and a record an earlier release stored as
    a file spelt it (capitals) is looked up by the same key. Other sources' ids are matched as they
    are (a derived hash, or an id a person chose in the CSV template)."""
    return external_id.strip().lower() if source == "uhri" else external_id
