"""Manual recommendations (source "manual") written through the API, stored as the CSV import would.

The row, its texts, search document and term links, its content hash and sort date are made by
the rules the import pipeline uses (app/feed/fields.py, and the State alias table in
app/feed/countries.py): terms are found or created by (kind, key), States by their UN name
("Turkey" and "GB" are stored as the import stores them), mechanisms by code. An export of a manual
recommendation therefore imports back as unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import changed, record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.feed.countries import resolve_country_alias
from app.feed.fields import ROLE_FIELDS as TERM_ROLE_FIELDS
from app.feed.fields import (
    SCALAR_FIELDS,
    clean_label,
    content_hash,
    cycle_for_session,
    paragraph_number,
    plain_text,
)
from app.feed.keys import label_key
from app.feed.sdg import SDG_CODES
from app.feed.stemming import search_document
from app.models import (
    Mechanism,
    MechanismLabel,
    Recommendation,
    RecommendationSearch,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.models.base import utcnow
from app.models.taxonomy import ROLE_KIND
from app.recommendations.write_schemas import ManualCreate, ManualFields, RecommendationUpdate

MANUAL = "manual"
MAX_KEY = 255  # terms.key and mechanism_labels.key
MIN_DATE = date(1, 1, 1)
# Body field -> term role, in the pipeline's order.
ROLE_FIELDS = {field: role for role, field in TERM_ROLE_FIELDS.items() if role != "issue"}
EDITABLE_SCALARS = ("type", "symbol", "document_id", "publication_date", "upr_session", "position")
# Feed fields a PATCH may set on a manual recommendation (and on no other).
MANUAL_FIELDS = (
    "text",
    "lang",
    "mechanism",
    "mechanism_name",
    "mechanism_family",
    "paragraph",
    *EDITABLE_SCALARS,
    *ROLE_FIELDS,
)


def _invalid(field_name: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{field_name}: {reason}", errors=[{"field": field_name, "reason": reason}])


@dataclass
class FeedState:
    """The feed-owned values of one manual recommendation, as the pipeline hashes them."""

    scalars: dict[str, Any]
    mechanism_id: int
    mechanism_code: str
    texts: dict[str, str]
    links: dict[str, list[int]] = field(default_factory=dict)  # role -> term ids
    labels: dict[int, str] = field(default_factory=dict)  # term id -> label

    def canonical(self) -> dict[str, Any]:
        values = {name: self.scalars.get(name) for name in SCALAR_FIELDS}
        values["mechanism"] = self.mechanism_code
        values["texts"] = dict(sorted(self.texts.items()))
        for role, ids in self.links.items():
            if ids:
                values[role] = sorted(self.labels[term_id] for term_id in ids)
        return values

    def audit_view(self) -> dict[str, Any]:
        """The values as an audit event shows them: labels, not term ids."""
        view: dict[str, Any] = {name: self.scalars.get(name) for name in (*EDITABLE_SCALARS, "paragraph")}
        view["mechanism"] = self.mechanism_code
        view.update({f"text.{lang}": text for lang, text in self.texts.items()})
        for name, role in ROLE_FIELDS.items():
            view[name] = sorted(self.labels[term_id] for term_id in self.links.get(role, []))
        return view


def _mechanism(session: Session, actor: Actor, body: ManualFields, code: str) -> tuple[int, str]:
    """The mechanism of ``code``; an unknown code with a name and family is created."""
    found = session.execute(select(Mechanism).where(Mechanism.code == code)).scalar_one_or_none()
    name, family = body.mechanism_name, body.mechanism_family
    if found is not None:
        if (name is not None and name != found.name) or (family is not None and family != found.family):
            raise _invalid(
                "mechanism_name",
                f"mechanism {code} exists ({found.name!r}, {found.family}); give only its code",
            )
        return found.id, found.code
    if name is None or family is None:
        raise _invalid(
            "mechanism",
            f"unknown mechanism code {code!r}; add mechanism_name and mechanism_family to create it",
        )
    keys = {label_key(code): code, label_key(name): name}
    if not label_key(name) or len(label_key(name)) > MAX_KEY:
        raise _invalid("mechanism_name", _("not a usable name (no letters or digits, or too long)"))
    taken = session.execute(
        select(MechanismLabel.key, Mechanism.code)
        .join(Mechanism, Mechanism.id == MechanismLabel.mechanism_id)
        .where(MechanismLabel.key.in_(sorted(keys)))
    ).first()
    if taken is not None:
        raise _invalid("mechanism_name", f"{keys[taken[0]]!r} already names mechanism {taken[1]}")
    mechanism = Mechanism(code=code, name=name, family=family)
    session.add(mechanism)
    session.flush()
    # The spellings an import (of an export of this recommendation) looks the mechanism up by.
    session.add_all(
        MechanismLabel(key=key, label=label, mechanism_id=mechanism.id) for key, label in keys.items()
    )
    record(
        session,
        actor,
        "mechanism.create",
        "mechanism",
        mechanism.id,
        after={"code": code, "name": name, "family": family},
    )
    return mechanism.id, code


def _terms(session: Session, name: str, values: list[str]) -> tuple[list[int], dict[int, str]]:
    """Term ids for a list of labels (SDG codes for ``sdgs``), found or created as the pipeline does."""
    role = ROLE_FIELDS[name]
    kind = ROLE_KIND[role]
    wanted: dict[str, str] = {}
    for raw in values:
        if kind == "sdg":
            key = raw.strip().lower()
            if key not in SDG_CODES:
                raise _invalid(name, Reason(_("%(code)s is not an SDG goal or target code"), code=repr(raw)))
            wanted.setdefault(key, key)
            continue
        label = clean_label(raw)
        if kind == "state":  # as the pipeline's role_key: "Turkey", "GB" -> the UN name
            label = resolve_country_alias(label)
        key = label_key(label)
        if not key:
            raise _invalid(name, Reason(_("%(label)s is not a label"), label=repr(raw)))
        if len(key) > MAX_KEY:
            raise _invalid(name, Reason(_("%(label)s...: longer than a label can be"), label=repr(raw[:40])))
        wanted.setdefault(key, label)
    if not wanted:
        return [], {}
    found = {
        key: (term_id, label)
        for term_id, key, label in session.execute(
            select(Term.id, Term.key, Term.label).where(Term.kind == kind, Term.key.in_(sorted(wanted)))
        )
    }
    ids: list[int] = []
    labels: dict[int, str] = {}
    for key, label in wanted.items():
        if key not in found:
            if kind == "sdg":
                raise _invalid(name, Reason(_("%(code)s is not an SDG goal or target code"), code=repr(key)))
            found[key] = _new_term(session, kind, key, label[:1000])
        term_id, stored = found[key]
        ids.append(term_id)
        labels[term_id] = stored
    return sorted(set(ids)), labels


def _new_term(session: Session, kind: str, key: str, label: str) -> tuple[int, str]:
    """A new term's id and label; or, where another request created that term meanwhile, its own. Two
    recommendations naming one new theme at once (PostgreSQL) both find it missing: the second's insert
    failed on the terms' unique (kind, key), a 409 for a request that, a moment later, would have
    used the first's term. It uses it now, as it would have then."""
    try:
        with session.begin_nested():  # the failed insert is undone alone, not the request's writes
            term = Term(kind=kind, key=key, label=label)
            session.add(term)
            session.flush()
            return term.id, term.label
    except IntegrityError:
        row = session.execute(select(Term.id, Term.label).where(Term.kind == kind, Term.key == key)).one()
        return row.id, row.label


