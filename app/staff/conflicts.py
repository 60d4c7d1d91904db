"""Editing conflicts in the browser: the ETag round trip is a hidden field, and when someone else saved
first (the service answers 412) the page says who changed what and when, keeps nothing half-written,
and offers the latest version, never overwriting silently."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.audit import queries as audit_queries
from app.auth.service import StaffSession
from app.entities.service import entity_refs
from app.recommendations.review import ImportChange
from app.staff.forms import whole_number
from app.staff.labels import field_label
from app.staff.pages import StaffPage, render
from app.users.service import display_names

ETAG_FIELD = "etag"
ENTITY_FIELDS = ("lead_entity_id", "entity_id")


def conflict_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    *,
    object_type: str,
    object_id: int,
    reload_url: str,
    typed: dict[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    imported: Callable[[Session], ImportChange | None] | None = None,
) -> HTMLResponse:
    """412: what the other person's last change was (from the audit trail), what this user typed (so
    it can be copied), and a link to the latest version. The request's own writes are rolled back.
    ``labels``: the object's fields as its form names them (a recommendation's by default).
    ``imported``: reads the object's latest change by an import (a recommendation's), named instead
    of the audit trail's when it is the newer: an import writes no audit event per record."""
    db.rollback()
    change = audit_queries.latest_change(db, object_type, object_id)
    page = StaffPage.of(request, "", staff)
    shown = {key: value for key, value in (typed or {}).items() if key not in ("csrf_token", ETAG_FIELD)}

    def label(name: str) -> str:
        if labels is None:
            return field_label(name, page.gettext, page.lang)
        return str(page.gettext(labels[name])) if name in labels else name

    after = (change.after or {}) if change else {}
    # The fields its form names (bookkeeping such as reviewed_at goes with them), each once.
    changed = list(dict.fromkeys(label(name) for name in after if labels is None or name in labels))
    by_you = change is not None and change.actor_user_id == staff.actor.user_id
    # Named as the workspace names people (their name, the email of one without), not by the email
    # the audit trail keeps.
    shown_change: Any = change
    if change is not None and change.actor_user_id is not None:
        name = display_names(db, [change.actor_user_id]).get(change.actor_user_id)
        shown_change = {"actor": name or change.actor, "at": change.at}
    by_import = imported(db) if imported is not None else None
    if by_import is not None and (change is None or by_import.at > change.at):
        who = page.gettext("Import run %(id)s") % {"id": by_import.run_id or "?"}
        shown_change, by_you = {"actor": who, "at": by_import.at}, False
        changed = list(dict.fromkeys(label(name) for name in by_import.fields))
    context = {
        "change": shown_change,
        "by_you": by_you,
        "changed": changed,
        "reload_url": reload_url,
        "typed": {label(key): value for key, value in _named(db, shown).items()},
    }
    return render(request, page, "conflict.html", context, status=412)


def _named(db: Session, typed: dict[str, Any]) -> dict[str, Any]:
    """An entity chosen by id (a cluster's lead, a deadline's responsible entity) shown by its name."""
    ids = {int(value) for key, value in typed.items() if key in ENTITY_FIELDS and whole_number(str(value))}
    names = {str(i): ref.name for i, ref in entity_refs(db, ids).items()}
    return {
        key: names.get(str(value), value) if key in ENTITY_FIELDS else value for key, value in typed.items()
    }
