"""How every page names one recommendation: by its document symbol or, for a record without one (UPR
Info's, many entered by hand), "Recommendation 56" after its id, the number in its address. The staff
list, the cluster pages, the review queue and the portal say the same, and two records without a symbol
never look alike ("No document symbol" twice, or the mechanism's name alone on the portal)."""

from __future__ import annotations

from collections.abc import Callable

from app.core.catalogue import marked as _

UNNAMED = _("Recommendation %(id)s")


def record_name(symbol: str | None, record_id: int, gettext: Callable[[str], str]) -> str:
    """The record's name in ``gettext``'s language, without its paragraph (each page writes that its way)."""
    return symbol or gettext(UNNAMED) % {"id": record_id}
