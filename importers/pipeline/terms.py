"""The run's one taxonomy index: terms and mechanisms by key, with their ids once stored.

Both stages use it. Describing a record names its terms and its mechanism by key (``term``,
``mechanism_code``); a reader process does that on a pickled copy, and since both copies see the
records in the same order, both name a new term by the same (first-seen) label. Writing a batch
creates what it names that is not stored yet (``missing``, then ``create``) and looks up the ids
(``term_id``, ``mechanism_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.feed import record_refusals as reasons
from app.feed.countries import resolve_country_alias
from app.feed.fields import ROLE_FIELDS
from app.feed.keys import label_key
from app.feed.mechanisms import resolve_mechanism
from app.feed.records import RecordError
from app.feed.refusals import refusal
from app.feed.values import not_an_sdg

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from importers.pipeline.prepare import Described

MAX_LABEL_CHARS = 1000
MAX_KEY_CHARS = 255  # terms.key and mechanism_labels.key

TermKey = tuple[str, str]  # (kind, key)


@dataclass(slots=True)
class NewTaxonomy:
    """What a batch names that is not stored yet: terms with their first-seen labels, mechanism labels."""

    terms: dict[TermKey, str] = field(default_factory=dict)
    mechanisms: set[str] = field(default_factory=set)  # raw body labels

    def __bool__(self) -> bool:
        return bool(self.terms or self.mechanisms)


class TermIndex:
    """The taxonomies by key for one run: labels (stored and first seen), codes, and stored ids."""

    def __init__(self, role_kind: dict[str, str], labels: dict[TermKey, str] | None = None) -> None:
        # app.models.taxonomy.ROLE_KIND, passed in: a reader process need not import the models.
        self.role_kind = role_kind
        self.labels: dict[TermKey, str] = labels if labels is not None else {}
        self.term_ids: dict[TermKey, int] = {}
        self.term_labels: dict[int, str] = {}  # the stored label of each term id
        self.mechanism_codes: dict[str, str] = {}  # label key of a body's label -> mechanism code
        self.mechanism_label_ids: dict[str, int] = {}  # stored label key -> mechanism id
        self.mechanism_ids: dict[str, int] = {}  # code -> id
        self.mechanism_code_of: dict[int, str] = {}  # id -> code
        self._terms: dict[tuple[str, str], TermKey] = {}  # (role, raw label) -> key
        self._mechanism_of_raw: dict[str, int] = {}

    @classmethod
    def load(cls, conn: Connection) -> TermIndex:
        """The stored taxonomies. SQLAlchemy and the models are imported here, not at the top:
        a reader process unpickles the index without ever loading them."""
        from sqlalchemy import select

        from app.models import Mechanism, MechanismLabel, Term
        from app.models.taxonomy import ROLE_KIND

        index = cls(ROLE_KIND)
        for term_id, kind, key, label in conn.execute(select(Term.id, Term.kind, Term.key, Term.label)):
            index.labels[(kind, key)] = label
            index.term_ids[(kind, key)] = term_id
            index.term_labels[term_id] = label
        for code, mechanism_id in conn.execute(select(Mechanism.code, Mechanism.id)):
            index.mechanism_ids[code] = mechanism_id
            index.mechanism_code_of[mechanism_id] = code
        for key, mechanism_id in conn.execute(select(MechanismLabel.key, MechanismLabel.mechanism_id)):
            index.mechanism_label_ids[key] = mechanism_id
            index.mechanism_codes[key] = index.mechanism_code_of[mechanism_id]
        return index

    # -- describing (here or in a reader process) -----------------------------------------

    def role_key(self, role: str, raw: str) -> tuple[str, str]:
        """(key, display label) of a raw label in a role; States resolve 2-letter stubs."""
        kind = self.role_kind[role]
        label = resolve_country_alias(raw) if kind == "state" else raw
        key = label if kind == "sdg" else label_key(label)
        if not key:
            raise RecordError(refusal(reasons.EMPTY_LABEL, field=ROLE_FIELDS[role]))
        if len(key) > MAX_KEY_CHARS:  # folding can lengthen a label ("&" -> "and", ligatures)
            raise RecordError(
                refusal(reasons.LABEL_TOO_LONG, field=ROLE_FIELDS[role], label=repr(label[:40]))
            )
        return key, label

    def term(self, role: str, raw: str) -> TermKey:
        found = self._terms.get((role, raw))
        if found is None:
            kind = self.role_kind[role]
            key, label = self.role_key(role, raw)
            if (kind, key) not in self.labels:
                if kind == "sdg":
                    raise RecordError(not_an_sdg(key))
                self.labels[(kind, key)] = label[:MAX_LABEL_CHARS]
            found = self._terms[(role, raw)] = (kind, key)
        return found

    def mechanism_code(self, raw: str) -> str:
        key = label_key(raw)
        if not key:
            raise RecordError(refusal(reasons.MISSING, field="Body"))
        if len(key) > MAX_KEY_CHARS:
            raise RecordError(refusal(reasons.LABEL_TOO_LONG, field="Body", label=repr(raw[:40])))
        code = self.mechanism_codes.get(key)
        if code is None:
            code = self.mechanism_codes[key] = resolve_mechanism(raw).code
        return code

    # -- writing (the importing process) --------------------------------------------------

    def missing(self, batch: list[Described]) -> NewTaxonomy:
        """The terms and mechanism labels a batch of described records names that are not stored."""
        new = NewTaxonomy()
        for described in batch:
            for keys in described.terms.values():
                for key in keys:
                    if key not in self.term_ids:
                        new.terms.setdefault(key, described.labels[key])
            raw = described.record.mechanism
            if raw not in self._mechanism_of_raw and label_key(raw) not in self.mechanism_label_ids:
                new.mechanisms.add(raw)
        return new

    def create(self, conn: Connection, new: NewTaxonomy) -> None:
        """Store what ``missing`` found, the terms in one statement."""
        from sqlalchemy import insert

        from app.models import Term

        if new.terms:
            rows = conn.execute(
                insert(Term).returning(Term.id, Term.kind, Term.key),
                [{"kind": kind, "key": key, "label": label} for (kind, key), label in new.terms.items()],
            )
            for term_id, kind, term_key in rows:
                label = new.terms[(kind, term_key)]
                self.labels[(kind, term_key)] = label
                self.term_ids[(kind, term_key)] = term_id
                self.term_labels[term_id] = label
        for raw in sorted(new.mechanisms):
            self._create_mechanism_label(conn, raw)

    def _create_mechanism_label(self, conn: Connection, raw: str) -> None:
        """A body label not stored yet, with its mechanism if the mechanism is new too."""
        from sqlalchemy import insert

        from app.models import Mechanism, MechanismLabel

        key = label_key(raw)
        if key in self.mechanism_label_ids:  # two spellings of one label in the same batch
            return
        info = resolve_mechanism(raw)
        mechanism_id = self.mechanism_ids.get(info.code)
        if mechanism_id is None:
            mechanism_id = conn.execute(
                insert(Mechanism)
                .values(code=info.code, name=info.name, family=info.family)
                .returning(Mechanism.id)
            ).scalar_one()
            self.mechanism_ids[info.code] = mechanism_id
            self.mechanism_code_of[mechanism_id] = info.code
        conn.execute(insert(MechanismLabel).values(key=key, label=raw[:255], mechanism_id=mechanism_id))
        self.mechanism_label_ids[key] = mechanism_id
        self.mechanism_codes[key] = info.code

    def term_id(self, key: TermKey) -> int:
        """A stored term's id (``create`` has stored the batch's new ones)."""
        return self.term_ids[key]

    def mechanism_id(self, raw: str) -> int:
        """The id of the mechanism a stored body label names."""
        cached = self._mechanism_of_raw.get(raw)
        if cached is None:
            cached = self._mechanism_of_raw[raw] = self.mechanism_label_ids[label_key(raw)]
        return cached
