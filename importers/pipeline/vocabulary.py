"""Taxonomy terms and mechanisms for a run: cached by id, created on first sight."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, insert, select

from app.feed.keys import label_key
from app.feed.mechanisms import resolve_mechanism
from app.feed.records import RecordError
from app.models import Mechanism, MechanismLabel, Term
from app.models.taxonomy import ROLE_KIND
from importers.prepare import Described, Naming, TermKey


class Vocabulary:
    """Taxonomy terms and mechanisms by id, cached for the run and created on first sight."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Called before the vocabulary writes a new term or mechanism: while a writer thread owns
        # the connection, this waits for it to finish its batches.
        self.before_write: Callable[[], None] | None = None
        self.terms: dict[TermKey, int] = {}
        self.labels: dict[int, str] = {}
        for term_id, kind, key, label in conn.execute(select(Term.id, Term.kind, Term.key, Term.label)):
            self.terms[(kind, key)] = term_id
            self.labels[term_id] = label
        self.mechanism_labels = dict(
            conn.execute(select(MechanismLabel.key, MechanismLabel.mechanism_id)).all()
        )
        self.mechanism_codes = dict(conn.execute(select(Mechanism.code, Mechanism.id)).all())
        self.mechanism_code_of = {v: k for k, v in self.mechanism_codes.items()}
        self._mechanism_of_raw: dict[str, int] = {}

    def naming(self) -> Naming:
        """The taxonomies by key, for describing records (here or in a reader process)."""
        labels = {key: self.labels[term_id] for key, term_id in self.terms.items()}
        codes = {key: self.mechanism_code_of[mid] for key, mid in self.mechanism_labels.items()}
        return Naming(labels, codes, ROLE_KIND)

    def term_id(self, key: TermKey, label: str) -> int:
        term_id = self.terms.get(key)
        if term_id is None:
            self._before_write()
            kind, term_key = key
            term_id = self.conn.execute(
                insert(Term).values(kind=kind, key=term_key, label=label).returning(Term.id)
            ).scalar_one()
            self.terms[key] = term_id
            self.labels[term_id] = label
        return term_id

    def ensure(self, batch: list[Described]) -> None:
        """Create the new terms and mechanisms a batch names, all at once, before it is linked."""
        new_terms: dict[TermKey, str] = {}
        new_mechanisms: set[str] = set()
        for described in batch:
            for keys in described.terms.values():
                for key in keys:
                    if key not in self.terms:
                        new_terms.setdefault(key, described.labels[key])
            raw = described.record.mechanism
            if raw not in self._mechanism_of_raw and label_key(raw) not in self.mechanism_labels:
                new_mechanisms.add(raw)
        if not new_terms and not new_mechanisms:
            return
        self._before_write()
        if new_terms:
            rows = self.conn.execute(
                insert(Term).returning(Term.id, Term.kind, Term.key),
                [{"kind": kind, "key": key, "label": label} for (kind, key), label in new_terms.items()],
            )
            for term_id, kind, term_key in rows:
                self.terms[(kind, term_key)] = term_id
                self.labels[term_id] = new_terms[(kind, term_key)]
        for raw in sorted(new_mechanisms):
            self.mechanism_id(raw)

    def _before_write(self) -> None:
        if self.before_write is not None:
            self.before_write()

    def mechanism_id(self, raw: str) -> int:
        cached = self._mechanism_of_raw.get(raw)
        if cached is None:
            cached = self._mechanism_of_raw[raw] = self._resolve_mechanism(raw)
        return cached

    def _resolve_mechanism(self, raw: str) -> int:
        key = label_key(raw)
        if not key:
            raise RecordError("Body: missing")
        mechanism_id = self.mechanism_labels.get(key)
        if mechanism_id is None:
            self._before_write()
            info = resolve_mechanism(raw)
            mechanism_id = self.mechanism_codes.get(info.code)
            if mechanism_id is None:
                mechanism_id = self.conn.execute(
                    insert(Mechanism)
                    .values(code=info.code, name=info.name, family=info.family)
                    .returning(Mechanism.id)
                ).scalar_one()
                self.mechanism_codes[info.code] = mechanism_id
                self.mechanism_code_of[mechanism_id] = info.code
            self.conn.execute(
                insert(MechanismLabel).values(key=key, label=raw[:255], mechanism_id=mechanism_id)
            )
            self.mechanism_labels[key] = mechanism_id
        return mechanism_id
