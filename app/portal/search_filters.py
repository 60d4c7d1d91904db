"""The search form's values as typed, and the public list's parameters they give: the search page
(``app.portal.views.search``) shows them again as they were typed, and checks them by the public list's
own rules (``PublicRecommendationParams`` and ``app.public.service``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

from app.core.single_values import one_value_names
from app.public.schemas import PublicRecommendationParams

PAGE_SIZE = 20

# The filters the form takes several values of (checkboxes: any of them matches, as in the API).
SEVERAL = ("mechanism", "theme", "sdg", "status", "cycle", "family", "position", "affected_person")
_FORM = frozenset({*SEVERAL, "q", "cluster", "sort", "lang", "limit", "cursor"})
# The public list's other filters (``country``, ``source``, ``session``...): the form has no field for
# them, but an address may give them (a link from the API's documentation, a dashboard): they are the
# list's filters all the same, checked and applied by its own rules, and shown as fields of their own.
ADDRESS_ONLY = tuple(name for name in PublicRecommendationParams.model_fields if name not in _FORM)
# Of those, the ones that take one value (the others, like the form's checkboxes, several).
_ONE_VALUE = one_value_names(PublicRecommendationParams)
ADDRESS_ONLY_SINGLE = tuple(name for name in ADDRESS_ONLY if name in _ONE_VALUE)


@dataclass(frozen=True)
class SearchFilters:
    """The search form's values as typed (an empty field means "any"; a filter of ``SEVERAL``, the
    values chosen, each once): checked by ``params``, kept as they are so that the form shows them
    again."""

    q: str | None = None
    mechanism: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    sdg: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    cycle: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    position: tuple[str, ...] = ()
    affected_person: tuple[str, ...] = ()
    cluster: str | None = None
    sort: str | None = None
    # The ``ADDRESS_ONLY`` filters the address gives, each with its values (empty ones left out).
    more: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def parse(cls, **raw: str | Sequence[str] | None) -> SearchFilters:
        values: dict[str, Any] = {}
        more: list[tuple[str, tuple[str, ...]]] = []
        for key, value in raw.items():
            given = [value] if isinstance(value, str) else value or []
            chosen = tuple(dict.fromkeys(v.strip() for v in given if v.strip()))
            if key in ADDRESS_ONLY:
                if chosen:
                    more.append((key, chosen))
            elif key in SEVERAL:
                values[key] = chosen
            else:
                values[key] = (cast(str | None, value) or "").strip() or None
        return cls(**values, more=tuple(more))

    def params(
        self, lang: str, cursor: str | None, limit: int | None = None, leave_out: Collection[str] = ()
    ) -> PublicRecommendationParams:
        """The public list's parameters, validated by its own model (``ValidationError`` naming each
        bad field); ``leave_out``: fields already known to be wrong."""
        values: dict[str, Any] = {
            "q": self.q,
            **{name: list(getattr(self, name)) for name in SEVERAL},
            "cluster": self.cluster,
            "sort": self.sort,
            "cursor": cursor,
            **self._more(),
        }
        kept = {key: value for key, value in values.items() if key not in leave_out}
        return PublicRecommendationParams.model_validate({**kept, "lang": lang, "limit": limit or PAGE_SIZE})

    def _more(self) -> dict[str, Any]:
        """The ``ADDRESS_ONLY`` filters as the list's parameters: a list, or the value of one that
        takes one (given twice, the page refuses it first)."""
        return {name: given[0] if name in ADDRESS_ONLY_SINGLE else list(given) for name, given in self.more}

    def query(self) -> dict[str, Any]:
        typed = {key: value for key, value in asdict(self).items() if value and key != "more"}
        return {**typed, **self._more()}

    def export_query(self) -> dict[str, Any]:
        """The filters the exports take: the search's, without its order (an export has its own,
        newest first), so that the file holds every result of the search."""
        return {key: value for key, value in self.query().items() if key != "sort"}
