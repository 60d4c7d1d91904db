"""The evidence files a report lists under a progress update, with the address to open each at.

A public report only ever shows published updates of published actions, exactly the updates whose
files the public API serves (``app.public.evidence``): their public address. A staff report gives
each file the address its reader may open. A manager, or a focal point on an action their entity
leads or supports: the staff workspace's (whatever the update's state). A report is read by people,
who click it in a browser signed in to the workspace (or are asked to sign in first); the API's
address takes a bearer token no browser sends. A focal point on another entity's action: the public
address when the file is public (the update approved and published, on a published action; the
report shows them no other update of such an action, ``reading.readable_by``), else none: the file
is named, its type and size said, but a link that answers 403 is no use to anyone.
Addresses are absolute (``address``, the site's): a Word or Excel file handed on has no page to
resolve a path against.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.evidence.reading import evidence_rows, type_name
from app.evidence.schemas import workspace_url
from app.models import Action, ProgressUpdate
from app.plans.progress.reading import on_entity_actions
from app.public.schemas import public_evidence_url
from app.reports.schemas import ReportEvidenceFile


def report_files(
    session: Session, updates: Iterable[ProgressUpdate], *, viewer: Actor | None, address: str
) -> dict[int, list[ReportEvidenceFile]]:
    """By progress update id, the files of ``updates`` (those the report shows), oldest first, with
    the address ``viewer`` (None: the public) may open each at: one statement, a focal point's two
    more."""
    shown = {update.id: update for update in updates}
    links = _links(session, shown.values(), viewer)
    site = address.rstrip("/")
    return {
        progress_id: [
            ReportEvidenceFile(
                filename=row.filename,
                type=type_name(row.media_type),
                size=row.size,
                url=site + link(row.id) if (link := links.get(progress_id)) is not None else None,
            )
            for row in rows
        ]
        for progress_id, rows in evidence_rows(session, shown).items()
    }


# How a file's id becomes the path it is downloaded at.
_Link = Callable[[int], str]


def _links(session: Session, updates: Collection[ProgressUpdate], viewer: Actor | None) -> dict[int, _Link]:
    """By update id, how ``viewer`` links to its files; an update missing has its files unlinked."""
    if viewer is None:
        return {update.id: public_evidence_url for update in updates}
    if viewer.is_manager:
        return {update.id: workspace_url for update in updates}
    own: set[int] = set()
    if viewer.entity_id is not None and updates:
        ids = [update.id for update in updates]
        ours = on_entity_actions(viewer.entity_id)
        own = set(session.scalars(select(ProgressUpdate.id).where(ProgressUpdate.id.in_(ids), ours)))
    others = [update for update in updates if update.id not in own and _public_update(update)]
    published: set[int] = set()
    if others:
        action_ids = {update.action_id for update in others}
        published = set(
            session.scalars(select(Action.id).where(Action.id.in_(action_ids), Action.published.is_(True)))
        )
    links: dict[int, _Link] = dict.fromkeys(own, workspace_url)
    links |= {update.id: public_evidence_url for update in others if update.action_id in published}
    return links


def _public_update(update: ProgressUpdate) -> bool:
    """The update's side of ``app.public.evidence``'s rule (the action's is its ``published`` flag)."""
    return update.state == "approved" and update.published
