"""A text typed in a box (a progress narrative) as HTML paragraphs, the way it was written.

A blank line starts a paragraph and a single line break stays a line break: in one ``<p>`` the
browser ran them all together. Done on the server, not with CSS, so that the portal's pages, the
staff preview that includes them, a print and a reader mode all keep them.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str | None) -> Markup:
    """``text`` escaped, one ``<p>`` per paragraph, ``<br>`` for the line breaks inside one."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in _BLANK_LINES.split(lines)
        if block
    )
