"""Export stored recommendations in the project's CSV template, so the file imports back unchanged.

Recommendations are streamed in id order, ``chunk_size`` at a time (keyset on id); each chunk's
texts, terms and mechanisms are loaded with one query each, never one per recommendation. The
whole export reads one snapshot of the database (one read-only transaction), so the file shows
the data as it was at one moment even while an import commits.

What is written, and why it reads back as the same recommendation (docs/csv-template.md, Export):

- ``external_id``: the stored one for ``manual`` recommendations; ``<source>:<id>``
  (``uhri:b57cfd85-...``) for the others, which become manual copies when the file is imported.
- ``mechanism``: a spelling the import maps onto the same mechanism *without* adding a spelling:
  the code (``CRC``, ``ACHPR``) or the name, whichever is already one of the mechanism's stored
  spellings, else another stored spelling. Codes come first for the bodies the project knows,
  the name first for bodies that users named themselves.
- list cells: the stored term labels; SDGs as their codes; UPR Info issues have no column.
- ``text``: the original of each language (HTML for UHRI), one row per language.

A label containing ``;`` (the template's list separator) is written with ``,`` in its place: the
term key ignores punctuation, so the import finds the same term. A recommendation that still cannot
be written so that it reads back (no text with anything visible in it; an id too long once
prefixed; a mechanism with no spelling that maps back to it) is skipped and reported to
``on_skip`` (by default a logged warning); the others are exported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, or_, select

from app.models import Mechanism, MechanismLabel, Recommendation, RecommendationTerm, RecommendationText, Term
from app.models.recommendation import SOURCES
from app.taxonomies.keys import label_key
from app.taxonomies.sdg import sdg_entries
from importers.countries import resolve_country_alias
from importers.csv_template import write_template_rows
from importers.mechanisms import KNOWN_MECHANISMS, resolve_mechanism
from importers.normalise import clean_label, html_to_text
from importers.record import RecordError, SourceRecord

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
MANUAL = "manual"
_MAX_ID = 128  # recommendations.external_id is a String(128); the import refuses longer ids

# Link role -> SourceRecord list field, for the roles the template has a column for ("issue" has none).
_ROLE_FIELDS = {
    "country": "countries",
    "region": "regions",
    "theme": "themes",
    "affected_person": "affected_persons",
    "sdg": "sdgs",
    "recommending_state": "recommending_states",
    "recommending_region": "recommending_regions",
}
_KNOWN_CODES = frozenset(info.code for info in KNOWN_MECHANISMS)
_SDG_ORDER = {code: index for index, code in enumerate(sdg_entries())}

# Told about each recommendation left out: its database id and the reason.
SkipReport = Callable[[int, str], None]


def export_template_csv(
    engine: Engine,
    out: TextIO,
    *,
    source: str | None = None,
    country: str | None = None,
    include_withdrawn: bool = False,
    chunk_size: int = CHUNK_SIZE,
    on_skip: SkipReport | None = None,
) -> int:
    """Write the header and the selected recommendations to ``out``; return how many were written.

    ``out`` should be opened with ``newline=""`` (and ``encoding="utf-8-sig"`` for a spreadsheet).
    ``source`` keeps one source (``manual``, ``upr-info``, ``uhri``); ``country`` keeps the
    recommendations concerning that State, given as UHRI spells it, in everyday spelling or as an
    ISO code; withdrawn recommendations are left out unless ``include_withdrawn``.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; the sources are: {', '.join(SOURCES)}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    report = on_skip or _log_skip
    written = 0

    with _read_snapshot(engine) as conn:

        def counted() -> Iterator[SourceRecord]:
            nonlocal written
            for record in _records(conn, source, country, include_withdrawn, chunk_size, report):
                written += 1
                yield record

        write_template_rows(counted(), out)
    return written


def _log_skip(rec_id: int, reason: str) -> None:
    logger.warning("recommendation %s not exported: %s", rec_id, reason)


@contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction; REPEATABLE READ on PostgreSQL so every chunk sees the same data.

    SQLite in WAL mode gives a transaction one snapshot from its first read on.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin() as transaction:
            try:
                yield conn
            finally:
                transaction.rollback()  # read only: nothing to commit


