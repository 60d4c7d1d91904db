"""What each page shows: public data only, read through the public services.

Every value here comes from ``app.public`` (the allowlisted public schemas), ``app.exports``
(public statistics) or the taxonomies (labels and counts of current recommendations): the portal
has no query of its own that could show more than the public API does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.core.errors import DomainError, InvalidInput
from app.core.time_zone import local_today
from app.exports.facets import facets
from app.exports.params import list_params
from app.exports.schemas import CountBucket, FacetBucket, RecommendationFacets
from app.exports.stats import statistics
from app.feed.fields import alphabetical
from app.feed.mechanisms import localised_name
from app.models.local import STATUSES
from app.portal.charts import Bar, bar_chart
from app.portal.pages import PageContext
from app.portal.paging import Paging
from app.portal.search_errors import search_errors, search_labels, sort_labels
from app.portal.search_filters import SearchFilters
from app.public import actions as public_actions
from app.public import clusters as public_clusters
from app.public import service as public
from app.public.schemas import (
    PublicActionParams,
    PublicClusterParams,
    PublicClusterRef,
    PublicRecommendationPage,
    PublicRecommendationParams,
)
from app.recommendations.schemas import Lang, RecommendationListParams
from app.reports.filter_names import filters_used
from app.taxonomies.service import (
    mechanisms_in_use,
    sdg_titles,
    term_labels_in_use,
    term_names,
)
from app.web.i18n import format_number, translations
from app.web.record_names import record_name

CLUSTER_PAGE_SIZE = 10
CLUSTER_LIST_SIZE = 50  # the cluster list's pages
UPR_CYCLES = (1, 2, 3, 4)
# Past this many clusters, the search's choices are grouped by initial (an <optgroup> each), for the
# eye to find one among hundreds; the keyboard's type-ahead finds one either way.
GROUPED_CLUSTERS = 30
TOP_THEMES = 15  # a State's recommendations carry a hundred themes or more: the chart shows the largest
SORTS = ("relevance", "newest", "oldest")
EXPORT_BASE = "/api/v1/public/exports/recommendations"
REPORT = "/api/v1/public/reports/implementation"


# A bar's label: a text, or (text, its language when not the page's).
BarLabel = Callable[[CountBucket], str | tuple[str, str | None]]


def _form_options(session: Session, lang: str, counts: RecommendationFacets) -> dict[str, Any]:
    """The dropdowns' choices with the live counts of the search (``counts``: the facets of its
    filters and words, each dropdown's own choice left out so that its other values keep theirs)."""

    def by_value(buckets: list[FacetBucket]) -> dict[str, int]:
        return {bucket.value: bucket.count for bucket in buckets}

    # Every mechanism and theme stays a choice (a search without JavaScript must be able to move to one
    # outside its current results), each with its count within the search: 0 where it has none.
    mechanism_counts, theme_counts = by_value(counts.mechanism), by_value(counts.theme)
    theme_names = term_names(session, lang).get("theme", {})
    themes = sorted(
        term_labels_in_use(session, "themes"), key=lambda label: alphabetical(theme_names.get(label) or label)
    )
    person_names = term_names(session, lang).get("affected_person", {})
    persons = sorted(
        term_labels_in_use(session, "affected-persons"),
        key=lambda label: alphabetical(person_names.get(label) or label),
    )
    person_counts = by_value(counts.affected_person)
    clusters = public_clusters.cluster_choices(session)
    goals = sdg_titles(lang)
    return {
        "mechanisms": [
            {"code": code, "name": name, "count": mechanism_counts.get(code, 0)}
            for code, name in mechanisms_in_use(session)
        ],
        "themes": [{"label": label, "count": theme_counts.get(label, 0)} for label in themes],
        "theme_names": theme_names,
        "sdgs": [{"code": code, "title": title} for code, title in goals.items() if "." not in code],
        # A target the address names (the API takes them: a dashboard's link) is shown by its title.
        "sdg_targets": {code: title for code, title in goals.items() if "." in code},
        "sdg_counts": by_value(counts.sdg),
        "statuses": STATUSES,
        "status_counts": by_value(counts.status),
        "cycles": UPR_CYCLES,
        "cycle_counts": by_value(counts.cycle),
        # Every family and position is a bucket of the facets, with its label in the reader's language.
        "families": counts.family,
        "positions": counts.position,
        "affected_persons": [{"label": label, "count": person_counts.get(label, 0)} for label in persons],
        "affected_person_names": person_names,
        "sorts": SORTS,
        "clusters": _cluster_groups(clusters),
        # The chosen cluster's name by its number; one missing here names no published cluster.
        "cluster_names": {cluster.id: cluster.name for cluster in clusters},
    }


