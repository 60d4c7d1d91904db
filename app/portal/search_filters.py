"""The search form's values as typed, and the public list's parameters they give: the search page
(``app.portal.views.search``) shows them again as they were typed, and checks them by the public list's
own rules (``PublicRecommendationParams`` and ``app.public.service``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

from app.public.schemas import PublicRecommendationParams

PAGE_SIZE = 20

# The filters the form takes several values of (checkboxes: any of them matches, as in the API).
SEVERAL = ("mechanism", "theme", "sdg", "status", "cycle", "family", "position", "affected_person")


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

    @classmethod
    def parse(cls, **raw: str | Sequence[str] | None) -> SearchFilters:
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key in SEVERAL:
                given = [value] if isinstance(value, str) else value or []
                values[key] = tuple(dict.fromkeys(v.strip() for v in given if v.strip()))
            else:
                values[key] = (cast(str | None, value) or "").strip() or None
        return cls(**values)

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
        }
        kept = {key: value for key, value in values.items() if key not in leave_out}
        return PublicRecommendationParams.model_validate({**kept, "lang": lang, "limit": limit or PAGE_SIZE})

    def query(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value}

    def export_query(self) -> dict[str, Any]:
        """The filters the exports take: the search's, without its order (an export has its own,
        newest first), so that the file holds every result of the search."""
        return {key: value for key, value in self.query().items() if key != "sort"}
