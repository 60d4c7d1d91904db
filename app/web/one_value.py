"""A one-value field of a page's form given several times in its address (``limit=1&limit=2``, as only
a script or an edited link sends): the page names the field rather than read the last value alone
without a word, as the API refuses it (app.core.single_values). The portal's and the staff pages'
lists share this rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from starlette.datastructures import QueryParams


def given_twice(query: QueryParams, gettext: Callable[[str], str], names: Iterable[str]) -> dict[str, str]:
    """The one-value fields of ``names`` the address gives several times, each with the reason."""
    return {
        name: gettext("This field takes one value: the address gives it several.")
        for name in names
        if len(query.getlist(name)) > 1
    }
