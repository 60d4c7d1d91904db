""" "What the public sees": an action's or a cluster's public page, as the portal shows it now, inside the
staff workspace; or, when it is not public, why not. Either way, what of it the public does not see.

The preview is the portal's own rendering: its view functions (``app.portal.action_views.action``,
``app.portal.views.cluster``) and its partial templates (``_action.html``, ``_cluster.html``), so it
cannot drift from the portal. The object is read with the staff API's services (its 404 and who may
read it); what is hidden is counted from the same reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from app.clusters import service as clusters_service
from app.core.deps import DbSession, RowId
from app.plans.actions import service as actions_service
from app.plans.actions.reading import Source, sources_in_cluster
from app.plans.actions.schemas import ActionListParams, ActionOut
from app.plans.actions.store import may_work_on
from app.plans.indicators import reading as indicator_reading
from app.plans.progress import service as progress_service
from app.portal import action_views, views
from app.portal.pages import PageContext, fragment
from app.public.related import current_recommendation_ids, public_cluster_ids
from app.staff import cluster_members
from app.staff.cluster_members import Summary
from app.staff.pages import StaffPage, render, staff_router
from app.staff.session import StaffMember

router = staff_router()

# The heading level of the portal partial's sections inside the preview frame (h1 page, h2 frame).
PREVIEW_LEVEL = 3
# The cluster's unpublished actions the preview names, the newest first (it counts them all).
PREVIEW_ACTIONS = 20


def _portal_context(page: StaffPage) -> PageContext:
    """The portal's view of the staff page's language; its links are the portal's own."""
    return PageContext(page.lang, explicit=False, section="", path=page.path, query=())


def _portal(page: StaffPage, template: str, context: dict[str, Any]) -> Markup:
    """The portal's partial, its sections under the preview frame's heading."""
    return fragment(_portal_context(page), template, {**context, "level": PREVIEW_LEVEL})


def _counted(items: list[tuple[str, int]]) -> list[str]:
    return [text % {"count": count} for text, count in items if count]


