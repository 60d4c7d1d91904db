"""What the action pages show: published actions only, read through the public services.

``/actions`` is the public action list (``app.public.actions``: the plans service pinned to
published actions) with a form of its filters; ``/actions/{id}`` one published action with its
indicators, each drawn as a chart followed by the same numbers as a table. ``action`` and the
partial template ``_action.html`` are also what the staff workspace's preview shows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from babel.dates import format_date
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput, NotFound
from app.models.plan import ACTION_STATUSES
from app.plans.actions.reading import served_through_clusters
from app.portal.charts import Amount, Bar, Mark, bar_chart
from app.portal.pages import PageContext
from app.portal.paging import Paging
from app.portal.search_errors import search_errors
from app.public import actions as public_actions
from app.public import clusters as public_clusters
from app.public.schemas import PublicAction, PublicActionParams, PublicIndicator
from app.taxonomies.service import sdg_titles
from app.web.i18n import format_number

PAGE_SIZE = 20


@dataclass(frozen=True)
class ActionFilters:
    """The action list's form as typed (an empty field means "any"); ``cluster`` and
    ``recommendation`` come from the links of the cluster and recommendation pages."""

    q: str | None = None
    status: str | None = None
    entity: str | None = None
    cluster: str | None = None
    recommendation: str | None = None

    @classmethod
    def parse(cls, **raw: str | None) -> ActionFilters:
        return cls(**{key: (value or "").strip() or None for key, value in raw.items()})

    def params(self, cursor: str | None, leave_out: set[str]) -> PublicActionParams:
        values: dict[str, Any] = {
            "q": self.q,
            "status": [self.status] if self.status else [],
            "entity": self.entity,
            "cluster": self.cluster,
            "recommendation": self.recommendation,
            "cursor": cursor,
        }
        kept = {key: value for key, value in values.items() if key not in leave_out}
        return PublicActionParams.model_validate({**kept, "limit": PAGE_SIZE})

    def query(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def action_labels(page: PageContext) -> dict[str, str]:
    """Each field of the action list's form by its label."""
    _ = page.gettext
    return {
        "q": _("Words in the title"),
        "status": _("Action status"),
        "entity": _("Responsible entity"),
        "cluster": _("Cluster"),
        "recommendation": _("Recommendation"),
        "cursor": _("Page"),
    }


def _scope(session: Session, filters: ActionFilters) -> dict[str, Any] | None:
    """The one published cluster or current recommendation the list is limited to, to name it:
    ``kind``, ``id`` and, for a cluster, its ``name``, for a recommendation its ``heading``; None
    when the list is not limited to one the public sees (its note then names none)."""
    if bool(filters.cluster) == bool(filters.recommendation):
        return None
    try:
        if filters.cluster:
            cluster = public_clusters.get_cluster(session, int(filters.cluster))
            return {"kind": "cluster", "id": cluster.id, "name": cluster.name}
        headings = public_actions.recommendation_headings(session, [int(filters.recommendation or "")])
    except (ValueError, NotFound):
        return None
    return {"kind": "recommendation", "id": headings[0].id, "heading": headings[0]} if headings else None


def _chosen(entity: str | None, errors: dict[str, str]) -> int | None:
    """The entity the list is filtered by, as a number ("03" is 3), when the list took it."""
    if not entity or "entity" in errors:
        return None
    try:
        return int(entity)
    except ValueError:
        return None


def actions(
    session: Session,
    page: PageContext,
    filters: ActionFilters,
    paging: Paging,
    refused: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The published actions matching ``filters``, or (``errors``) every refused field
    (``refused``: fields the page refused before, left out of the search)."""
    errors: dict[str, str] = dict(refused or {})
    results = None
    cursor = paging.cursor
    while results is None:
        try:
            params = filters.params(cursor, set(errors))
            results = public_actions.list_actions(session, params)
        except (ValidationError, InvalidInput) as exc:
            found = search_errors(page, filters, cursor, exc)
            if not found.keys() - errors.keys():
                raise
            errors.update(found)
    if filters.status and not errors:
        # The status as the list read it (``IN_PROGRESS`` is ``in_progress``): chosen in the form.
        filters = replace(filters, status=params.status[0])
    query = filters.query()
    return {
        "filters": filters,
        "filtered": bool(query),
        "scope": None if errors else _scope(session, filters),
        "errors": errors,
        "field_labels": action_labels(page),
        "statuses": ACTION_STATUSES,
        "entities": public_actions.action_entities(session, _chosen(filters.entity, errors)),
        "page": results,
        **paging.links(page, "/actions", query, results.next_cursor),
    }


def _number(page: PageContext, value: Amount) -> str:
    return format_number(value, page.lang)


def indicator_chart(page: PageContext, indicator: PublicIndicator) -> dict[str, Any]:
    """The indicator's values as bars (oldest first), its baseline and target as reference lines."""
    _ = page.gettext
    bars = [
        Bar(format_date(value.measured_on, locale=page.lang), value.value, _number(page, value.value))
        for value in indicator.values
    ]
    marks = [
        Mark(label, measure.value, _number(page, measure.value))
        for label, measure in ((_("Baseline"), indicator.baseline), (_("Target"), indicator.target))
        if measure is not None
    ]
    chart_id = f"indicator-{indicator.id}"
    title = indicator.name + (f" ({indicator.unit})" if indicator.unit else "")
    description = _("Measured values of the indicator, oldest first, with its baseline and target.")
    return {
        "indicator": indicator,
        "id": chart_id,
        "title": title,
        "rows": [
            (value.measured_on.isoformat(), bar.label, bar.shown)
            for value, bar in zip(indicator.values, bars, strict=True)
        ],
        "svg": bar_chart(chart_id, title, description, bars, marks, lang=page.lang) if bars else None,
    }


def action(session: Session, page: PageContext, action_id: int) -> dict[str, Any]:
    """One published action (``NotFound`` for any other), as its page and the staff preview show it."""
    found: PublicAction = public_actions.get_action(session, action_id)
    titles = sdg_titles(page.lang)
    # The recommendations it serves through each of its clusters, as the clusters' pages list them
    # (those linked to it as well are named once, among its own).
    through = served_through_clusters(session, [found.id], public=True).get(found.id, {})
    others = {
        cluster.id: [i for i in through.get(cluster.id, []) if i not in found.recommendation_ids]
        for cluster in found.clusters
    }
    return {
        "action": found,
        "recommendations": public_actions.recommendation_headings(session, found.recommendation_ids),
        "through_clusters": [
            (cluster, public_actions.recommendation_headings(session, others[cluster.id]))
            for cluster in found.clusters
            if others[cluster.id]
        ],
        "sdgs": [(sdg.code, titles.get(sdg.code, sdg.title)) for sdg in found.sdgs],
        "indicators": [indicator_chart(page, indicator) for indicator in found.indicators],
    }
