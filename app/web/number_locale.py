"""The one rule for the way a reader writes numbers: their region's (CLDR, through Babel), the
interface language staying one of ours.

The pages are in "es" for every Spanish speaker, but a Mexican or Peruvian writes 1,500.5 where a
Spaniard, an Argentine or a Colombian writes 1.500,5, and "1.500" is one and a half to the first and
fifteen hundred to the second; French groups with a space in France, a no-break space in Canada and
an apostrophe in Switzerland. A number is read and shown the way of the region the reader names
(``?lang=es-MX``) or the browser sends (Accept-Language), when that region writes the page's language;
otherwise the language's own way (CLDR's "es" is Spain's).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata
from babel.numbers import get_decimal_symbol

from app.core.languages import preferred_tags

# A language and a region ("es-MX", "es-419", "fr_CA"), a script between them allowed ("zh-Hant-TW").
_REGIONAL = re.compile(r"(?P<language>[a-z]{2,3})(?:-[a-z]{4})?-(?P<region>[a-z]{2}|\d{3})", re.IGNORECASE)


@lru_cache(maxsize=512)
def regional_locale(tag: str, lang: str) -> str | None:
    """``tag``'s Babel locale ("es_MX") when it names a region CLDR has for ``lang``, else None."""
    match = _REGIONAL.fullmatch(tag.strip().replace("_", "-"))
    if not match or match["language"].lower() != lang:
        return None
    name = f"{lang}_{match['region'].upper()}"
    if not localedata.exists(name):
        return None
    try:
        return str(Locale.parse(name))
    except (ValueError, UnknownLocaleError):
        return None


def number_locale(lang: str, accept_language: str | None, *named: str | None) -> str:
    """The locale a reader of pages in ``lang`` writes numbers in: the region of the first tag the
    reader ``named`` (``?lang=es-MX``, then the one remembered), else of the browser's most preferred
    tag in ``lang``, else ``lang``'s own way."""
    for tag in [*(tag or "" for tag in named), *preferred_tags(accept_language)]:
        found = regional_locale(tag, lang)
        if found:
            return found
    return lang


def box_number(number: Decimal | str, locale: str) -> str:
    """A number in a form's box (or a box's hint), as ``locale`` writes numbers but without grouping,
    so that it reads back the same: "1500,5" in France and Spain, "1500.5" in Mexico and in English;
    10, not 10.0000."""
    return format(Decimal(str(number)).normalize(), "f").replace(".", get_decimal_symbol(locale))