def _cluster_groups(clusters: list[PublicClusterRef]) -> list[tuple[str | None, list[PublicClusterRef]]]:
    """Every public cluster, in name order, as (group, its clusters): one group without a name, or past
    ``GROUPED_CLUSTERS`` one per initial letter ("#" for a name that starts with no letter)."""
    if len(clusters) <= GROUPED_CLUSTERS:
        return [(None, clusters)]
    groups: dict[str | None, list[PublicClusterRef]] = {}
    for cluster in clusters:
        initial = alphabetical(cluster.name)[0][:1].upper()  # accents aside: "Éducation" under E
        groups.setdefault(initial if initial.isalpha() else "#", []).append(cluster)
    return list(groups.items())


def _counts(session: Session, params: PublicRecommendationParams | None) -> RecommendationFacets:
    """The search's facets; the whole published list's when the search has errors (``params`` None)."""
    listed = list_params(params) if params is not None else RecommendationListParams()
    return facets(session, listed, public=True)


def _more_named(
    session: Session, page: PageContext, filters: SearchFilters, params: PublicRecommendationParams | None
) -> dict[str, str]:
    """The address-only filters' values as the report names them (a type, a source, a role by its
    label, a State by its name, an entity by its name, a day the page's way), for the printed search;
    none while the search has errors (the form names the fields then)."""
    if params is None or not filters.more:
        return {}
    used = {name: getattr(params, name) for name, _ in filters.more}
    used = {name: value for name, value in used.items() if value is not None and value != []}
    named = filters_used(session, used, page.lang, staff=False)
    return {name: shown for name, (_, shown) in zip(used, named, strict=True)}


