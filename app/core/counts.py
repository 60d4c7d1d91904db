"""A count and the noun it counts, in the English of the command line and of the API's problem
details (the pages translate theirs with ``ngettext``): "1 recommendation", "2 recommendations"."""

from __future__ import annotations


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and ``singular``, or ``plural`` (``singular`` and an s unless given) when it is not 1."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