@router.get("/actions/{action_id}/preview", response_class=HTMLResponse)
def action_preview(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    page = StaffPage.of(request, "actions", staff)
    _ = page.gettext
    detail, _etag = actions_service.get_action(db, staff.actor, action_id)
    # The API's rule: the progress updates, and the values not approved yet, are the action's
    # entities' and the managers' to read (403 and 404 to another ministry's focal point); the
    # preview counts them for those alone, not for whoever opens it.
    own = may_work_on(db, staff.actor, action_id)
    updates = progress_service.list_progress(db, action_id, staff.actor).items if own else []
    values_waiting, values_in_force = indicator_reading.review_counts(db, action_id)
    values_waiting = values_waiting if own else 0
    approved = [u for u in updates if u.state == "approved"]
    reasons = [] if detail.published else [_("The action is not published.")]
    rec_ids = [rec.id for rec in detail.recommendations]
    cluster_ids = [c.id for c in detail.clusters]
    hidden = _counted(
        [
            (
                _("Progress updates approved but not published: %(count)s."),
                sum(not u.published for u in approved),
            ),
            (
                _("Progress updates published but hidden while the action is not published: %(count)s."),
                0 if detail.published else sum(u.published for u in approved),
            ),
            (
                _("Progress updates not approved yet (draft, submitted or returned): %(count)s."),
                len(updates) - len(approved),
            ),
            (
                _("Indicator values not approved yet (draft, submitted or returned): %(count)s."),
                values_waiting,
            ),
            (
                _("Indicator values approved but hidden while the action is not published: %(count)s."),
                0 if detail.published else values_in_force,
            ),
            (
                _("Linked recommendations withdrawn from the feed: %(count)s."),
                len(rec_ids) - len(current_recommendation_ids(db, rec_ids)),
            ),
            (
                _("Linked clusters that are not public: %(count)s."),
                len(cluster_ids) - len(public_cluster_ids(db, cluster_ids)),
            ),
        ]
    )
    preview = None
    if detail.published:
        preview = _portal(page, "_action.html", action_views.action(db, _portal_context(page), action_id))
    context = {
        "name": detail.title,
        "back_url": f"/staff/actions/{action_id}",
        "back_label": _("Back to the action"),
        "public_url": f"/actions/{action_id}",
        "reasons": reasons,
        "hidden": hidden,
        "preview": preview,
        "counted_for_owners": not own,
    }
    return render(request, page, "previews/preview.html", context)


@router.get("/clusters/{cluster_id}/preview", response_class=HTMLResponse)
def cluster_preview(request: Request, db: DbSession, staff: StaffMember, cluster_id: RowId) -> Response:
    page = StaffPage.of(request, "clusters", staff)
    _ = page.gettext
    cluster, _etag = clusters_service.get_cluster(db, cluster_id)
    reasons = []
    if not cluster.published:
        reasons.append(_("The cluster is not published."))
    if cluster.archived:
        reasons.append(_("The cluster is archived."))
    counts: list[tuple[str, int]] = []
    preview = None
    if not reasons:
        shown = views.cluster(db, _portal_context(page), cluster_id)
        withdrawn = cluster.withdrawn_count
        counts.append((_("Recommendations withdrawn from the feed, not shown: %(count)s."), withdrawn))
        counts.append(
            (
                _("Copies linked to another recommendation, shown as that one: %(count)s."),
                cluster.linked_count,
            )
        )
        # The public counts an action only through clusters it sees (of_cluster): one linked to an
        # unpublished or archived cluster of a member is the staff's, not on the public page.
        published = actions_service.list_actions(
            db, ActionListParams(cluster_id=cluster_id, published=True, limit=1)
        ).total
        counts.append(
            (
                _(
                    "Published actions that come only through a cluster that is not public, "
                    "not shown: %(count)s."
                ),
                published - shown["actions"].total,
            )
        )
        preview = _portal(page, "_cluster.html", shown)
    context = {
        "name": cluster.name,
        "back_url": f"/staff/clusters/{cluster_id}",
        "back_label": _("Back to the cluster"),
        "public_url": f"/clusters/{cluster_id}",
        "reasons": reasons,
        "hidden": _counted(counts),
        "unpublished": _unpublished_actions(db, cluster_id, page.lang),
        "preview": preview,
        "counted_for_owners": False,  # actions: every staff member reads them
    }
    return render(request, page, "previews/preview.html", context)


@dataclass(frozen=True)
class Unpublished:
    """The cluster's actions the public does not see (the newest ``PREVIEW_ACTIONS``, and how many
    there are), each with the ways it is the cluster's, and the names those ways need."""

    actions: list[ActionOut]
    total: int
    sources: dict[int, list[Source]]
    recommendations: dict[int, Summary]
    clusters: dict[int, str]


def _unpublished_actions(db: DbSession, cluster_id: int, lang: str) -> Unpublished | None:
    """The cluster's unpublished actions, as its page counts them (``of_cluster``), and where each
    comes from: linked to the cluster itself, or through one of its recommendations."""
    found = actions_service.list_actions(
        db, ActionListParams(cluster_id=cluster_id, published=False, limit=PREVIEW_ACTIONS)
    )
    if not found.total:
        return None
    sources = sources_in_cluster(db, cluster_id, [action.id for action in found.items], public=False)
    every = [source for listed in sources.values() for source in listed]
    rec_ids = sorted({s.recommendation_id for s in every if s.recommendation_id is not None})
    cluster_ids = sorted({s.cluster_id for s in every if s.cluster_id is not None})
    return Unpublished(
        actions=found.items,
        total=found.total,
        sources=sources,
        recommendations=cluster_members.summaries(db, rec_ids, lang),
        clusters=clusters_service.names(db, cluster_ids),
    )