def search(
    session: Session,
    page: PageContext,
    filters: SearchFilters,
    paging: Paging,
    refused: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The results, or (``errors``, field -> reason) what is wrong with the search: every bad field,
    found by the public list's own checks, the model's and then the service's (``refused``: fields
    the page refused before, left out of the search)."""
    errors: dict[str, str] = dict(refused or {})
    params: PublicRecommendationParams | None = None
    cursor = paging.cursor
    while True:
        try:
            params = filters.params(page.lang, cursor, leave_out=errors)
            # The page the public API sends, kept per data version: the same search is read back.
            results = PublicRecommendationPage.model_validate_json(public.list_json(session, params))
            break
        except (ValidationError, InvalidInput) as exc:
            found = search_errors(page, filters, cursor, exc)
            if not found.keys() - errors.keys():
                raise  # nothing named that is not already left out: not the form's fault
            errors.update(found)
    if params is not None and not errors:
        # The choices as the list read them (``IN_PROGRESS`` is ``in_progress``: app.core.letter_case),
        # so that the form ticks the choice rather than keep the spelling as a choice of its own.
        filters = replace(
            filters,
            status=tuple(params.status),
            family=tuple(params.family),
            position=tuple(params.position),
            sort=params.sort,
        )
    if "cursor" in errors:
        paging = Paging()  # the page shown is the first: no number, no way back
    query = filters.query()
    return {
        "filters": filters,
        "filtered": bool(query),
        "more_named": _more_named(session, page, filters, None if errors else params),
        "options": _form_options(session, page.lang, _counts(session, None if errors else params)),
        "errors": errors,
        "field_labels": search_labels(page),
        "sort_labels": sort_labels(page),
        "page": results,
        **paging.links(page, "/", query, results.next_cursor),
        "csv_url": page.api_url(f"{EXPORT_BASE}.csv", **filters.export_query()),
        "xlsx_url": page.api_url(f"{EXPORT_BASE}.xlsx", **filters.export_query()),
    }


def recommendation(session: Session, page: PageContext, recommendation_id: int) -> dict[str, Any]:
    rec = public.get_recommendation(session, recommendation_id, cast(Lang, page.lang))
    _ = page.gettext
    parts = [
        localised_name(rec.mechanism.code, page.lang) or rec.mechanism.name,
        record_name(rec.symbol, rec.id, page.gettext),
    ]
    if rec.paragraph:
        parts.append(_("para. %(number)s") % {"number": rec.paragraph})
    return {
        "rec": rec,
        "heading": " · ".join(part for part in parts if part),
        "term_names": term_names(session, page.lang),
    }


def clusters(session: Session, page: PageContext, paging: Paging) -> dict[str, Any]:
    """A page of the published clusters, by name, with the links to the others (a cursor cut short
    or tampered with: the first page, as the calendar's; the list has no form to show it again)."""
    try:
        params = PublicClusterParams(limit=CLUSTER_LIST_SIZE, cursor=paging.cursor)
        listed = public_clusters.list_clusters(session, params)
    except (DomainError, ValidationError):
        paging = Paging()
        listed = public_clusters.list_clusters(session, PublicClusterParams(limit=CLUSTER_LIST_SIZE))
    return {"clusters": listed.items, **paging.links(page, "/clusters", {}, listed.next_cursor)}


def cluster(session: Session, page: PageContext, cluster_id: int) -> dict[str, Any]:
    """One public cluster (``NotFound`` for any other) with its first members and published actions, as
    its page and the staff preview show it."""
    found = public_clusters.get_cluster(session, cluster_id)
    members = public.list_recommendations(
        session, SearchFilters(cluster=str(cluster_id)).params(page.lang, None, CLUSTER_PAGE_SIZE)
    )
    linked = public_actions.list_actions(
        session, PublicActionParams(cluster=cluster_id, limit=CLUSTER_PAGE_SIZE)
    )
    return {"cluster": found, "page": members, "actions": linked}


def _relabel(buckets: list[CountBucket], label: BarLabel, page_lang: str) -> list[Bar]:
    """Bars of ``buckets``, each labelled by ``label``: a text, or (text, its language if not the page's);
    each count written as the table under the chart writes it ("1 234" in French)."""
    bars = []
    for bucket in buckets:
        named = label(bucket)
        text, lang = (named, None) if isinstance(named, str) else named
        bars.append(Bar(text, bucket.count, format_number(bucket.count, page_lang), lang=lang))
    return bars


def stats(session: Session, page: PageContext) -> dict[str, Any]:
    _ = page.gettext
    data = statistics(
        session,
        RecommendationListParams(lang=cast(Lang, page.lang)),
        public=True,
        today=local_today(),
    )
    # The statistics come labelled in the page's language; a theme no export named in it keeps its
    # stored label, in the feed's language, and is marked so.
    translated = set(term_names(session, page.lang).get("theme", {}).values())

    def theme(bucket: CountBucket) -> tuple[str, str | None]:
        own = bucket.label in translated or page.feed_lang == page.lang
        return bucket.label, None if own else page.feed_lang

    def as_given(bucket: CountBucket) -> str:
        return bucket.label

    sections: list[tuple[str, str, str, list[CountBucket], BarLabel]] = [
        ("status", _("By implementation status"), _("Status"), data.by_status, as_given),
        ("mechanism", _("By mechanism"), _("Mechanism"), data.by_mechanism, as_given),
        ("theme", _("By theme"), _("Theme"), data.by_theme[:TOP_THEMES], theme),
        (
            "sdg",
            _("By Sustainable Development Goal"),
            _("Goal"),
            data.by_sdg_goal,
            lambda b: f"{b.key}. {b.label}",
        ),
        ("entity", _("By lead entity"), _("Entity"), data.by_lead_entity, as_given),
        ("cycle", _("By UPR cycle"), _("Cycle"), data.by_cycle, as_given),
    ]
    # The theme chart shows the largest themes only: it says so, or a reader takes them for every theme.
    shown_themes, all_themes = min(len(data.by_theme), TOP_THEMES), len(data.by_theme)
    notes = {
        "theme": translations(page.lang).ngettext(
            "The %(num)s theme with the most recommendations (of %(total)s).",
            "The %(num)s themes with the most recommendations (of %(total)s).",
            shown_themes,
        )
        % {"num": format_number(shown_themes, page.lang), "total": format_number(all_themes, page.lang)}
        if all_themes > shown_themes
        else ""
    }
    charts = []
    for chart_id, title, column, buckets, label in sections:
        bars = _relabel(buckets, label, page.lang)
        # The title's first letter only: lowercasing it whole read "by upr cycle" (in French, "epu").
        description = _("Number of recommendations, %(title)s.") % {"title": title[:1].lower() + title[1:]}
        note = notes.get(chart_id, "")
        if note:
            description = f"{description} {note}"
        charts.append(
            {
                "id": f"chart-{chart_id}",
                "title": title,
                "column": column,
                "description": description,
                "note": note,
                "bars": bars,
                "svg": bar_chart(f"chart-{chart_id}", title, description, bars, lang=page.lang),
            }
        )
    # Every overdue published action, as the actions list shows them ("Overdue"): the statistics' own
    # count is of the actions of current recommendations, which leaves out one whose only
    # recommendation the feed withdrew.
    overdue = public_actions.list_actions(session, PublicActionParams(overdue=True, limit=1)).total
    return {
        "charts": charts,
        "total": data.total,
        "overdue": overdue,
        "report_url": page.api_url(REPORT, format="html"),
    }


def exports(session: Session, page: PageContext) -> dict[str, Any]:
    """The open-data files, in the page's language, and an example of a filtered download built from
    the data, so that the file it gives has rows: a theme some current recommendation has (none when
    none has one) and the status most of its recommendations have (``in_progress`` was an empty file
    on an instance whose recommendations are all not started yet, as they are after the first import)."""
    _ = page.gettext
    themes = term_labels_in_use(session, "themes")
    theme = themes[0] if themes else None
    counted = facets(session, RecommendationListParams(theme=[theme] if theme else []), public=True).status
    held = [bucket for bucket in counted if bucket.count]
    status = max(held, key=lambda bucket: bucket.count).value if held else "not_started"
    return {
        "formats": [
            (page.api_url(f"{EXPORT_BASE}.csv"), _("CSV"), _("for spreadsheets and data tools")),
            (
                page.api_url(f"{EXPORT_BASE}.csv", separator="semicolon"),
                _("CSV with semicolons"),
                _("for Excel in French, Spanish and other languages that write decimals with a comma"),
            ),
            (
                page.api_url(f"{EXPORT_BASE}.xlsx"),
                _("Excel (XLSX)"),
                _("for Microsoft Excel and LibreOffice"),
            ),
            (page.api_url(f"{EXPORT_BASE}.json"), _("JSON"), _("for developers")),
        ],
        "example": page.api_url(f"{EXPORT_BASE}.csv", theme=theme, status=status),
        # The public implementation report (published data only), in the formats every instance makes
        # (PDF needs LibreOffice on the server).
        "report": [
            (page.api_url(REPORT, format="html"), _("Web page"), _("to read or print")),
            (page.api_url(REPORT, format="docx"), _("Word (DOCX)"), _("to edit or quote in your own report")),
            (
                page.api_url(REPORT, format="xlsx"),
                _("Excel (XLSX)"),
                _("a matrix of the recommendations, like OHCHR's thematic matrices"),
            ),
        ],
    }
