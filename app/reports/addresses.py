"""The web addresses in a report's texts (an evidence link, an evidence file's), which its HTML page
and its Word document make links to follow."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A web address in a text: http or https only (never javascript: or data:), up to a space, a quote
# or a bracket of markup; punctuation that ends a sentence after it is not part of it.
_ADDRESS = re.compile(r"https?://[^\s<>\"']+")
_CLOSING = ".,;:!?)]}»"


def web_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Where each web address of ``text`` starts and ends, in order."""
    for found in _ADDRESS.finditer(text):
        address = found.group(0).rstrip(_CLOSING)
        if address.partition("://")[2]:
            yield found.start(), found.start() + len(address)
