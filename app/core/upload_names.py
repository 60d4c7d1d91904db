"""The name of an uploaded file as the person chose it, from the multipart header it came in."""

from __future__ import annotations

import re

# How a browser (the HTML form encoding), curl and httpx write a name's double quote and line breaks in
# the multipart header, which the parser leaves as they are: "Décret %22n° 12%22.pdf" was stored.
# (A name typed with "%22" in it cannot be told apart: it reads as a quote.)
_FORM_ESCAPES = re.compile("%(22|0D|0A)", re.IGNORECASE)


def sent_name(raw: str | None) -> str:
    """``raw`` (an ``UploadFile``'s ``filename``) with the form's escapes undone; a line break between
    two words is a space between them, not the two words run together."""
    return _FORM_ESCAPES.sub(lambda escape: '"' if escape.group(1) == "22" else " ", raw or "")