def _records(
    conn: Connection,
    source: str | None,
    country: str | None,
    include_withdrawn: bool,
    chunk_size: int,
    report: SkipReport,
) -> Iterator[SourceRecord]:
    query = select(
        Recommendation.id,
        Recommendation.source,
        Recommendation.external_id,
        Recommendation.type,
        Recommendation.mechanism_id,
        Recommendation.symbol,
        Recommendation.publication_date,
        Recommendation.upr_session,
        Recommendation.position,
    )
    if source is not None:
        query = query.where(Recommendation.source == source)
    if not include_withdrawn:
        query = query.where(Recommendation.withdrawn.is_(False))
    if country is not None:
        key = label_key(resolve_country_alias(country))
        term_id = conn.execute(select(Term.id).where(Term.kind == "state", Term.key == key)).scalar()
        if term_id is None:
            return  # no recommendation concerns that State
        query = query.where(
            Recommendation.id.in_(
                select(RecommendationTerm.recommendation_id).where(
                    RecommendationTerm.role == "country", RecommendationTerm.term_id == term_id
                )
            )
        )
    mechanisms = _MechanismSpellings(conn)
    last_id = 0
    while True:
        rows = conn.execute(
            query.where(Recommendation.id > last_id).order_by(Recommendation.id).limit(chunk_size)
        ).all()
        if not rows:
            return
        last_id = rows[-1].id
        ids = [row.id for row in rows]
        texts = _texts(conn, ids)
        labels = _labels(conn, ids)
        mechanisms.load({row.mechanism_id for row in rows})
        for row in rows:
            record_texts = texts.get(row.id)
            spelling = mechanisms.spelling.get(row.mechanism_id)
            external_id = row.external_id if row.source == MANUAL else f"{row.source}:{row.external_id}"
            if not record_texts:
                report(row.id, "it has no text")
                continue
            if len(external_id) > _MAX_ID:
                report(row.id, f"external_id {external_id!r} is longer than {_MAX_ID} characters")
                continue
            if spelling is None:
                report(
                    row.id,
                    f"mechanism {mechanisms.code.get(row.mechanism_id)!r}: no spelling maps back to it",
                )
                continue
            yield SourceRecord(
                source=MANUAL,
                external_id=external_id,
                input_position=f"recommendation {row.id}",
                type=row.type,
                mechanism=spelling,
                texts=record_texts,
                symbol=row.symbol,
                publication_date=row.publication_date,
                upr_session=row.upr_session,
                position=row.position,
                **labels.get(row.id, {}),
            )
        if len(rows) < chunk_size:
            return


def _texts(conn: Connection, ids: list[int]) -> dict[int, dict[str, str]]:
    texts: dict[int, dict[str, str]] = {}
    for rec_id, lang, original in conn.execute(
        select(RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.original)
        .where(RecommendationText.recommendation_id.in_(ids))
        .order_by(RecommendationText.recommendation_id, RecommendationText.lang)
    ):
        # A text with nothing visible in it would be rejected by the import ("text: empty").
        if html_to_text(original):
            texts.setdefault(rec_id, {})[lang] = original
    return texts


def _labels(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each recommendation's list cells: field name -> labels (SDG codes), in a stable order."""
    labels: dict[int, dict[str, list[str]]] = {}
    for rec_id, role, label, code in conn.execute(
        select(RecommendationTerm.recommendation_id, RecommendationTerm.role, Term.label, Term.code)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id.in_(ids), RecommendationTerm.role.in_(_ROLE_FIELDS))
    ):
        value = (code or label) if role == "sdg" else _list_safe(label)
        labels.setdefault(rec_id, {}).setdefault(_ROLE_FIELDS[role], []).append(value)
    for fields in labels.values():
        for name, values in fields.items():
            if name == "sdgs":
                values.sort(key=lambda code: (_SDG_ORDER.get(code, len(_SDG_ORDER)), code))
            else:
                values.sort(key=lambda value: (value.casefold(), value))
    return dict(labels)


def _list_safe(label: str) -> str:
    """``;`` separates the values of a list cell; ``,`` in its place keeps the term key (and so the term)."""
    return label.replace(";", ",")


class _MechanismSpellings:
    """The spelling the export writes for each mechanism, worked out once per mechanism."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.spelling: dict[int, str | None] = {}
        self.code: dict[int, str] = {}

    def load(self, ids: set[int]) -> None:
        new = sorted(ids - self.spelling.keys())
        if not new:
            return
        rows = self.conn.execute(
            select(Mechanism.id, Mechanism.code, Mechanism.name).where(Mechanism.id.in_(new))
        ).all()
        preferred = {row.id: _preferred(row.code, row.name) for row in rows}
        keys = {_key(spelling) for spellings in preferred.values() for spelling in spellings}
        owner: dict[str, int] = {}
        stored: dict[int, list[str]] = {}
        for key, label, mechanism_id in self.conn.execute(
            select(MechanismLabel.key, MechanismLabel.label, MechanismLabel.mechanism_id).where(
                or_(MechanismLabel.mechanism_id.in_(new), MechanismLabel.key.in_(sorted(keys - {""})))
            )
        ):
            owner[key] = mechanism_id
            if mechanism_id in preferred:
                stored.setdefault(mechanism_id, []).append(label)
        for row in rows:
            self.code[row.id] = row.code
            self.spelling[row.id] = _spelling(
                row.id,
                row.code,
                preferred[row.id],
                sorted(stored.get(row.id, []), key=lambda s: (len(s), s)),
                owner,
            )


def _preferred(code: str, name: str) -> tuple[str, str]:
    return (code, name) if code in _KNOWN_CODES else (name, code)


def _key(spelling: str) -> str:
    """The key the import looks a mechanism cell up by (the reader cleans the cell first)."""
    try:
        return label_key(clean_label(spelling))
    except RecordError:
        return ""


def _spelling(
    mechanism_id: int, code: str, preferred: tuple[str, str], stored: list[str], owner: dict[str, int]
) -> str | None:
    """A spelling the import maps onto this mechanism: preferably one already stored as its label
    (re-importing then writes nothing), else one it would resolve to this mechanism's code."""
    candidates = [*preferred, *stored]
    for spelling in candidates:
        key = _key(spelling)
        if key and owner.get(key) == mechanism_id:
            return clean_label(spelling)
    for spelling in preferred:
        key = _key(spelling)
        if not key or key in owner:
            continue
        try:
            if resolve_mechanism(clean_label(spelling)).code == code:
                return clean_label(spelling)
        except RecordError:
            continue
    return None
