"""What the recommendation detail page shows, gathered from the services the API uses: the record
(``get_recommendation``, or the public answer for the reader role), the revisions imports made as
side-by-side differences, the audit history, similar recommendations, and the choices of the form.

Who sees what is decided where the API decides it: the audit history only for the roles the audit
API serves (managers), similar recommendations for staff, the form for the roles PATCH accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from sqlalchemy.orm import Session

from app.audit import queries as audit_queries
from app.audit.schemas import AuditEventOut, AuditListParams
from app.clusters import similarity
from app.clusters.schemas import SimilarList
from app.core.actor import MANAGERS, STAFF, Actor
from app.entities import service as entities_service
from app.feed.fields import readable_text
from app.models.local import PRIORITIES, STATUSES
from app.plans.actions.schemas import ActionPage
from app.recommendations import manual, sources
from app.recommendations.carry import MEMBERSHIP_KINDS as MEMBERSHIP_KINDS  # the template's
from app.recommendations.schemas import Lang, RecommendationDetail, RevisionOut
from app.staff.actions import linked_actions
from app.staff.choices import every_entity
from app.staff.forms import whole_number
from app.staff.labels import (
    POSITION_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    TEXT_FIELD,
    TYPE_LABELS,
    field_label,
    language_name,
)

# The template names sources and kinds of work through this module.
from app.staff.labels import SOURCE_LABELS as SOURCE_LABELS
from app.staff.labels import WORK_LABELS as WORK_LABELS
from app.staff.textdiff import SideBySide, compare
from app.users.service import display_names
from app.web.i18n import MISSING, RTL_LANGUAGES

HISTORY_SIZE = 50
SIMILAR_SIZE = 10

# The form's fields, in the order the page shows them: the ones PATCH takes for every recommendation.
FORM_FIELDS = (
    "priority",
    "priority_rationale",
    "status",
    "status_note",
    "lead_entity_id",
    "supporting_entity_ids",
    "internal_notes",
)

# A manual recommendation's feed fields, which PATCH also takes for it (and refuses for any other).
MANUAL_SCALARS = (
    "mechanism",
    "type",
    "symbol",
    "document_id",
    "paragraph",
    "publication_date",
    "upr_session",
)
MANUAL_LISTS = tuple(manual.ROLE_FIELDS)  # one label a line
MANUAL_TEXT = ("lang", "text")  # the language box comes first on the page


def text_direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # the stored name: "themes", "texts.en"
    lang: str | None  # a text's language (for its lang and dir attributes)
    diff: SideBySide


@dataclass(frozen=True, slots=True)
class RevisionView:
    revision: RevisionOut
    changes: list[FieldChange]


def revision_view(revision: RevisionOut, source: str) -> RevisionView:
    """An import's change: texts compared as readers see them (the stored value is the source's own)."""
    changes = []
    for name, change in sorted(revision.changes.items()):
        old, new = (change or {}).get("old"), (change or {}).get("new")
        lang = name.removeprefix(TEXT_FIELD) if name.startswith(TEXT_FIELD) else None
        if lang is not None:
            old = readable_text(old, source) if isinstance(old, str) else old
            new = readable_text(new, source) if isinstance(new, str) else new
        changes.append(FieldChange(name, lang, compare(old, new)))
    return RevisionView(revision, changes)


# The coded fields of a recommendation's audit events, and the words the form uses for their values.
_VALUE_LABELS = {
    "status": STATUS_LABELS,
    "published_status": STATUS_LABELS,
    "priority": PRIORITY_LABELS,
    "published_priority": PRIORITY_LABELS,
    "position": POSITION_LABELS,
    "type": TYPE_LABELS,
}
_ENTITY_FIELDS = ("lead_entity_id", "supporting_entity_ids")


def shown(value: Any) -> str:
    """An audit value as text: lists joined, nothing as a dash."""
    if value is None or value == []:
        return MISSING
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _manual_form(detail: RecommendationDetail) -> dict[str, Any]:
    lang = detail.text_lang or "en"
    values: dict[str, Any] = {
        "text": detail.texts[lang].text if lang in detail.texts else "",
        "lang": lang,
        "mechanism": detail.mechanism.code,
        "position": detail.position,
    }
    for name in MANUAL_SCALARS:
        value = getattr(detail, name, None)
        if name != "mechanism":
            values[name] = "" if value is None else str(value)
    sdgs = [ref.code for ref in detail.sdgs]
    for name in MANUAL_LISTS:
        values[name] = "\n".join(sdgs if name == "sdgs" else getattr(detail, name))
    return values


def form_from(detail: RecommendationDetail, tag: str) -> dict[str, Any]:
    """The form's values as stored: what the page shows before anyone types."""
    local = detail.local
    manual_values = _manual_form(detail) if detail.source == manual.MANUAL else {}
    return manual_values | {
        "priority": local.priority or "",
        "priority_rationale": local.priority_rationale or "",
        "status": local.status,
        "status_note": "",
        "lead_entity_id": str(local.lead_entity.id) if local.lead_entity else "",
        "supporting_entity_ids": [str(ref.id) for ref in local.supporting_entities],
        "internal_notes": local.internal_notes or "",
        "etag": tag,
    }


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str)]