def _text(value: str) -> str:
    # Line endings as the CSV reader hands a cell over; the text itself is kept as given.
    text = value.replace("\r\n", "\n")
    if not plain_text(text):
        raise _invalid("text", _("has no visible character"))
    return text


def _primary(texts: dict[str, str]) -> str:
    plain = {lang: plain_text(original) for lang, original in texts.items()}
    return plain.get("en") or next(iter(plain.values()), "")


def create_manual(session: Session, actor: Actor, body: ManualCreate) -> int:
    mechanism_id, code = _mechanism(session, actor, body, body.mechanism)
    texts = {body.lang or "en": _text(body.text)}
    state = FeedState(
        scalars={
            "document_id": body.document_id or None,
            "symbol": body.symbol,
            "type": body.type or "recommendation",
            "publication_date": body.publication_date,
            "uhri_published_at": None,
            "upr_cycle": cycle_for_session(body.upr_session) if body.upr_session is not None else None,
            "upr_session": body.upr_session,
            "position": body.position or "none",
            "upr_info_action": None,
            "paragraph": body.paragraph or paragraph_number(_primary(texts)),
        },
        mechanism_id=mechanism_id,
        mechanism_code=code,
        texts=texts,
    )
    for name, role in ROLE_FIELDS.items():
        state.links[role], labels = _terms(session, name, getattr(body, name) or [])
        state.labels.update(labels)
    now = utcnow()
    rec = Recommendation(
        source=MANUAL,
        external_id=f"api-{uuid.uuid4().hex}",
        needs_review=False,
        withdrawn=False,
        created_at=now,
        updated_at=now,
    )
    _store_row(rec, state)
    session.add(rec)
    session.flush()
    _store_children(session, rec.id, state, set(ROLE_FIELDS.values()), set(texts))
    record(
        session,
        actor,
        "recommendation.create",
        "recommendation",
        rec.id,
        after={"source": MANUAL, **state.audit_view()},
    )
    return rec.id