def update_body(values: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body the form stands for: every local field (the service keeps what did not
    change); an empty box clears its field; a status note only when one was typed; the lead left
    out of the supporting entities. A box sent twice (only a script does) stays a list, which the
    schema refuses: read as empty, it would clear the field."""
    # Built in the order of the form (FORM_FIELDS, then a manual recommendation's fields as the page
    # shows them): the refusals are named in this order, and the box "There is a problem" is read
    # top to bottom, as the form is.
    body: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = values.get(name)
        if name == "status":
            body[name] = value
        elif name == "status_note":
            if isinstance(value, str) and value.strip():
                body[name] = value
        elif name == "supporting_entity_ids":
            # A supporting entity chosen as lead stops being supporting (the form still has it ticked).
            body[name] = [item for item in _listed(value) if item and item != body["lead_entity_id"]]
        else:
            body[name] = None if isinstance(value, str) and not value.strip() else value
    if "text" in values:  # the form of a manual recommendation: its feed fields too
        for name in (*MANUAL_TEXT, *MANUAL_SCALARS, "position"):
            value = values.get(name)
            body[name] = value if isinstance(value, str) and value.strip() else None
        if body["paragraph"] is None:
            del body["paragraph"]  # the service takes it from the start of the text, as imports do
        for name in MANUAL_LISTS:
            value = values.get(name)
            lines = value.splitlines() if isinstance(value, str) else []
            body[name] = [line.strip() for line in lines if line.strip()]
    return body


def typed_form(values: dict[str, Any]) -> dict[str, Any]:
    """What the user sent, shaped like ``form_from`` so the form shows it again."""
    names = [*FORM_FIELDS, *MANUAL_TEXT, *MANUAL_SCALARS, "position", *MANUAL_LISTS]
    form = {name: values.get(name, "") for name in names if name != "supporting_entity_ids"}
    form["supporting_entity_ids"] = _listed(values.get("supporting_entity_ids"))
    form["etag"] = values.get("etag", "")
    # A box sent twice (only a script does) is shown empty, as ``update_body`` reads it.
    return {
        name: value if isinstance(value, str) or name == "supporting_entity_ids" else ""
        for name, value in form.items()
    }


def typed_for_conflict(session: Session, typed: dict[str, Any], gettext: Any, lang: str) -> dict[str, Any]:
    """What the user typed, for the conflict page: labelled, with names rather than codes and ids."""
    ids = [typed.get("lead_entity_id") or "", *typed.get("supporting_entity_ids", [])]
    names = entities_service.entity_refs(
        session, {int(i) for i in ids if isinstance(i, str) and whole_number(i)}
    )

    def entity(value: str) -> str:
        ref = names.get(int(value)) if whole_number(value) else None
        return ref.name if ref else value

    shown: dict[str, Any] = {}
    for name in [*FORM_FIELDS, *MANUAL_TEXT, *MANUAL_SCALARS, "position", *MANUAL_LISTS]:
        value = typed.get(name)
        if not value:
            continue
        if name == "priority" and value in PRIORITY_LABELS:
            value = str(gettext(PRIORITY_LABELS[value]))
        elif name == "status" and value in STATUS_LABELS:
            value = str(gettext(STATUS_LABELS[value]))
        elif name == "lead_entity_id":
            value = entity(value)
        elif name == "supporting_entity_ids":
            value = [entity(item) for item in value]
        shown[field_label(name, gettext, lang)] = value
    return shown


def entity_choices(session: Session, detail: RecommendationDetail) -> list[tuple[str, str]]:
    """Current entities by name, and any archived one still assigned (it may stay, not be added)."""
    options = every_entity(session)
    known = {entity_id for entity_id, _name in options}
    local = detail.local
    assigned = [local.lead_entity] if local.lead_entity else []
    for ref in [*assigned, *local.supporting_entities]:
        if ref.id not in known:
            options.append((ref.id, f"{ref.name} ({ref.acronym})" if ref.acronym else ref.name))
            known.add(ref.id)
    return [(str(entity_id), name) for entity_id, name in options]


@dataclass
class DetailView:
    """Everything the staff detail page shows besides the record itself."""

    revisions: list[RevisionView]
    history: list[AuditEventOut] | None  # None: this role may not read the audit trail
    history_total: int
    similar: SimilarList | None
    entities: list[tuple[str, str]]
    can_edit: bool
    can_archive: bool
    actions: ActionPage | None  # None: this role may not read actions
    entity_names: dict[int, str]  # the entities the history names, by id
    copies_work: dict[int, list[str]]  # linked copies in rec.sources still holding work, by id
    actor_names: dict[int, str]  # the people the history names, by user id (their email: the audit log's)

    def value(self, name: str, value: Any, gettext: Any) -> str:
        """A value of the history as the form words it: a status or priority by its label, an
        entity by its name (its id if it was since deleted)."""
        labels = _VALUE_LABELS.get(name)
        if labels is not None and isinstance(value, str) and value in labels:
            return str(gettext(labels[value]))
        if name in _ENTITY_FIELDS and value:
            ids = value if isinstance(value, list) else [value]
            return ", ".join(self.entity_names.get(i, str(i)) if isinstance(i, int) else str(i) for i in ids)
        return shown(value)


def gather(session: Session, actor: Actor, detail: RecommendationDetail, lang: str) -> DetailView:
    manager = actor.role in MANAGERS
    history: list[AuditEventOut] | None = None
    total = 0
    if manager:
        page = audit_queries.list_events(
            session,
            AuditListParams(object_type="recommendation", object_id=detail.id, limit=HISTORY_SIZE),
        )
        history, total = page.items, page.total
    similar = similarity.similar(session, detail.id, SIMILAR_SIZE, lang) if actor.role in STAFF else None
    named: set[int] = set()
    for event in history or []:
        for values in (event.before or {}, event.after or {}):
            for name in _ENTITY_FIELDS:
                found = values.get(name)
                named.update(i for i in (found if isinstance(found, list) else [found]) if isinstance(i, int))
    return DetailView(
        revisions=[revision_view(revision, detail.source) for revision in detail.revisions],
        history=history,
        history_total=total,
        similar=similar,
        entities=entity_choices(session, detail) if manager else [],
        can_edit=manager,
        can_archive=manager and detail.source == manual.MANUAL,
        actions=linked_actions(session, recommendation_id=detail.id) if actor.role in STAFF else None,
        entity_names={i: ref.name for i, ref in entities_service.entity_refs(session, named).items()},
        copies_work=sources.copies_work(session, detail.sources) if actor.role in STAFF else {},
        actor_names=display_names(session, (event.actor_user_id for event in history or [])),
    )


def choices(gettext: Any, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The options of the form's lists, in the page's language."""
    return {
        "priority": [(value, str(gettext(PRIORITY_LABELS[value]))) for value in PRIORITIES],
        "status": [(value, str(gettext(STATUS_LABELS[value]))) for value in STATUSES],
        "type": [(value, str(gettext(label))) for value, label in TYPE_LABELS.items()],
        "position": [(value, str(gettext(label))) for value, label in POSITION_LABELS.items()],
        "lang": [(code, language_name(code, lang)) for code in get_args(Lang)],
    }