def _store_row(rec: Recommendation, state: FeedState) -> None:
    for name, value in state.scalars.items():
        setattr(rec, name, value)
    rec.mechanism_id = state.mechanism_id
    rec.sort_date = state.scalars["publication_date"] or MIN_DATE
    rec.content_hash = content_hash(state.canonical())


def _store_children(
    session: Session, rec_id: int, state: FeedState, roles: set[str], langs: set[str]
) -> None:
    """Write the texts of ``langs``, the links of ``roles`` and the search document."""
    if roles:
        session.execute(
            delete(RecommendationTerm).where(
                RecommendationTerm.recommendation_id == rec_id, RecommendationTerm.role.in_(sorted(roles))
            )
        )
        session.add_all(
            RecommendationTerm(recommendation_id=rec_id, role=role, term_id=term_id)
            for role in sorted(roles)
            for term_id in state.links.get(role, [])
        )
    for lang in sorted(langs):
        stored = session.get(RecommendationText, (rec_id, lang))
        original = state.texts[lang]
        if stored is None:
            session.add(
                RecommendationText(
                    recommendation_id=rec_id, lang=lang, original=original, text=plain_text(original)
                )
            )
        else:
            stored.original, stored.text = original, plain_text(original)
    # As the pipeline's refresh_search: every language's plain text, in language order, and the
    # symbol (rebuilt on every change: one document, whichever field changed).
    plain = {lang: plain_text(text) for lang, text in state.texts.items()}
    document = search_document(plain, state.scalars["symbol"])
    search = session.get(RecommendationSearch, rec_id)
    if search is None:
        session.add(RecommendationSearch(recommendation_id=rec_id, document=document))
    else:
        search.document = document
    session.flush()


def load_state(session: Session, rec: Recommendation) -> FeedState:
    code = session.execute(select(Mechanism.code).where(Mechanism.id == rec.mechanism_id)).scalar_one()
    state = FeedState(
        scalars={name: getattr(rec, name) for name in (*SCALAR_FIELDS, "paragraph")},
        mechanism_id=rec.mechanism_id,
        mechanism_code=code,
        texts=dict(
            session.execute(
                select(RecommendationText.lang, RecommendationText.original).where(
                    RecommendationText.recommendation_id == rec.id
                )
            ).all()
        ),
    )
    for role, term_id, label in session.execute(
        select(RecommendationTerm.role, Term.id, Term.label)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id == rec.id)
    ):
        state.links.setdefault(role, []).append(term_id)
        state.labels[term_id] = label
    return state


def edit_manual(
    session: Session, actor: Actor, rec: Recommendation, body: RecommendationUpdate, given: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply the feed fields in ``given`` to a manual recommendation; (before, after) of what changed."""
    state = load_state(session, rec)
    before = state.audit_view()
    for name in ("type", "position", "text", "mechanism", "lang"):
        if name in given and getattr(body, name) is None:
            raise _invalid(name, _("cannot be null"))
    if "lang" in given and "text" not in given:
        raise _invalid("lang", _("only with `text` (the language of the text given)"))
    if ("mechanism_name" in given or "mechanism_family" in given) and "mechanism" not in given:
        raise _invalid("mechanism_name", _("only with `mechanism`"))
    changed_langs: set[str] = set()
    if "text" in given:
        lang = body.lang or "en"
        state.texts[lang] = _text(body.text or "")
        changed_langs.add(lang)
    if "mechanism" in given:
        state.mechanism_id, state.mechanism_code = _mechanism(session, actor, body, body.mechanism or "")
    for name in EDITABLE_SCALARS:
        if name in given:
            state.scalars[name] = getattr(body, name)
    if "upr_session" in given:
        session_no = state.scalars["upr_session"]
        state.scalars["upr_cycle"] = cycle_for_session(session_no) if session_no is not None else None
    if "paragraph" in given:
        state.scalars["paragraph"] = body.paragraph or None
    elif changed_langs:
        state.scalars["paragraph"] = paragraph_number(_primary(state.texts))
    roles = set()
    for name, role in ROLE_FIELDS.items():
        if name in given:
            state.links[role], labels = _terms(session, name, getattr(body, name) or [])
            state.labels.update(labels)
            roles.add(role)
    old, new = changed(before, state.audit_view())
    if not new:
        return {}, {}
    _store_row(rec, state)
    rec.updated_at = utcnow()
    _store_children(session, rec.id, state, roles, changed_langs)
    return old, new
